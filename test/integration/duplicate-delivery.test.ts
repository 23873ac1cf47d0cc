import {
  ListBatchInferenceJobsCommand,
  ListBatchSegmentJobsCommand,
  ListDatasetImportJobsCommand,
  ListSolutionVersionsCommand,
} from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PipelineHarness, retailUpload, startPipeline, uploadAll } from '../support/pipeline.js';

/**
 * At-least-once delivery at its worst: the local cloud hands every SQS message
 * to its function twice, concurrently, and sends every S3 event twice. The
 * run's effects must still happen exactly once.
 */

let h: PipelineHarness;
const group = 'dup-shop';
let notification: Record<string, unknown> | undefined;
type Step = { kind: string; name: string; status: string; arn?: string };

beforeAll(async () => {
  h = await startPipeline({ faults: { duplicateDelivery: true } });
  await uploadAll(h, await retailUpload(group, 11));
  notification = await h.nextNotification();
}, 240_000);

afterAll(async () => {
  await h?.stop();
});

describe('with every message and S3 event delivered twice', () => {
  it('runs once and notifies once', async () => {
    expect(notification).toMatchObject({ datasetGroup: group, status: 'UPDATE COMPLETE' });
    expect(await h.nextNotification(5_000)).toBeUndefined();
  }, 30_000);

  it('trains each solution exactly once', async () => {
    const steps = notification?.steps as Step[];
    const solutions = steps.filter((s) => s.kind === 'solution');
    expect(solutions.length).toBe(4);
    for (const solution of solutions) {
      const { solutionVersions } = await h.personalize.send(
        new ListSolutionVersionsCommand({ solutionArn: solution.arn }),
      );
      expect(solutionVersions, solution.name).toHaveLength(1);
    }
  });

  it('imports each dataset once and runs each batch job once', async () => {
    const steps = notification?.steps as Step[];
    for (const dataset of steps.filter((s) => s.kind === 'dataset')) {
      const { datasetImportJobs } = await h.personalize.send(
        new ListDatasetImportJobsCommand({ datasetArn: dataset.arn }),
      );
      expect(datasetImportJobs, dataset.name).toHaveLength(1);
    }
    for (const version of steps.filter((s) => s.kind === 'solutionVersion')) {
      const { batchInferenceJobs } = await h.personalize.send(
        new ListBatchInferenceJobsCommand({ solutionVersionArn: version.arn }),
      );
      const { batchSegmentJobs } = await h.personalize.send(
        new ListBatchSegmentJobsCommand({ solutionVersionArn: version.arn }),
      );
      expect((batchInferenceJobs?.length ?? 0) + (batchSegmentJobs?.length ?? 0), version.name).toBeLessThanOrEqual(1);
    }
    const jobs = steps.filter((s) => s.kind === 'batchInferenceJob' || s.kind === 'batchSegmentJob');
    expect(jobs).toHaveLength(2);
  });
});
