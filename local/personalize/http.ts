import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLargeError, readBodyText, sendJson } from '../http-json.js';
import type { PersonalizeEmulator } from './emulator.js';
import { PersonalizeApiError } from './errors.js';
import { isEventsRequest } from './events/http.js';
import { isRuntimeRequest } from './runtime/http.js';

/**
 * The control plane over HTTP exactly as the SDK speaks it: AWS JSON 1.1,
 * `POST /` with `X-Amz-Target: AmazonPersonalize.<Operation>`; errors are HTTP
 * 400 with `{"__type", "message"}`. Usable alone or behind the local cloud's edge.
 */

export const TARGET_PREFIX = 'AmazonPersonalize.';
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Whether a request is for the Personalize control plane (the edge routes by this). */
export function isControlPlaneRequest(req: IncomingMessage): boolean {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(TARGET_PREFIX);
}

/** Region from the SigV4 credential scope (`Credential=AKID/20260101/us-east-1/personalize/aws4_request`). */
export function regionOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  return typeof auth === 'string' ? /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(auth)?.[1] : undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  try {
    return await readBodyText(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      throw new PersonalizeApiError('SerializationException', 'The request body is too large');
    throw error;
  }
}

const send = (res: ServerResponse, status: number, body: unknown, errorType?: string) =>
  sendJson(res, status, body, 'application/x-amz-json-1.1', errorType);

/**
 * The control plane's HTTP handler. `observe` (request statistics, local/stats.ts)
 * is told each operation and its parsed input before it runs.
 */
export function createPersonalizeHttpHandler(
  emulator: PersonalizeEmulator,
  observe?: (operation: string, input: unknown) => void,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (isEventsRequest(req)) return emulator.handleEvents(req, res);
    if (isRuntimeRequest(req)) return emulator.handleRuntime(req, res);
    try {
      const target = req.headers['x-amz-target'];
      if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
        throw new PersonalizeApiError(
          'UnknownOperationException',
          `Expected POST with X-Amz-Target: ${TARGET_PREFIX}<Operation>`,
        );
      }
      const text = await readBody(req);
      let input: unknown = {};
      if (text.trim() !== '') {
        try {
          input = JSON.parse(text);
        } catch {
          throw new PersonalizeApiError('SerializationException', 'The request body is not valid JSON');
        }
      }
      const region = regionOf(req);
      const operation = target.slice(TARGET_PREFIX.length);
      observe?.(operation, input);
      const output = await emulator.call(operation, input, region ? { region } : {});
      send(res, 200, output ?? {});
    } catch (error) {
      const apiError =
        error instanceof PersonalizeApiError
          ? error
          : new PersonalizeApiError('InternalFailure', `The emulator failed: ${(error as Error).message}`);
      send(res, apiError.httpStatus, { __type: apiError.type, message: apiError.message }, apiError.type);
    }
  };
}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Serves the emulator on 127.0.0.1:`port` (0 = any free port). */
export async function startPersonalizeServer(
  emulator: PersonalizeEmulator,
  port = 0,
  host = '127.0.0.1',
): Promise<RunningServer> {
  const handler = createPersonalizeHttpHandler(emulator);
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    server,
    port: address.port,
    endpoint: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
