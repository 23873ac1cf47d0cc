import { describe, expect, it } from 'vitest';
import { runNotification } from '../../../shared/notify/sns-message.js';

const base = {
  runId: 'run-1',
  datasetGroup: 'shop',
  trigger: 'upload s3://data/train/shop/config.json',
  region: 'us-east-1',
  account: '123456789012',
};

describe('runNotification', () => {
  it('reports a failed run with Personalize’s reason, byte for byte', () => {
    const notification = runNotification({
      ...base,
      steps: [
        {
          kind: 'datasetImportJob',
          name: 'interactions',
          status: 'FAILED',
          reason: 's3://data/train/shop/interactions.csv row 2, column TIMESTAMP: "x" is not an integer (type long)',
        },
        { kind: 'solutionVersion', name: 'up', status: 'SKIPPED', reason: 'datasetImportJob interactions failed' },
      ],
    });
    expect(notification.Subject).toBe('Maintaining Personalized Experiences with Machine Learning Notifications');
    expect(notification.MessageStructure).toBe('json');
    const message = JSON.parse(notification.Message);
    expect(Object.keys(message)).toEqual(['default', 'sms', 'email', 'email-json', 'sqs']);
    expect(message.default).toBe('The personalization workflow for shop completed with errors');
    expect(message.sqs).toBe(
      '{"datasetGroup":"shop","status":"UPDATE FAILED","summary":"The personalization workflow for shop completed with errors","description":"datasetImportJob interactions: s3://data/train/shop/interactions.csv row 2, column TIMESTAMP: \\"x\\" is not an integer (type long)","runId":"run-1","trigger":"upload s3://data/train/shop/config.json","steps":[{"kind":"datasetImportJob","name":"interactions","status":"FAILED","reason":"s3://data/train/shop/interactions.csv row 2, column TIMESTAMP: \\"x\\" is not an integer (type long)"},{"kind":"solutionVersion","name":"up","status":"SKIPPED","reason":"datasetImportJob interactions failed"}]}',
    );
    expect(message['email-json']).toBe(message.sqs);
    expect(message.email).toContain(
      'Failure: datasetImportJob interactions: s3://data/train/shop/interactions.csv row 2',
    );
  });

  it('reports a successful run with the new versions’ metrics and the console link', () => {
    const arn = 'arn:aws:personalize:us-east-1:123456789012:solution/up/abcd1234';
    const message = JSON.parse(
      runNotification({
        ...base,
        steps: [{ kind: 'solutionVersion', name: 'up', status: 'SUCCEEDED', arn }],
        metrics: { [arn]: { normalized_discounted_cumulative_gain_at_10: 0.0612 } },
      }).Message,
    );
    expect(JSON.parse(message.sqs)).toMatchObject({
      datasetGroup: 'shop',
      status: 'UPDATE COMPLETE',
      summary: 'The personalization workflow for shop completed successfully',
      description: 'The Personalization job for dataset group shop is complete',
      metrics: { [arn]: { normalized_discounted_cumulative_gain_at_10: 0.0612 } },
    });
    expect(message.email).toContain('normalized_discounted_cumulative_gain_at_10: 0.0612');
    expect(message.email).toContain(
      'Link: https://console.aws.amazon.com/personalize/home?region=us-east-1#arn:aws:personalize:us-east-1:123456789012:dataset-group$shop/setup',
    );
  });
});
