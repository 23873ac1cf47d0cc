import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * The wiring every mpx function shares (STYLE.md §1, §6): middy with the
 * Powertools logger and EMF metrics, one record at a time through the batch
 * processor, partial batch failures reported to SQS. A record handler throws
 * only on real faults; SQS then redelivers that record alone (and after
 * `maxReceiveCount`, dead-letters it).
 */

export interface RecordContext {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** True when SQS delivers this record again (an earlier attempt failed or crashed). */
  readonly retry: boolean;
}

export function sqsHandler(
  serviceName: string,
  handle: (record: SQSRecord, context: RecordContext) => Promise<void>,
): middy.MiddyfiedHandler<SQSEvent, SQSBatchResponse> {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ namespace: 'mpx', serviceName });
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = (record: SQSRecord) =>
    handle(record, { logger, metrics, retry: Number(record.attributes.ApproximateReceiveCount) > 1 });
  return middy((event: SQSEvent) => processPartialResponse(event, recordHandler, processor))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}
