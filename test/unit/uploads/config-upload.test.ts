import { GetObjectCommand, type GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handleConfigUpload } from '../../../shared/uploads/config-upload.js';
import { parseS3Notification } from '../../../shared/uploads/s3-notification.js';
import type { RunRequestMessage } from '../../../shared/workflow/messages.js';
import { sampleWith, seedConfigText } from '../../fixtures/configs.js';

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:mpx-dev-notifications';
const object = {
  bucket: 'data',
  key: 'train/dataset-group-name-1/config.json',
  versionId: 'v1',
  eTag: 'e1',
  eventTime: '2026-11-28T12:01:02.345Z',
};
let requested: RunRequestMessage[] = [];

function uploaded(text: string) {
  // The SDK's streaming body, reduced to the one method the code reads.
  const Body = { transformToString: async () => text } as unknown as GetObjectCommandOutput['Body'];
  s3.on(GetObjectCommand).resolves({ Body });
}

const deps = () => ({
  s3: new S3Client({}),
  sns: new SNSClient({}),
  topicArn: TOPIC,
  requestRun: async (message: RunRequestMessage) => {
    requested.push(message);
  },
});

describe('handleConfigUpload', () => {
  beforeEach(() => {
    s3.reset();
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    requested = [];
  });

  it('accepts a valid file, notifies nobody and asks for a run of exactly that version', async () => {
    uploaded(seedConfigText('seed-sample'));
    const outcome = await handleConfigUpload(object, deps());
    expect(outcome).toEqual({ status: 'valid', datasetGroup: 'dataset-group-name-1', warnings: 0 });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(requested).toEqual([{ version: 1, type: 'start', trigger: { type: 'upload', ...object } }]);
  });

  it('sends one notification listing every error, in the deprecated solution format', async () => {
    uploaded(
      sampleWith((d) => {
        d.solutions[2].campaigns[0].serviceConfig.minProvisionedTPS = 0;
        d.tags = [{ tagKey: 'k' }];
      }),
    );
    const outcome = await handleConfigUpload(object, deps());
    expect(outcome).toEqual({ status: 'invalid', datasetGroup: 'dataset-group-name-1', errors: 2 });
    expect(requested).toEqual([]);
    expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
      TopicArn: TOPIC,
      MessageStructure: 'json',
      Subject: 'Maintaining Personalized Experiences with Machine Learning Notifications',
      Message: expect.any(String),
    });
    // The MessageStructure=json payload exactly, `default` and `sms` included (the original sent them null).
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toBe(
      [
        '{"default":"The personalization workflow for dataset-group-name-1 completed with errors",',
        '"sms":"The personalization workflow for dataset-group-name-1 completed with errors",',
        String.raw`"email":"There were errors detected when reading a personalization job configuration file (s3://data/train/dataset-group-name-1/config.json):\n\n   - tags[0].tagValue: is required\n   - solutions[2].campaigns[0].serviceConfig.minProvisionedTPS: must be at least 1\n\nPlease correct these errors and upload the configuration again.",`,
        String.raw`"email-json":"{\"datasetGroup\":\"dataset-group-name-1\",\"status\":\"UPDATE FAILED\",\"summary\":\"There were errors detected when reading a personalization job configuration file\",\"description\":[\"tags[0].tagValue: is required\",\"solutions[2].campaigns[0].serviceConfig.minProvisionedTPS: must be at least 1\"]}",`,
        String.raw`"sqs":"{\"datasetGroup\":\"dataset-group-name-1\",\"status\":\"UPDATE FAILED\",\"summary\":\"There were errors detected when reading a personalization job configuration file\",\"description\":[\"tags[0].tagValue: is required\",\"solutions[2].campaigns[0].serviceConfig.minProvisionedTPS: must be at least 1\"]}"}`,
      ].join(''),
    );
  });

  it('names the dataset group by its folder when the file is not JSON', async () => {
    uploaded('{ not json');
    const outcome = await handleConfigUpload(object, deps());
    expect(outcome).toMatchObject({ status: 'invalid', datasetGroup: 'dataset-group-name-1' });
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}');
    expect(JSON.parse(message.sqs).description).toEqual(['invalid JSON at line 1, column 3: unexpected character']);
  });

  it('refuses a file over 1 MiB without reading it, with one clear error', async () => {
    let read = false;
    let destroyed = false;
    const Body = {
      transformToString: async () => {
        read = true;
        return '';
      },
      destroy: () => {
        destroyed = true;
      },
    } as unknown as GetObjectCommandOutput['Body'];
    s3.on(GetObjectCommand).resolves({ Body, ContentLength: 5 * 1024 * 1024 * 1024 });
    const outcome = await handleConfigUpload(object, deps());
    expect(outcome).toMatchObject({ status: 'invalid', errors: 1 });
    expect([read, destroyed]).toEqual([false, true]);
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}');
    expect(JSON.parse(message.sqs).description).toEqual([
      'the parameter file is 5368709120 bytes; the limit is 1 MiB (1048576 bytes)',
    ]);
    expect(requested).toEqual([]);
  });

  it('fails (so the message is retried) when S3 cannot be read', async () => {
    s3.on(GetObjectCommand).rejects(new Error('SlowDown'));
    await expect(handleConfigUpload(object, deps())).rejects.toThrow('SlowDown');
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });
});

describe('parseS3Notification', () => {
  const record = (key: string) => ({
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2026-11-28T10:00:00.000Z',
    eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:X' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'c',
      bucket: { name: 'data', ownerIdentity: { principalId: 'X' }, arn: 'arn:aws:s3:::data' },
      object: { key, size: 10, eTag: 'e', versionId: 'v1', sequencer: '0' },
    },
  });

  it('decodes URL-encoded keys', () => {
    expect(parseS3Notification(JSON.stringify({ Records: [record('train/my+group/caf%C3%A9+config.json')] }))).toEqual([
      {
        bucket: 'data',
        key: 'train/my group/café config.json',
        versionId: 'v1',
        eTag: 'e',
        eventTime: '2026-11-28T10:00:00.000Z',
      },
    ]);
  });

  it("ignores S3's test event", () => {
    expect(
      parseS3Notification(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'data' })),
    ).toEqual([]);
  });

  it('throws on a poison body', () => {
    expect(() => parseS3Notification('{"Records": [{}]}')).toThrow();
    expect(() => parseS3Notification('not json')).toThrow();
  });
});
