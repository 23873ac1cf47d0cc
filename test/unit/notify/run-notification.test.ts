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
    // The MessageStructure=json payload exactly: key order, escaping and wording are the subscribers' contract.
    expect(notification.Message).toBe(
      [
        '{"default":"The personalization workflow for shop completed with errors",',
        '"sms":"The personalization workflow for shop completed with errors",',
        String.raw`"email":"There was an error running the personalization job for dataset group shop\n\nFailure: datasetImportJob interactions: s3://data/train/shop/interactions.csv row 2, column TIMESTAMP: \"x\" is not an integer (type long)\n\nRun run-1 (upload s3://data/train/shop/config.json):\n   - datasetImportJob interactions: FAILED (s3://data/train/shop/interactions.csv row 2, column TIMESTAMP: \"x\" is not an integer (type long))\n   - solutionVersion up: SKIPPED (datasetImportJob interactions failed)\n\nLink: https://console.aws.amazon.com/personalize/home?region=us-east-1#arn:aws:personalize:us-east-1:123456789012:dataset-group$shop/setup",`,
        String.raw`"email-json":"{\"datasetGroup\":\"shop\",\"status\":\"UPDATE FAILED\",\"summary\":\"The personalization workflow for shop completed with errors\",\"description\":\"datasetImportJob interactions: s3://data/train/shop/interactions.csv row 2, column TIMESTAMP: \\\"x\\\" is not an integer (type long)\",\"runId\":\"run-1\",\"trigger\":\"upload s3://data/train/shop/config.json\",\"steps\":[{\"kind\":\"datasetImportJob\",\"name\":\"interactions\",\"status\":\"FAILED\",\"reason\":\"s3://data/train/shop/interactions.csv row 2, column TIMESTAMP: \\\"x\\\" is not an integer (type long)\"},{\"kind\":\"solutionVersion\",\"name\":\"up\",\"status\":\"SKIPPED\",\"reason\":\"datasetImportJob interactions failed\"}]}",`,
        String.raw`"sqs":"{\"datasetGroup\":\"shop\",\"status\":\"UPDATE FAILED\",\"summary\":\"The personalization workflow for shop completed with errors\",\"description\":\"datasetImportJob interactions: s3://data/train/shop/interactions.csv row 2, column TIMESTAMP: \\\"x\\\" is not an integer (type long)\",\"runId\":\"run-1\",\"trigger\":\"upload s3://data/train/shop/config.json\",\"steps\":[{\"kind\":\"datasetImportJob\",\"name\":\"interactions\",\"status\":\"FAILED\",\"reason\":\"s3://data/train/shop/interactions.csv row 2, column TIMESTAMP: \\\"x\\\" is not an integer (type long)\"},{\"kind\":\"solutionVersion\",\"name\":\"up\",\"status\":\"SKIPPED\",\"reason\":\"datasetImportJob interactions failed\"}]}"}`,
      ].join(''),
    );
  });

  it('reports a successful run with the new versions’ metrics and the console link, byte for byte', () => {
    const arn = 'arn:aws:personalize:us-east-1:123456789012:solution/up/abcd1234';

    const notification = runNotification({
      ...base,
      steps: [{ kind: 'solutionVersion', name: 'up', status: 'SUCCEEDED', arn }],
      metrics: { [arn]: { normalized_discounted_cumulative_gain_at_10: 0.0612 } },
    });

    expect(notification.Subject).toBe('Maintaining Personalized Experiences with Machine Learning Notifications');
    expect(notification.MessageStructure).toBe('json');
    expect(notification.Message).toBe(
      [
        '{"default":"The personalization workflow for shop completed successfully",',
        '"sms":"The personalization workflow for shop completed successfully",',
        String.raw`"email":"The Personalization job for dataset group shop is complete\n\nRun run-1 (upload s3://data/train/shop/config.json):\n   - solutionVersion up: SUCCEEDED arn:aws:personalize:us-east-1:123456789012:solution/up/abcd1234\n\nOffline metrics of the new solution versions:\n   arn:aws:personalize:us-east-1:123456789012:solution/up/abcd1234\n      normalized_discounted_cumulative_gain_at_10: 0.0612\n\nLink: https://console.aws.amazon.com/personalize/home?region=us-east-1#arn:aws:personalize:us-east-1:123456789012:dataset-group$shop/setup",`,
        String.raw`"email-json":"{\"datasetGroup\":\"shop\",\"status\":\"UPDATE COMPLETE\",\"summary\":\"The personalization workflow for shop completed successfully\",\"description\":\"The Personalization job for dataset group shop is complete\",\"runId\":\"run-1\",\"trigger\":\"upload s3://data/train/shop/config.json\",\"steps\":[{\"kind\":\"solutionVersion\",\"name\":\"up\",\"status\":\"SUCCEEDED\",\"arn\":\"arn:aws:personalize:us-east-1:123456789012:solution/up/abcd1234\"}],\"metrics\":{\"arn:aws:personalize:us-east-1:123456789012:solution/up/abcd1234\":{\"normalized_discounted_cumulative_gain_at_10\":0.0612}}}",`,
        String.raw`"sqs":"{\"datasetGroup\":\"shop\",\"status\":\"UPDATE COMPLETE\",\"summary\":\"The personalization workflow for shop completed successfully\",\"description\":\"The Personalization job for dataset group shop is complete\",\"runId\":\"run-1\",\"trigger\":\"upload s3://data/train/shop/config.json\",\"steps\":[{\"kind\":\"solutionVersion\",\"name\":\"up\",\"status\":\"SUCCEEDED\",\"arn\":\"arn:aws:personalize:us-east-1:123456789012:solution/up/abcd1234\"}],\"metrics\":{\"arn:aws:personalize:us-east-1:123456789012:solution/up/abcd1234\":{\"normalized_discounted_cumulative_gain_at_10\":0.0612}}}"}`,
      ].join(''),
    );
  });
});
