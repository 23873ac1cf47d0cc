import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../../local/cloud/index.js';
import { generateDataset } from '../../local/personalize/data/generate.js';
import { datasetParameterFile } from '../../local/personalize/data/parameter-file.js';
import { writeDataset } from '../../local/personalize/data/write.js';
import { INSTANT } from '../../local/personalize/profile.js';
import type { StateDeps } from '../../shared/state/runs.js';

/**
 * mpx's whole stack on a local cloud, for integration tests of the pipeline:
 * upload like a user (data first, parameter file last), read the notifications
 * an SQS subscriber of the topic receives, and reach every service through
 * the real SDK clients.
 */

export interface PipelineHarness {
  readonly cloud: LocalCloud;
  readonly bucket: string;
  readonly personalize: PersonalizeClient;
  readonly runtime: PersonalizeRuntimeClient;
  readonly state: StateDeps;
  upload(key: string, body: string | Uint8Array): Promise<void>;
  /** The next notification's `sqs` JSON (the legacy machine-readable message), or undefined after `timeoutMs`. */
  nextNotification(timeoutMs?: number): Promise<Record<string, unknown> | undefined>;
  /** The next notification about `datasetGroup` (others stay for their own callers), or undefined after `timeoutMs`. */
  notificationFor(datasetGroup: string, timeoutMs?: number): Promise<Record<string, unknown> | undefined>;
  stop(): Promise<void>;
}

export async function startPipeline(options: Partial<LocalCloudOptions> = {}): Promise<PipelineHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mpx-pipeline-'));
  const cloud = await startLocalCloud({ dataDir, port: 0, profile: INSTANT, ...options });
  const { QueueUrl } = await cloud.clients.sqs.send(new CreateQueueCommand({ QueueName: 'test-notifications' }));
  const inbox = QueueUrl as string;
  const { Attributes } = await cloud.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: inbox, AttributeNames: ['QueueArn'] }),
  );
  await cloud.clients.sns.send(
    new SubscribeCommand({ TopicArn: cloud.outputs.SNSTopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }),
  );
  const sdk = {
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const personalize = new PersonalizeClient(sdk);
  const runtime = new PersonalizeRuntimeClient(sdk);
  const bucket = cloud.outputs.PersonalizeBucketName as string;
  const held: Record<string, unknown>[] = [];
  const receive = async (timeoutMs: number): Promise<Record<string, unknown> | undefined> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { Messages } = await cloud.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: inbox, WaitTimeSeconds: 1, MaxNumberOfMessages: 1 }),
      );
      const message = Messages?.[0];
      if (!message?.Body) continue;
      await cloud.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: inbox, ReceiptHandle: message.ReceiptHandle }));
      // An SNS envelope whose Message is the `sqs` entry of the MessageStructure=json payload.
      const envelope = JSON.parse(message.Body) as { Message: string };
      return JSON.parse(envelope.Message) as Record<string, unknown>;
    }
    return undefined;
  };
  return {
    cloud,
    bucket,
    personalize,
    runtime,
    state: {
      db: DynamoDBDocumentClient.from(cloud.clients.dynamodb),
      table: cloud.outputs.RunsTableName as string,
      now: () => new Date(),
    },
    upload: async (key, body) => {
      await cloud.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    nextNotification: async (timeoutMs = 120_000) => held.shift() ?? receive(timeoutMs),
    notificationFor: async (datasetGroup, timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = held.findIndex((n) => n.datasetGroup === datasetGroup);
        if (index >= 0) return held.splice(index, 1)[0];
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        const next = await receive(left);
        if (!next) return undefined;
        held.push(next);
      }
    },
    stop: async () => {
      personalize.destroy();
      runtime.destroy();
      await cloud.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface GeneratedUpload {
  readonly datasetGroup: string;
  readonly config: Record<string, unknown>;
  readonly files: Readonly<Record<string, Buffer>>;
}

/**
 * A small generated retail data set and its parameter file (every resource
 * kind a custom dataset group has: three datasets, an event tracker, two
 * filters, four solutions, campaigns, a batch inference job and a batch
 * segment job), with the batch inputs.
 */
export async function retailUpload(datasetGroup: string, seed = 7): Promise<GeneratedUpload> {
  const dir = await mkdtemp(join(tmpdir(), 'mpx-data-'));
  try {
    const dataset = generateDataset({ users: 150, items: 80, interactions: 4000, seed });
    await writeDataset(dataset, dir, { datasetGroup });
    const config = datasetParameterFile(datasetGroup) as { solutions: unknown[] };
    config.solutions.push({
      serviceConfig: { name: `${datasetGroup}-affinity`, recipeArn: 'arn:aws:personalize:::recipe/aws-item-affinity' },
      batchSegmentJobs: [{ serviceConfig: { numResults: 10 } }],
    });
    const files: Record<string, Buffer> = {};
    for (const kind of ['interactions', 'items', 'users'])
      files[`train/${datasetGroup}/${kind}.csv`] = await readFile(join(dir, `${kind}.csv`));
    files[`batch/${datasetGroup}/${datasetGroup}-personalization/job_config.json`] = Buffer.from(
      `${['u1', 'u2', 'u3'].map((userId) => JSON.stringify({ userId })).join('\n')}\n`,
    );
    files[`batch/${datasetGroup}/${datasetGroup}-affinity/job_config.json`] = Buffer.from(
      `${['i1', 'i2'].map((itemId) => JSON.stringify({ itemId })).join('\n')}\n`,
    );
    return { datasetGroup, config, files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Uploads the data and batch inputs, then the parameter file (last, as users do). */
export async function uploadAll(harness: PipelineHarness, upload: GeneratedUpload): Promise<void> {
  for (const [key, body] of Object.entries(upload.files)) await harness.upload(key, body);
  await harness.upload(`train/${upload.datasetGroup}/config.json`, JSON.stringify(upload.config, null, 2));
}
