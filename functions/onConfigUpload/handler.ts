import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { s3Client, snsClient, sqsClient } from '../../shared/aws/clients.js';
import { sendJson } from '../../shared/aws/queues.js';
import { sqsHandler } from '../../shared/aws/sqs-handler.js';
import { readEnv } from '../../shared/env.js';
import { handleConfigUpload } from '../../shared/uploads/config-upload.js';
import { parseS3Notification } from '../../shared/uploads/s3-notification.js';

/** S3 → SQS → here: validates every parameter file uploaded under train/ and asks for a run of each valid one. */

const env = readEnv(['topicArn', 'runsQueueUrl']);

export const handler = sqsHandler('mpx-onConfigUpload', async (record, { logger, metrics }) => {
  for (const object of parseS3Notification(record.body)) {
    metrics.addMetric('ConfigurationsProcessed', MetricUnit.Count, 1);
    const outcome = await handleConfigUpload(object, {
      s3: s3Client(),
      sns: snsClient(),
      topicArn: env.topicArn,
      requestRun: (message) => sendJson(sqsClient(), env.runsQueueUrl, message),
    });
    logger.info('parameter file checked', { ...object, ...outcome });
    metrics.addMetric(
      outcome.status === 'valid' ? 'ConfigurationsProcessedSuccesses' : 'ConfigurationsProcessedFailures',
      MetricUnit.Count,
      1,
    );
  }
});
