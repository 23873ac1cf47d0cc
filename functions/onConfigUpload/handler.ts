import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { s3Client, snsClient } from '../../shared/aws/clients.js';
import { readEnv } from '../../shared/env.js';
import { handleConfigUpload } from '../../shared/uploads/config-upload.js';
import { parseS3Notification } from '../../shared/uploads/s3-notification.js';

/** S3 → SQS → here: validates every parameter file uploaded under train/. */

const env = readEnv(['topicArn']);
const logger = new Logger({ serviceName: 'mpx' });
const metrics = new Metrics({ namespace: 'mpx', serviceName: 'mpx' });
const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  for (const object of parseS3Notification(record.body)) {
    metrics.addMetric('ConfigurationsProcessed', MetricUnit.Count, 1);
    const outcome = await handleConfigUpload(object, { s3: s3Client(), sns: snsClient(), topicArn: env.topicArn });
    logger.info('parameter file checked', { ...object, ...outcome });
    metrics.addMetric(
      outcome.status === 'valid' ? 'ConfigurationsProcessedSuccesses' : 'ConfigurationsProcessedFailures',
      MetricUnit.Count,
      1,
    );
  }
}

export const handler = middy((event: SQSEvent) => processPartialResponse(event, recordHandler, processor))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
