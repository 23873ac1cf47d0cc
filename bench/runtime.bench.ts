import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  CreateCampaignCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { startPersonalize, TEST_CREDENTIALS } from '../test/support/personalize.js';
import { startS3 } from '../test/support/s3.js';
import { median, percentile } from './stats.js';

/**
 * GetRecommendations over local HTTP at a fixed request rate: a campaign on a
 * user-personalization model trained on the shipped example data (2k users,
 * 1k items, 60k interactions); requests are paced at `rate` per second and
 * each latency is measured from send to answer by the real SDK client.
 */
export async function runRuntimeBench(quick: boolean): Promise<Record<string, number>> {
  const rate = 200;
  const seconds = quick ? 3 : 10;
  const example = (name: string) => fileURLToPath(new URL(`../examples/retail-data/${name}`, import.meta.url));
  const config = JSON.parse(await readFile(example('config.json'), 'utf8'));
  const s3 = await startS3();
  const h = await startPersonalize({ s3: () => s3.client });
  try {
    await s3.put('train/bench/interactions.csv', await readFile(example('interactions.csv')));
    const c = h.client;
    const { datasetGroupArn } = await c.send(new CreateDatasetGroupCommand({ name: 'bench' }));
    const { schemaArn } = await c.send(
      new CreateSchemaCommand({
        name: 'bench-interactions',
        schema: JSON.stringify(config.datasets.interactions.schema.serviceConfig.schema),
      }),
    );
    const { datasetArn } = await c.send(
      new CreateDatasetCommand({ name: 'bench', datasetGroupArn, datasetType: 'Interactions', schemaArn }),
    );
    await c.send(
      new CreateDatasetImportJobCommand({
        jobName: 'bench',
        datasetArn,
        dataSource: { dataLocation: 's3://data/train/bench/interactions.csv' },
      }),
    );
    await h.emulator.idle();
    const { solutionArn } = await c.send(
      new CreateSolutionCommand({
        name: 'bench',
        datasetGroupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
      }),
    );
    const { solutionVersionArn } = await c.send(new CreateSolutionVersionCommand({ solutionArn }));
    await h.emulator.idle();
    const { campaignArn } = await c.send(new CreateCampaignCommand({ name: 'bench', solutionVersionArn }));
    const runtime = new PersonalizeRuntimeClient({
      endpoint: h.server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    await runtime.send(new GetRecommendationsCommand({ campaignArn, userId: 'u0' }));
    const latencies: number[] = [];
    const total = rate * seconds;
    const started = performance.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < total; i += 1) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sent = performance.now();
      pending.push(
        runtime
          .send(new GetRecommendationsCommand({ campaignArn, userId: `u${i % 2000}`, numResults: 25 }))
          .then(() => {
            latencies.push(performance.now() - sent);
          }),
      );
    }
    await Promise.all(pending);
    const achieved = total / ((performance.now() - started) / 1000);
    runtime.destroy();
    return {
      requests: total,
      targetRate: rate,
      achievedRate: achieved,
      p50Ms: median(latencies),
      p99Ms: percentile(latencies, 99),
    };
  } finally {
    await h.dispose();
    await s3.stop();
  }
}
