import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small pieces every JSON-speaking emulator needs: read a body, answer JSON the way AWS does. */

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** The request body as text. @throws BodyTooLargeError past `maxBytes` */
export async function readBodyText(req: IncomingMessage, maxBytes = 8 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLargeError(`The request body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A JSON answer with AWS's request id header, and `x-amzn-errortype` for errors. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType: string,
  errorType?: string,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}
