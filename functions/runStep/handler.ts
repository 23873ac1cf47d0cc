import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  dynamoDocumentClient,
  eventBridgeClient,
  personalizeClient,
  schedulerClient,
  sqsClient,
} from '../../shared/aws/clients.js';
import { sendJson, sendJsonBatch } from '../../shared/aws/queues.js';
import { sqsHandler } from '../../shared/aws/sqs-handler.js';
import { optionalEnv, pollScaleOf, readEnv } from '../../shared/env.js';
import { reconcileSchedules } from '../../shared/schedules/reconcile.js';
import { parseMessage, stepMessage } from '../../shared/workflow/messages.js';
import { runPolicyOf } from '../../shared/workflow/policy.js';
import { runStep } from '../../shared/workflow/run-step.js';

/** Steps queue → here: ensures one step's Personalize resource, then re-polls, releases dependents or fails. */

const env = readEnv([
  'scheduleGroupName',
  'runsQueueArn',
  'runsDeadLetterQueueArn',
  'schedulerRoleArn',
  'tableName',
  'stepsQueueUrl',
  'finishQueueUrl',
  'eventBusName',
  'personalizeRoleArn',
  'accountId',
  'pollScale',
]);
const pollScale = pollScaleOf(env.pollScale);
const policy = runPolicyOf(optionalEnv('policy'));
const region = process.env.AWS_REGION ?? 'us-east-1';

export const handler = sqsHandler('mpx-runStep', async (record, { logger, metrics, retry }) => {
  const message = parseMessage(stepMessage, record.body, 'steps queue');
  const result = await runStep(
    message,
    {
      state: { db: dynamoDocumentClient(), table: env.tableName, now: () => new Date() },
      personalize: personalizeClient(),
      scope: { region, account: env.accountId },
      personalizeRoleArn: env.personalizeRoleArn,
      eventBusName: env.eventBusName,
      pollScale,
      policy,
      sendSteps: (steps, delay) => sendJsonBatch(sqsClient(), env.stepsQueueUrl, steps, delay),
      sendFinish: (finish) => sendJson(sqsClient(), env.finishQueueUrl, finish),
      putEvents: async (entries) => {
        await eventBridgeClient().send(new PutEventsCommand({ Entries: [...entries] }));
      },
      telemetry: { count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value) },
      reconcileSchedules: (datasetGroup, configured) =>
        reconcileSchedules(
          { scheduler: schedulerClient(), groupName: env.scheduleGroupName },
          datasetGroup,
          configured,
          {
            queueArn: env.runsQueueArn,
            roleArn: env.schedulerRoleArn,
            deadLetterArn: env.runsDeadLetterQueueArn,
          },
        ),
      scheduleGroupArn: `arn:aws:scheduler:${region}:${env.accountId}:schedule-group/${env.scheduleGroupName}`,
    },
    retry,
  );
  logger.info('step handled', { ...message, ...result });
});
