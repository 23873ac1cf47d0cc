import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/** SDK clients pointed at the local cloud's edge, for the deployer and the event plumbing. */
export interface EdgeClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly dynamodb: DynamoDBClient;
  readonly scheduler: SchedulerClient;
  readonly cloudformation: CloudFormationClient;
  destroy(): void;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function edgeClients(endpoint: string, region: string): EdgeClients {
  const config = { endpoint, region, credentials: LOCAL_CREDENTIALS, maxAttempts: 3 };
  const clients = {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sqs: new SQSClient(config),
    sns: new SNSClient(config),
    dynamodb: new DynamoDBClient(config),
    scheduler: new SchedulerClient(config),
    cloudformation: new CloudFormationClient(config),
  };
  return {
    ...clients,
    destroy: () => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}
