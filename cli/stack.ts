import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StateDeps } from '../shared/state/runs.js';
import { CommandError, EXIT } from './command-error.js';
import { readStackOutputs } from './commands/stack-outputs.js';

/**
 * The stack a command talks to, found by its CloudFormation outputs (AWS's,
 * or the local cloud's when AWS_ENDPOINT_URL points at it).
 */

const HINT =
  'pass --stage <stage> (default: local when AWS_ENDPOINT_URL is set, else dev); for the local cloud run npx mpx local up and set AWS_ENDPOINT_URL';

/**
 * The outputs of stack `mpx-<stage>`, with every key of `required` present.
 * @throws CommandError (exit 3) when the stack cannot be read — it does not
 * exist, no credentials, no endpoint — or lacks one of the outputs.
 */
export async function requireStackOutputs<K extends string>(
  stage: string,
  required: readonly K[],
): Promise<Record<K, string>> {
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
