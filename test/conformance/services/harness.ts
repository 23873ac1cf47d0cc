import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type BackingServices,
  type BackingServicesOptions,
  startBackingServices,
} from '../../../local/services/index.js';
import { TEST_CREDENTIALS } from '../../support/personalize.js';
import { startEdge, type TestEdge } from './edge.js';

export interface Clients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly dynamodb: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  destroy(): void;
}

/** Real SDK clients for an endpoint (S3 path-style, default checksum settings, no retries). */
export function clientsFor(endpoint: string): Clients {
  const common = { endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  const dynamodb = new DynamoDBClient(common);
  const clients = {
    s3: new S3Client({ ...common, forcePathStyle: true }),
    sqs: new SQSClient(common),
    sns: new SNSClient(common),
    dynamodb,
    documents: DynamoDBDocumentClient.from(dynamodb),
  };
  return {
    ...clients,
    destroy: () => {
      clients.s3.destroy();
      clients.sqs.destroy();
      clients.sns.destroy();
      clients.dynamodb.destroy();
    },
  };
}

export interface ServicesHarness extends Clients {
  readonly services: BackingServices;
  readonly edge: TestEdge;
  readonly dataDir: string;
  /** Stops clients, edge and services, keeping the data directory. */
  stop(): Promise<void>;
  /** Stops everything and removes the data directory. */
  dispose(): Promise<void>;
}

/** Backing services on a fresh (or the given) data directory, behind a test edge, with SDK clients. */
export async function startServices(
  options: Partial<BackingServicesOptions> & { readonly port?: number } = {},
): Promise<ServicesHarness> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'mpx-services-')));
  let services: BackingServices | undefined;
  const edge = await startEdge(() => services as BackingServices, options.port ?? 0);
  services = await startBackingServices({ endpoint: edge.endpoint, ttlSweepIntervalMs: 0, ...options, dataDir });
  const clients = clientsFor(edge.endpoint);
  const running = services;
  const stop = async () => {
    clients.destroy();
    await edge.close();
    await running.stop();
  };
  return {
    ...clients,
    services: running,
    edge,
    dataDir,
    stop,
    dispose: async () => {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Random bytes that also contain aws-chunked framing, so a decoding slip shows. */
export function testBytes(size: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(size);
  let state = seed;
  for (let i = 0; i < size; i += 1) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    bytes[i] = state >>> 24;
  }
  Buffer.from('\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n').copy(bytes, Math.floor(size / 2));
  return bytes;
}
