import type { MetricUnit } from '@aws-lambda-powertools/metrics';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

import { dynamoDocumentClient, personalizeClient, snsClient, sqsClient } from '../../shared/aws/clients.js';
import { sendJson } from '../../shared/aws/queues.js';
import { sqsHandler } from '../../shared/aws/sqs-handler.js';
import { readEnv } from '../../shared/env.js';
import { finishRunMessage } from '../../shared/workflow/finish-run.js';
import { finishMessage, parseMessage } from '../../shared/workflow/messages.js';

/** Finish queue → here: settles the run's status, notifies once, hands the dataset group to the next run. */

const env = readEnv(['topicArn', 'tableName', 'runsQueueUrl', 'accountId', 'notifyOn']);
if (env.notifyOn !== 'all' && env.notifyOn !== 'failures')
  throw new Error(`MPX_NOTIFY_ON must be all or failures, got ${env.notifyOn}`);
const notifyOn = env.notifyOn;

export const handler = sqsHandler('mpx-finishRun', async (record, { logger, metrics }) => {
  const message = parseMessage(finishMessage, record.body, 'finish queue');
  const outcome = await finishRunMessage(message, {
    state: { db: dynamoDocumentClient(), table: env.tableName, now: () => new Date() },
    personalize: personalizeClient(),
    sns: snsClient(),
    topicArn: env.topicArn,
    scope: { region: process.env.AWS_REGION ?? 'us-east-1', account: env.accountId },
    sendRunRequest: (request) => sendJson(sqsClient(), env.runsQueueUrl, request),
    notifyOn,
    metric: (name, value, unit, dimensions) => {
      if (dimensions) {
        const single = metrics.singleMetric();
        for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
        single.addMetric(name, unit as Unit, value);
      } else metrics.addMetric(name, unit as Unit, value);
    },
  });
  logger.info('run finished', { ...message, ...outcome });
});
