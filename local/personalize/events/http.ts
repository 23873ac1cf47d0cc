import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PersonalizeApiError } from '../errors.js';
import { EVENTS_PATHS, type EventsDeps, runEventsOperation } from './operations.js';

/**
 * The personalize-events API over HTTP as `@aws-sdk/client-personalize-events`
 * speaks it: REST JSON, `POST /events`, `/items`, `/users`, `/actions`,
 * `/action-interactions`; success is 200 with an empty JSON object; errors are
 * 400 InvalidInputException, 404 ResourceNotFoundException, 409
 * ResourceInUseException with `{"message"}` and an `x-amzn-errortype` header.
 */

const MAX_BODY_BYTES = 1024 * 1024;
const SIGV4_SERVICE = /Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/([a-z0-9-]+)\/aws4_request/;

const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  InvalidInputException: 400,
  ResourceNotFoundException: 404,
  ResourceInUseException: 409,
  SerializationException: 400,
  UnknownOperationException: 404,
  InternalFailure: 500,
};

const pathOf = (req: IncomingMessage): string => (req.url ?? '/').split('?')[0] ?? '/';

/**
 * Whether a request is for the events API: POST to one of its paths, signed
 * for service `personalize` (the runtime shares the service name, so the path decides).
 */
export function isEventsRequest(req: IncomingMessage): boolean {
  const auth = req.headers.authorization;
  const service = typeof auth === 'string' ? SIGV4_SERVICE.exec(auth)?.[1] : undefined;
  return req.method === 'POST' && service === 'personalize' && pathOf(req) in EVENTS_PATHS;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new PersonalizeApiError('SerializationException', 'The request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

/**
 * A Node request handler for the events API over `deps`. It answers every
 * request it is given (route with {@link isEventsRequest} first); unknown paths
 * answer UnknownOperationException.
 */
export function createEventsHttpHandler(deps: EventsDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const operation = EVENTS_PATHS[pathOf(req)];
      if (req.method !== 'POST' || operation === undefined) {
        throw new PersonalizeApiError(
          'UnknownOperationException',
          `No personalize-events operation for ${req.method ?? '?'} ${pathOf(req)}; expected POST ${Object.keys(EVENTS_PATHS).join(', ')}`,
        );
      }
      const text = await readBody(req);
      let body: unknown = {};
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          throw new PersonalizeApiError('SerializationException', 'The request body is not valid JSON');
        }
      }
      await runEventsOperation(operation, body, deps);
      send(res, 200, {});
    } catch (error) {
      const apiError =
        error instanceof PersonalizeApiError
          ? error
          : new PersonalizeApiError('InternalFailure', `The emulator failed: ${(error as Error).message}`);
      const status = STATUS_BY_TYPE[apiError.type] ?? apiError.httpStatus;
      send(res, status, { message: apiError.message }, apiError.type);
    }
  };
}
