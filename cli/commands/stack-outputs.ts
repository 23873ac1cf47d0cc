import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { Output } from './validate.js';

/** The outputs of stack `mpx-<stage>` from CloudFormation (AWS's, or the local edge's). */
export async function readStackOutputs(stage: string): Promise<Record<string, string>> {
  const client = new CloudFormationClient({});
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: `mpx-${stage}` }));
    return Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } finally {
    client.destroy();
  }
}

/**
 * `mpx stack outputs`: the stack's outputs, from CloudFormation — AWS's, or the
 * local cloud's when AWS_ENDPOINT_URL points at it (same call, no branch).
 */
export async function stackOutputsCommand(options: { stage: string; json?: boolean }, io: Output): Promise<number> {
  try {
    const outputs = await readStackOutputs(options.stage);
    if (options.json) io.out(JSON.stringify(outputs));
    else for (const [key, value] of Object.entries(outputs)) io.out(`${key}=${value}`);
    return 0;
  } catch (error) {
    io.err(`mpx stack outputs: ${(error as Error).message}`);
    return 1;
  }
}
