import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import type { UploadedObject } from './config-upload.js';

/**
 * The objects an S3 event notification (delivered through SQS) names. S3's
 * `s3:TestEvent`, sent when a notification is configured, names none.
 * Throws on a body that is neither, so a poison message goes to the DLQ.
 */
export function parseS3Notification(body: string): UploadedObject[] {
  const json: unknown = JSON.parse(body);
  if (typeof json === 'object' && json !== null && (json as { Event?: unknown }).Event === 's3:TestEvent') return [];
  return S3Schema.parse(json).Records.map((record) => ({
    bucket: record.s3.bucket.name,
    // S3 URL-encodes keys in notifications, with "+" for spaces.
    key: decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')),
    ...(record.s3.object.versionId ? { versionId: record.s3.object.versionId } : {}),
    ...(record.s3.object.eTag ? { eTag: record.s3.object.eTag } : {}),
    eventTime: record.eventTime,
  }));
}
