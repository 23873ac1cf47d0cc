import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalFunction } from '../runner/function.js';
import type { ObjectCreatedEvent } from '../services/index.js';
import type { BucketNotification } from './deployer.js';

/** The S3 event notification record, as S3 sends it (event version 2.1). */
export function s3EventRecord(object: ObjectCreatedEvent, region: string, configurationId: string) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: region,
    eventTime: new Date().toISOString(),
    eventName: object.eventName,
    userIdentity: { principalId: 'AWS:LOCAL' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: {
      'x-amz-request-id': randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
      'x-amz-id-2': randomUUID(),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: { name: object.bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${object.bucket}` },
      object: {
        key: object.key,
        size: object.size,
        eTag: object.eTag,
        ...(object.versionId ? { versionId: object.versionId } : {}),
        sequencer: object.sequencer,
      },
    },
  };
}

function matches(notification: BucketNotification, object: ObjectCreatedEvent): boolean {
  if (notification.bucket !== object.bucket) return false;
  if (!object.rawKey.startsWith(notification.prefix) || !object.rawKey.endsWith(notification.suffix)) return false;
  return notification.events.some((event) => {
    const wanted = event.replace(/^s3:/, '');
    return wanted === object.eventName || (wanted.endsWith(':*') && object.eventName.startsWith(wanted.slice(0, -1)));
  });
}

/** Delivers a created object to every matching notification target: a queue gets the event as a message, a function is invoked asynchronously. */
export async function deliverObjectCreated(
  object: ObjectCreatedEvent,
  notifications: readonly BucketNotification[],
  deps: {
    readonly sqs: SQSClient;
    readonly functions: ReadonlyMap<string, LocalFunction>;
    readonly region: string;
    readonly onError?: (error: unknown) => void;
    /** Fault injection: send every event twice, as S3 occasionally does. */
    readonly duplicate?: boolean;
  },
): Promise<void> {
  for (const [index, notification] of notifications.entries()) {
    if (!matches(notification, object)) continue;
    const event = { Records: [s3EventRecord(object, deps.region, `mpx-local-${index}`)] };
    if (notification.target.kind === 'queue') {
      for (let copy = 0; copy < (deps.duplicate ? 2 : 1); copy += 1) {
        await deps.sqs.send(
          new SendMessageCommand({ QueueUrl: notification.target.url, MessageBody: JSON.stringify(event) }),
        );
      }
    } else {
      const fn = deps.functions.get(notification.target.name);
      fn?.invoke(event).catch((error: unknown) => deps.onError?.(error));
    }
  }
}
