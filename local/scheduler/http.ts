import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from '../http-json.js';
import type { RunningServer } from '../personalize/http.js';
import type { SchedulerEmulator } from './emulator.js';
import { SchedulerApiError } from './errors.js';
import type { SchedulerOperationName } from './operations.js';

/**
 * EventBridge Scheduler over HTTP exactly as `@aws-sdk/client-scheduler`
 * speaks it: REST JSON, the operation in the method and path
 * (`POST /schedules/{Name}`, `GET /schedule-groups`, `DELETE /tags/{ResourceArn}`…),
 * some members in the query string, times as epoch seconds. Errors carry
 * their name in `x-amzn-errortype` and `{"Message": "..."}` as the body.
 * Usable alone or behind the local cloud's edge (route with `isSchedulerRequest`).
 */

const MAX_BODY_BYTES = 1024 * 1024;

interface Route {
  readonly operation: SchedulerOperationName;
  /** The input member the path's second segment fills. */
  readonly label?: 'Name' | 'ResourceArn';
  /** Query parameter → input member. */
  readonly query?: Readonly<Record<string, string>>;
}

const PAGE_QUERY = { NextToken: 'NextToken', MaxResults: 'MaxResults' } as const;

/** Routes by first path segment, whether a label follows, and method (the http traits of the Scheduler model). */
const ROUTES: Readonly<Record<string, Readonly<Record<string, Route>>>> = {
  schedules: {
    GET: {
      operation: 'ListSchedules',
      query: { ScheduleGroup: 'GroupName', NamePrefix: 'NamePrefix', State: 'State', ...PAGE_QUERY },
    },
  },
  'schedules/{}': {
    POST: { operation: 'CreateSchedule', label: 'Name' },
    GET: { operation: 'GetSchedule', label: 'Name', query: { groupName: 'GroupName' } },
    PUT: { operation: 'UpdateSchedule', label: 'Name' },
    DELETE: {
      operation: 'DeleteSchedule',
      label: 'Name',
      query: { groupName: 'GroupName', clientToken: 'ClientToken' },
    },
  },
  'schedule-groups': {
    GET: { operation: 'ListScheduleGroups', query: { NamePrefix: 'NamePrefix', ...PAGE_QUERY } },
  },
  'schedule-groups/{}': {
    POST: { operation: 'CreateScheduleGroup', label: 'Name' },
    GET: { operation: 'GetScheduleGroup', label: 'Name' },
    DELETE: { operation: 'DeleteScheduleGroup', label: 'Name', query: { clientToken: 'ClientToken' } },
  },
  'tags/{}': {
    GET: { operation: 'ListTagsForResource', label: 'ResourceArn' },
    POST: { operation: 'TagResource', label: 'ResourceArn' },
    DELETE: { operation: 'UntagResource', label: 'ResourceArn', query: { TagKeys: 'TagKeys' } },
  },
};

/** Members sent in the query string that are lists or integers rather than strings. */
const LIST_MEMBERS = new Set(['TagKeys']);
const INTEGER_MEMBERS = new Set(['MaxResults']);

/** The service name of a request's SigV4 credential scope, from the Authorization header or a presigned URL. */
export function signingServiceOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1];
    if (service) return service;
  }
  const query = req.url?.split('?')[1];
  return query ? new URLSearchParams(query).get('X-Amz-Credential')?.split('/')[3] : undefined;
}

/** Whether a request is for EventBridge Scheduler (SigV4 scope `…/<region>/scheduler/aws4_request`); the edge routes by this. */
export function isSchedulerRequest(req: IncomingMessage): boolean {
  return signingServiceOf(req) === 'scheduler';
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new SchedulerApiError('ValidationException', `The path segment "${segment}" is not valid URL encoding.`);
  }
}

/** The operation and input a request stands for. Throws UnknownOperationException for any other method and path. */
function resolve(method: string, url: string): { route: Route; input: Record<string, unknown> } {
  const [rawPath = '', rawQuery = ''] = url.split('?', 2);
  const segments = rawPath.split('/').slice(1);
  const [resource = '', label, ...rest] = segments;
  const route =
    rest.length === 0 ? ROUTES[label === undefined ? resource : `${resource}/{}`]?.[method.toUpperCase()] : undefined;
  if (!route) {
    throw new SchedulerApiError(
      'UnknownOperationException',
      `No EventBridge Scheduler operation matches ${method.toUpperCase()} ${rawPath}.`,
    );
  }
  const input: Record<string, unknown> = {};
  const params = new URLSearchParams(rawQuery);
  for (const [param, member] of Object.entries(route.query ?? {})) {
    const values = params.getAll(param);
    if (values.length === 0) continue;
    if (LIST_MEMBERS.has(member)) input[member] = values;
    else if (INTEGER_MEMBERS.has(member))
      input[member] = /^-?\d+$/.test(values[0] ?? '') ? Number(values[0]) : values[0];
    else input[member] = values[0];
  }
  if (route.label && label !== undefined) input[route.label] = decodeSegment(label);
  return { route, input };
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SchedulerApiError('ValidationException', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SchedulerApiError('ValidationException', 'The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SchedulerApiError('ValidationException', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

const send = (res: ServerResponse, status: number, body: unknown, errorType?: string) =>
  sendJson(res, status, body, 'application/json', errorType);

/**
 * A Node request listener serving the emulator. Every request gets an answer:
 * the operation's output, or the error AWS would send (an unexpected failure
 * is an InternalServerException, an unknown route an UnknownOperationException).
 */
export function createSchedulerHttpHandler(emulator: SchedulerEmulator) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const { route, input: fromUrl } = resolve(req.method ?? 'GET', req.url ?? '/');
      const body = await readBody(req);
      // Labels and query members win over body members of the same name, as the SDK puts them only there.
      const output = await emulator.call(route.operation, { ...body, ...fromUrl });
      send(res, 200, output ?? {});
    } catch (error) {
      const apiError =
        error instanceof SchedulerApiError
          ? error
          : new SchedulerApiError('InternalServerException', `The emulator failed: ${(error as Error).message}`);
      send(res, apiError.httpStatus, { Message: apiError.message }, apiError.type);
    }
  };
}

/** Serves the emulator on `host:port` (0 = any free port). */
export async function startSchedulerServer(
  emulator: SchedulerEmulator,
  port = 0,
  host = '127.0.0.1',
): Promise<RunningServer> {
  const server = createServer((req, res) => void emulator.handle(req, res));
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
