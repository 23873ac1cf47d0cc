import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJson, sendAwsJson as sendJson } from './events.js';
import { captureResponse, type RequestRecord, requestRecord } from './stats.js';

/**
 * The local cloud's one endpoint. Each request is routed by the service in its
 * SigV4 credential scope (`Credential=AKID/date/region/<service>/aws4_request`),
 * then by X-Amz-Target or REST path, as AWS's own front doors do. Clients need
 * only `AWS_ENDPOINT_URL` (and path-style S3). Anything the local cloud does
 * not emulate gets an AWS-shaped error at once, never a hang.
 */

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface EdgeRoutes {
  /** Keyed by SigV4 service name: s3, sqs, sns, dynamodb, scheduler, personalize, events, monitoring, cloudformation, sts. */
  readonly services: Readonly<Record<string, Handler>>;
  /** Told about every request once its answer is written (request statistics, local/stats.ts). */
  readonly observe?: (record: RequestRecord) => void;
}

const TARGET_SERVICES: readonly [string, string][] = [
  ['DynamoDB_20120810.', 'dynamodb'],
  ['AmazonSQS.', 'sqs'],
  ['AmazonPersonalize.', 'personalize'],
  ['AWSEvents.', 'events'],
  ['GraniteServiceVersion20100801.', 'monitoring'],
];

/** The service a request is for: from the SigV4 scope, else X-Amz-Target, else S3 (unsigned path-style requests). */
export function serviceOf(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  const scope =
    typeof auth === 'string' ? /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1] : undefined;
  if (scope) return scope;
  const query = new URL(req.url ?? '/', 'http://local').searchParams.get('X-Amz-Credential');
  const presigned = query?.split('/')[3];
  if (presigned) return presigned;
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string')
    return TARGET_SERVICES.find(([prefix]) => target.startsWith(prefix))?.[1] ?? 'unknown';
  return 's3';
}

function unsupported(res: ServerResponse, service: string): void {
  sendJson(res, 400, {
    __type: 'UnrecognizedClientException',
    message: `The local cloud does not emulate the AWS service "${service}"`,
  });
}

export function createEdgeHandler(routes: EdgeRoutes): Handler {
  return async (req, res) => {
    const service = serviceOf(req);
    const handler = routes.services[service];
    const { observe } = routes;
    if (observe) {
      const at = Date.now();
      const captured = captureResponse(res);
      res.once('finish', () => observe(requestRecord(req, res, service, at, captured())));
    }
    try {
      if (!handler) {
        await drain(req);
        unsupported(res, service);
        return;
      }
      await handler(req, res);
    } catch (error) {
      if (res.headersSent) {
        res.destroy(error as Error);
        return;
      }
      sendJson(res, 500, { __type: 'InternalFailure', message: `The local cloud failed: ${(error as Error).message}` });
    }
  };
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) {
    // discard
  }
}

export interface RunningEdge {
  readonly server: Server;
  readonly port: number;
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startEdge(handler: Handler, port: number, host = '127.0.0.1'): Promise<RunningEdge> {
  const server = createServer((req, res) => void handler(req, res));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    endpoint: `http://${host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JSON-protocol service answered in process: `X-Amz-Target: <prefix><Operation>`. */
export function jsonTargetHandler(
  prefix: string,
  handle: (operation: string, input: Record<string, unknown>) => Promise<{ status: number; body: unknown }>,
  contentType: string,
): Handler {
  return async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    let input: Record<string, unknown>;
    try {
      input = await readJson(req);
    } catch {
      sendJson(
        res,
        400,
        { __type: 'SerializationException', message: 'The request body is not valid JSON' },
        contentType,
      );
      return;
    }
    if (!target.startsWith(prefix)) {
      sendJson(
        res,
        400,
        { __type: 'UnknownOperationException', message: `Expected X-Amz-Target: ${prefix}<Operation>` },
        contentType,
      );
      return;
    }
    const { status, body } = await handle(target.slice(prefix.length), input);
    sendJson(res, status, body, contentType);
  };
}

/** An AWS Query service answered in process (form-encoded `Action=...`, XML answers). */
export function queryHandler(
  xmlns: string,
  handle: (action: string, params: URLSearchParams) => string | { code: string; message: string },
): Handler {
  return async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const action = params.get('Action') ?? '';
    const requestId = randomUUID();
    const result = handle(action, params);
    const ok = typeof result === 'string';
    const body = ok
      ? `<${action}Response xmlns="${xmlns}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
      : `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>${result.code}</Code><Message>${escapeXml(result.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    res.writeHead(ok ? 200 : 400, {
      'content-type': 'text/xml',
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': requestId,
    });
    res.end(body);
  };
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
