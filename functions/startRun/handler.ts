import { dynamoDocumentClient, s3Client, snsClient, sqsClient } from '../../shared/aws/clients.js';
import { sendJson, sendJsonBatch } from '../../shared/aws/queues.js';
import { sqsHandler } from '../../shared/aws/sqs-handler.js';
import { ENV, optionalEnv, pollScaleOf, readEnv, secondsOf } from '../../shared/env.js';
import { parseMessage, runRequestMessage } from '../../shared/workflow/messages.js';
import { runPolicyOf } from '../../shared/workflow/policy.js';
import { startRun } from '../../shared/workflow/start-run.js';

/** Runs queue → here: plans and persists a run, takes its dataset group's lock and sends its first steps. */

const env = readEnv([
  'topicArn',
  'bucketName',
  'tableName',
  'runsQueueUrl',
  'stepsQueueUrl',
  'pollScale',
  'dataWaitSeconds',
]);
const pollScale = pollScaleOf(env.pollScale);
const policy = runPolicyOf(optionalEnv('policy'));
const dataWaitSeconds = secondsOf(ENV.dataWaitSeconds, env.dataWaitSeconds);

export const handler = sqsHandler('mpx-startRun', async (record, { logger, retry }) => {
  const message = parseMessage(runRequestMessage, record.body, 'runs queue');
  const outcome = await startRun(
    message,
    {
      state: { db: dynamoDocumentClient(), table: env.tableName, now: () => new Date() },
      bucket: env.bucketName,
      s3: s3Client(),
      sns: snsClient(),
      topicArn: env.topicArn,
      sendSteps: (steps) => sendJsonBatch(sqsClient(), env.stepsQueueUrl, steps),
      sendRunRequest: (request, delay) => sendJson(sqsClient(), env.runsQueueUrl, request, delay),
      dataWaitSeconds,
      pollScale,
      policy,
    },
    retry,
  );
  logger.info('run request handled', { ...outcome });
});
