import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud/index.js';
import { INSTANT } from '../../local/personalize/profile.js';
import { sampleWith, seedConfigText } from '../fixtures/configs.js';

/** mpx's own stack on the local cloud: a parameter file uploaded under train/ is validated by onConfigUpload. */

let dataDir: string;
let cloud: LocalCloud;
let inbox: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mpx-stack-'));
  cloud = await startLocalCloud({ dataDir, port: 0, profile: INSTANT });
  const { QueueUrl } = await cloud.clients.sqs.send(new CreateQueueCommand({ QueueName: 'test-inbox' }));
  inbox = QueueUrl as string;
  const { Attributes } = await cloud.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: inbox, AttributeNames: ['QueueArn'] }),
  );
  await cloud.clients.sns.send(
    new SubscribeCommand({
      TopicArn: cloud.outputs.SNSTopicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function nextNotification(timeoutMs = 15_000): Promise<Record<string, unknown> | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { Messages } = await cloud.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: inbox, WaitTimeSeconds: 1 }),
    );
    const message = Messages?.[0];
    if (message?.Body) return JSON.parse(message.Body) as Record<string, unknown>;
  }
  return undefined;
}

const upload = (key: string, body: string) =>
  cloud.clients.s3.send(new PutObjectCommand({ Bucket: cloud.outputs.PersonalizeBucketName, Key: key, Body: body }));

describe('the local stack', () => {
  it('answers mpx stack outputs --json like CloudFormation would', async () => {
    const { main } = await import('../../cli/main.js');
    const out: string[] = [];
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: cloud.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    try {
      const code = await main(['node', 'mpx', 'stack', 'outputs', '--json', '--stage', 'local'], {
        out: (l) => out.push(l),
        err: (l) => out.push(l),
      });
      expect(code).toBe(0);
    } finally {
      process.env = saved;
    }
    expect(JSON.parse(out[0] as string)).toMatchObject({
      PersonalizeBucketName: cloud.outputs.PersonalizeBucketName,
      SNSTopicArn: cloud.outputs.SNSTopicArn,
    });
  });
});

describe('uploading a parameter file to the local stack', () => {
  it('notifies every error of an invalid file, with its path, in the original format', async () => {
    await upload(
      'train/dataset-group-name-1/config.json',
      sampleWith((d) => {
        d.solutions[2].campaigns[0].serviceConfig.minProvisionedTPS = 0;
      }),
    );
    expect(await nextNotification()).toEqual({
      datasetGroup: 'dataset-group-name-1',
      status: 'UPDATE FAILED',
      summary: 'There were errors detected when reading a personalization job configuration file',
      description: ['solutions[2].campaigns[0].serviceConfig.minProvisionedTPS: must be at least 1'],
    });
  });

  it('sends nothing for a valid file', async () => {
    await upload('train/dataset-group-name-1/config.json', seedConfigText('seed-sample'));
    expect(await nextNotification(3_000)).toBeUndefined();
  });
});
