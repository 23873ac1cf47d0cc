import { describe, expect, it } from 'vitest';
import { ENV, optionalEnv, readEnv } from '../../shared/env.js';

/** Environment is validated once, at cold start: a missing or empty variable fails loudly with its name (STYLE.md §3). */

describe('readEnv', () => {
  const complete = {
    MPX_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:mpx-dev-notifications',
    MPX_BUCKET_NAME: 'mpx-dev-data',
    MPX_TABLE_NAME: 'mpx-dev-runs',
  };

  it('returns the values by their key, reading the variables named in ENV', () => {
    expect(readEnv(['topicArn', 'bucketName', 'tableName'], complete)).toEqual({
      topicArn: 'arn:aws:sns:us-east-1:123456789012:mpx-dev-notifications',
      bucketName: 'mpx-dev-data',
      tableName: 'mpx-dev-runs',
    });
  });

  it('throws naming a missing variable', () => {
    const { MPX_BUCKET_NAME: _missing, ...source } = complete;

    expect(() => readEnv(['topicArn', 'bucketName', 'tableName'], source)).toThrow(
      new Error('missing or empty environment variable(s): MPX_BUCKET_NAME'),
    );
  });

  it('throws naming an empty variable', () => {
    expect(() => readEnv(['topicArn', 'tableName'], { ...complete, MPX_TABLE_NAME: '' })).toThrow(
      new Error('missing or empty environment variable(s): MPX_TABLE_NAME'),
    );
  });

  it('names every missing or empty variable at once', () => {
    expect(() => readEnv(['topicArn', 'bucketName', 'stage'], { MPX_BUCKET_NAME: '' })).toThrow(
      new Error('missing or empty environment variable(s): MPX_TOPIC_ARN, MPX_BUCKET_NAME, MPX_STAGE'),
    );
  });

  it('checks only the variables asked for', () => {
    expect(readEnv(['bucketName'], { MPX_BUCKET_NAME: 'mpx-dev-data' })).toEqual({ bucketName: 'mpx-dev-data' });
  });

  it('reads process.env by default', () => {
    const saved = process.env[ENV.stage];
    process.env[ENV.stage] = 'test-stage';
    try {
      expect(readEnv(['stage'])).toEqual({ stage: 'test-stage' });
    } finally {
      if (saved === undefined) delete process.env[ENV.stage];
      else process.env[ENV.stage] = saved;
    }
  });
});

describe('optionalEnv', () => {
  it('is undefined when the variable is unset or empty, else its value', () => {
    expect(optionalEnv('notifyOn', {})).toBeUndefined();
    expect(optionalEnv('notifyOn', { MPX_NOTIFY_ON: '' })).toBeUndefined();
    expect(optionalEnv('notifyOn', { MPX_NOTIFY_ON: 'failures' })).toBe('failures');
  });
});
