import { EXIT, reportError } from '../command-error.js';
import { requireStackOutputs } from '../stack.js';
import type { Output } from './validate.js';

/**
 * `mpx stack outputs`: the stack's outputs, from CloudFormation — AWS's, or the
 * local cloud's with --endpoint / AWS_ENDPOINT_URL (same call, no branch).
 * Exit codes: 0 printed, 3 the stack cannot be read (it does not exist, no credentials…).
 */
export async function stackOutputsCommand(options: { stage: string; json?: boolean }, io: Output): Promise<number> {
  try {
    const outputs = await requireStackOutputs(options.stage, []);
    if (options.json) io.out(JSON.stringify(outputs));
    else for (const [key, value] of Object.entries(outputs)) io.out(`${key}=${value}`);
    return EXIT.OK;
  } catch (error) {
    return reportError('stack outputs', error, io);
  }
}
