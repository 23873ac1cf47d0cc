import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The one place that builds AWS SDK clients. Endpoints come from the SDK's own
 * configuration (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`), so the same
 * code talks to AWS or to the local cloud without a branch. Clients are built
 * once per process and reused across invocations.
 */

const shared = { maxAttempts: 5, retryMode: 'adaptive' } as const;

const cache = new Map<string, unknown>();

function memo<T>(name: string, build: () => T): T {
  if (!cache.has(name)) cache.set(name, build());
  return cache.get(name) as T;
}

export const s3Client = (): S3Client =>
  memo('s3', () => new S3Client({ ...shared, forcePathStyle: process.env.MPX_S3_FORCE_PATH_STYLE === 'true' }));

export const snsClient = (): SNSClient => memo('sns', () => new SNSClient(shared));

export const sqsClient = (): SQSClient => memo('sqs', () => new SQSClient(shared));

export const schedulerClient = (): SchedulerClient => memo('scheduler', () => new SchedulerClient(shared));

export const eventBridgeClient = (): EventBridgeClient => memo('events', () => new EventBridgeClient(shared));

/**
 * Personalize's throttling and quota errors are waits the step runner turns
 * into delayed re-polls, so the SDK retries them only briefly.
 */
export const personalizeClient = (): PersonalizeClient =>
  memo('personalize', () => new PersonalizeClient({ maxAttempts: 3, retryMode: 'standard' }));

/** Run state: the DocumentClient over DynamoDB (sets and empty values as the state module writes them). */
export const dynamoDocumentClient = (): DynamoDBDocumentClient =>
  memo('dynamodb', () =>
    DynamoDBDocumentClient.from(new DynamoDBClient(shared), { marshallOptions: { removeUndefinedValues: true } }),
  );
