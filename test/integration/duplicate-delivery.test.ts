import {
  ListBatchInferenceJobsCommand,
  ListBatchSegmentJobsCommand,
  ListCampaignsCommand,
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListSchemasCommand,
  ListSolutionsCommand,
  ListSolutionVersionsCommand,
} from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns } from '../../shared/state/runs.js';
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
    const runs = await listRuns(h.state, group);
    expect(runs.map((r) => [r.runId, r.status])).toEqual([[notification?.runId, 'SUCCEEDED']]);
  }, 30_000);

  it('creates each planned resource exactly once', async () => {
    const p = h.personalize;
    const { datasetGroups } = await p.send(new ListDatasetGroupsCommand({}));
    const groups = (datasetGroups ?? []).filter((g) => g.name === group);
    expect(groups).toHaveLength(1);
    const datasetGroupArn = groups[0]?.datasetGroupArn;
    const names = (items: readonly { name?: string }[] | undefined) => (items ?? []).map((i) => i.name).sort();

    // Schemas are account-wide: this group's are the ones named after it.
    const { schemas } = await p.send(new ListSchemasCommand({}));
    expect(names(schemas).filter((name) => name?.startsWith(`${group}-`))).toEqual([
      `${group}-interactions-schema`,
      `${group}-items-schema`,
      `${group}-users-schema`,
    ]);
    expect(names((await p.send(new ListDatasetsCommand({ datasetGroupArn }))).datasets)).toEqual([
      `${group}-interactions`,
      `${group}-items`,
      `${group}-users`,
    ]);
    expect(names((await p.send(new ListEventTrackersCommand({ datasetGroupArn }))).eventTrackers)).toEqual([
      `${group}-event-tracker`,
    ]);
    expect(names((await p.send(new ListFiltersCommand({ datasetGroupArn }))).Filters)).toEqual([
      `${group}-in-category`,
      `${group}-not-purchased`,
    ]);
    const { solutions } = await p.send(new ListSolutionsCommand({ datasetGroupArn }));
    expect(names(solutions)).toEqual([
      `${group}-affinity`,
      `${group}-personalization`,
      `${group}-popular`,
      `${group}-related`,
    ]);
    const campaigns: string[] = [];
    for (const solution of solutions ?? []) {
      const listed = await p.send(new ListCampaignsCommand({ solutionArn: solution.solutionArn }));
      campaigns.push(...names(listed.campaigns).map(String));
    }
    expect(campaigns.sort()).toEqual([`${group}-personalization-campaign`, `${group}-related-campaign`]);
  });

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
