import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListDatasetGroupsCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/cloud/clients.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud/index.js';
import { INSTANT } from '../../local/personalize/profile.js';

/** Every route of the edge, through the real SDK clients, with nothing deployed. */

let dataDir: string;
let cloud: LocalCloud;
let config: { endpoint: string; region: string; credentials: typeof LOCAL_CREDENTIALS; maxAttempts: number };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mpx-edge-'));
  cloud = await startLocalCloud({ dataDir, projectDir: false, port: 0, profile: INSTANT });
  config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
}, 60_000);

afterAll(async () => {
  await cloud?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the edge routes each service by its signature', () => {
  it('Personalize control plane and Scheduler', async () => {
    const personalize = new PersonalizeClient(config);
    expect((await personalize.send(new ListDatasetGroupsCommand({}))).datasetGroups).toEqual([]);
    const scheduler = new SchedulerClient(config);
    expect((await scheduler.send(new ListSchedulesCommand({}))).Schedules).toEqual([]);
  });

  it('EventBridge PutEvents, kept in an inspectable log', async () => {
    const events = new EventBridgeClient(config);
    const result = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'solutions.aws.personalize',
            DetailType: 'Personalize Campaign State Change',
            Detail: '{"Status":"ACTIVE"}',
          },
          { Source: 'x', DetailType: 'y', Detail: 'not json' },
          { Source: 'x', DetailType: 'y', Detail: '{}', EventBusName: 'nope' },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries?.map((e) => e.ErrorCode)).toEqual([
      undefined,
      'MalformedDetail',
      'ResourceNotFoundException',
    ]);
    expect(cloud.events.events().at(-1)).toMatchObject({
      source: 'solutions.aws.personalize',
      detail: { Status: 'ACTIVE' },
    });
  });

  it('CloudWatch PutMetricData', async () => {
    const cloudwatch = new CloudWatchClient(config);
    const result = await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'mpx',
        MetricData: [{ MetricName: 'JobSuccess', Value: 1, Unit: 'Count' }],
      }),
    );
    expect(result.$metadata.httpStatusCode).toBe(200);
  });

  it('CloudFormation DescribeStacks says there is no stack when nothing is deployed', async () => {
    const cloudformation = new CloudFormationClient(config);
    await expect(cloudformation.send(new DescribeStacksCommand({ StackName: 'mpx-local' }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id mpx-local does not exist',
    });
  });

  it('routes the Personalize runtime (an unknown campaign is a 404)', async () => {
    const runtime = new PersonalizeRuntimeClient(config);
    await expect(
      runtime.send(
        new GetRecommendationsCommand({
          campaignArn: 'arn:aws:personalize:us-east-1:000000000000:campaign/c',
          userId: 'u',
        }),
      ),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('answers a service it does not emulate at once, with an AWS error', async () => {
    const response = await fetch(cloud.endpoint, {
      method: 'POST',
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=x',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'UnrecognizedClientException',
      message: 'The local cloud does not emulate the AWS service "lambda"',
    });
  });
});
