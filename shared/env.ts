import { z } from 'zod';

/**
 * Environment variables of the functions: names in one place (serverless.yml
 * sets exactly these), validated once at cold start. A missing variable fails
 * loudly with its name.
 */
export const ENV = {
  /** The SNS topic notifications go to. */
  topicArn: 'MPX_TOPIC_ARN',
  /** The data bucket (train/, batch/). */
  bucketName: 'MPX_BUCKET_NAME',
  /** The deployment stage, for logs and names. */
  stage: 'MPX_STAGE',
} as const;

export type EnvKey = keyof typeof ENV;

/** Reads and validates the named variables from `source` (default `process.env`). */
export function readEnv<K extends EnvKey>(
  keys: readonly K[],
  source: NodeJS.ProcessEnv = process.env,
): Record<K, string> {
  const shape = Object.fromEntries(keys.map((key) => [ENV[key], z.string().min(1)]));
  const parsed = z.object(shape).safeParse(source);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => String(issue.path[0]));
    throw new Error(`missing or empty environment variable(s): ${missing.join(', ')}`);
  }
  return Object.fromEntries(keys.map((key) => [key, parsed.data[ENV[key]] as string])) as Record<K, string>;
}
