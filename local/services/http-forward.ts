import { Agent, type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { finished, type Readable } from 'node:stream';

/**
 * Forwarding of edge requests to an emulator on a loopback port: request
 * headers are kept (SigV4 headers, content-encoding aws-chunked, x-amz-*),
 * except hop-by-hop ones and `expect` (the edge already answered 100-continue).
 */

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

export interface Upstream {
  readonly port: number;
  readonly agent: Agent;
}

export function createUpstream(port: number): Upstream {
  return { port, agent: new Agent({ keepAlive: true }) };
}

/** Request headers to send upstream; `content-length`/chunking follow the body actually sent. */
export function forwardableHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const result: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    result[name] = value;
  }
  return result;
}

/** Response headers to send back to the client. */
export function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    result[name] = value;
  }
  return result;
}

export interface ForwardRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** A buffer (sent with its length) or a stream (sent as-is; give `content-length` or it is chunked). */
  readonly body: Buffer | Readable | undefined;
}

/** Sends one request upstream and resolves with the response head (body not yet read). */
export function forward(upstream: Upstream, outgoing: ForwardRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers = { ...outgoing.headers };
    if (Buffer.isBuffer(outgoing.body)) headers['content-length'] = String(outgoing.body.length);
    const upstreamRequest = request(
      {
        host: '127.0.0.1',
        port: upstream.port,
        method: outgoing.method,
        path: outgoing.path,
        headers,
        agent: upstream.agent,
      },
      resolve,
    );
    upstreamRequest.on('error', reject);
    const { body } = outgoing;
    if (body === undefined) upstreamRequest.end();
    else if (Buffer.isBuffer(body)) upstreamRequest.end(body);
    else {
      // A client that disconnects mid-upload must not leave the emulator waiting for the rest.
      finished(body, (error) => {
        if (error) upstreamRequest.destroy(error);
      });
      body.pipe(upstreamRequest);
    }
  });
}

/** Reads a whole body; rejects past `limit` bytes. */
export async function readBody(stream: Readable, limit = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new RangeError(`body larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Writes a complete response and resolves when it is handed to the socket. */
export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: Buffer | string,
): Promise<void> {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  return new Promise((resolve) => {
    res.writeHead(status, { ...headers, 'content-length': String(payload.length) });
    res.end(payload, () => resolve());
    res.once('close', () => resolve());
  });
}

/** Streams an upstream response to the client. */
export function pipeResponse(upstream: IncomingMessage, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    res.writeHead(upstream.statusCode ?? 502, responseHeaders(upstream.headers));
    upstream.pipe(res);
    res.once('finish', () => resolve());
    res.once('close', () => {
      upstream.destroy();
      resolve();
    });
  });
}
