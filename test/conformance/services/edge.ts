import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BackingServiceName, BackingServices } from '../../../local/services/index.js';

/**
 * A stand-in for the edge router: every request goes to `handle()`, with the
 * service taken from the SigV4 credential scope
 * (`Credential=AKID/date/region/<service>/aws4_request`).
 */

export interface RecordedRequest {
  readonly service: BackingServiceName;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface TestEdge {
  readonly server: Server;
  readonly endpoint: string;
  /** Every request routed so far, in arrival order. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

const SERVICES: readonly BackingServiceName[] = ['s3', 'sqs', 'sns', 'dynamodb'];

export function serviceOf(headers: IncomingHttpHeaders): BackingServiceName | undefined {
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(headers.authorization ?? '')?.[1];
  return SERVICES.find((service) => service === scope);
}

/** Starts the edge on `port` (0: ephemeral) in front of `services`. */
export async function startEdge(services: () => BackingServices, port = 0): Promise<TestEdge> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const service = serviceOf(req.headers);
    if (!service) {
      res.writeHead(400).end('no SigV4 credential scope naming s3, sqs, sns or dynamodb');
      return;
    }
    requests.push({ service, method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    void services().handle(service, req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
