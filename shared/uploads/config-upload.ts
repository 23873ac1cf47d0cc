import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { text } from '../config/paths.js';
import {
  type JsonResult,
  MAX_PARAMETER_FILE_BYTES,
  parseParameterFile,
  tooLargeIssue,
  validateDocument,
} from '../config/validate.js';
import { configurationErrorNotification } from '../notify/sns-message.js';
import type { RunRequestMessage } from '../workflow/messages.js';

export interface ConfigUploadDeps {
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly topicArn: string;
  /** Asks the run starter for a run of a valid file (the runs queue). */
  readonly requestRun: (message: RunRequestMessage) => Promise<void>;
}

export interface UploadedObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly eTag?: string;
  /** When S3 saw the upload (the event's eventTime): with the key and version, it names the run. */
  readonly eventTime: string;
}

export type ConfigUploadOutcome =
  | { readonly status: 'valid'; readonly datasetGroup: string; readonly warnings: number }
  | { readonly status: 'invalid'; readonly datasetGroup: string; readonly errors: number };

/** `train/<dataset group>/.../config.json` → `<dataset group>`. */
export function datasetGroupFolder(key: string): string | undefined {
  const match = /^train\/([^/]+)\//.exec(key);
  return match?.[1];
}

/**
 * Reads an uploaded parameter file and validates it. An invalid file gets one
 * notification listing every error with its JSON path, and nothing is created;
 * a valid one becomes a run request.
 * Throws only on I/O failures, so the message is retried.
 */
export async function handleConfigUpload(object: UploadedObject, deps: ConfigUploadDeps): Promise<ConfigUploadOutcome> {
  const response = await deps.s3.send(
    new GetObjectCommand({ Bucket: object.bucket, Key: object.key, VersionId: object.versionId }),
  );
  // A file over the limit is refused without reading it (it could be gigabytes).
  const size = response.ContentLength ?? 0;
  if (size > MAX_PARAMETER_FILE_BYTES) (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
  const parsed: JsonResult =
    size > MAX_PARAMETER_FILE_BYTES
      ? { ok: false, errors: [tooLargeIssue(size)] }
      : parseParameterFile((await response.Body?.transformToString('utf-8')) ?? '');
  const doc = parsed.ok ? parsed.value : undefined;
  const result = parsed.ok ? validateDocument(doc) : { ok: false, errors: parsed.errors, warnings: [] };
  const datasetGroup =
    text(doc, 'datasetGroup', 'serviceConfig', 'name') ?? datasetGroupFolder(object.key) ?? 'UNKNOWN';
  if (result.ok) {
    await deps.requestRun({
      version: 1,
      type: 'start',
      trigger: {
        type: 'upload',
        bucket: object.bucket,
        key: object.key,
        ...(object.versionId ? { versionId: object.versionId } : {}),
        ...(object.eTag ? { eTag: object.eTag } : {}),
        eventTime: object.eventTime,
      },
    });
    return { status: 'valid', datasetGroup, warnings: result.warnings.length };
  }
  const notification = configurationErrorNotification(
    datasetGroup,
    `s3://${object.bucket}/${object.key}`,
    result.errors,
  );
  await deps.sns.send(new PublishCommand({ TopicArn: deps.topicArn, ...notification }));
  return { status: 'invalid', datasetGroup, errors: result.errors.length };
}
