import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StateDeps } from '../shared/state/runs.js';
import { CommandError, EXIT } from './command-error.js';

/**
 * The stack a command talks to, `mpx-<stage>`, found by its CloudFormation
 * outputs: AWS's in AWS_REGION (`--region`), or the local cloud's when
 * AWS_ENDPOINT_URL (`--endpoint`) points at it — the same call either way.
 */

const HINT =
  'pass --stage <stage> (default: local with --endpoint or AWS_ENDPOINT_URL, else dev) and --region <region>; for the local cloud run npx mpx local up and pass --endpoint http://127.0.0.1:4566';

/** The stage a command uses without --stage: `local` when an endpoint is set (the local cloud deploys stage local), else `dev`. */
export function defaultStage(env: NodeJS.ProcessEnv): string {
  return env.AWS_ENDPOINT_URL ? 'local' : 'dev';
}

async function readStackOutputs(stage: string): Promise<Record<string, string>> {
  const client = new CloudFormationClient({});
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: `mpx-${stage}` }));
    return Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } finally {
    client.destroy();
  }
}

/**
 * Every output of stack `mpx-<stage>`, with every key of `required` present.
 * @throws CommandError (exit 3) when the stack cannot be read — it does not
 * exist, no credentials, no endpoint — or lacks one of the outputs.
 */
export async function requireStackOutputs<K extends string>(
  stage: string,
  required: readonly K[],
): Promise<Readonly<Record<string, string>> & Record<K, string>> {
  let outputs: Record<string, string>;
  try {
    outputs = await readStackOutputs(stage);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new CommandError(`no stack mpx-${stage} found (${message}); ${HINT}`, EXIT.NO_STACK, { cause: error });
  }
  const missing = required.filter((key) => !outputs[key]);
  if (missing.length > 0) {
    throw new CommandError(
      `the stack mpx-${stage} has no ${missing.join(', ')} output; is it an mpx stack? ${HINT}`,
      EXIT.NO_STACK,
    );
  }
  return outputs as Record<K, string>;
}

/**
 * Runs `use` with the run state of the stack's table (`table` when given,
 * else the stack output RunsTableName), and closes the client afterwards.
 * @throws CommandError (exit 3) when the stack cannot be found.
 */
export async function withRunState<T>(
  options: { readonly stage: string; readonly table?: string },
  use: (state: StateDeps) => Promise<T>,
): Promise<T> {
  const table = options.table ?? (await requireStackOutputs(options.stage, ['RunsTableName'])).RunsTableName;
  const client = new DynamoDBClient({});
  try {
    return await use({ db: DynamoDBDocumentClient.from(client), table, now: () => new Date() });
  } finally {
    client.destroy();
  }
}
