import { describe, expect, it } from 'vitest';
import { timestampedName } from '../../../shared/config/names.js';
import type { ParameterFile } from '../../../shared/config/types.js';
import { validate } from '../../../shared/config/validate.js';
import { batchOutputPath } from '../../../shared/resources/jobs.js';
import type { ScheduledTask } from '../../../shared/schedules/from-config.js';
import { type DataFound, planRun, type RunPlan } from '../../../shared/workflow/plan.js';
import { MAX_DELAY_SECONDS, nextPollDelay } from '../../../shared/workflow/poll.js';
import { type Doc, itemsDataset, SEED_CONFIGS, sampleWith, seedConfigText } from '../../fixtures/configs.js';

const config = (text: string): ParameterFile => {
  const result = validate(text);
  if (!result.config) throw new Error(JSON.stringify(result.errors));
  return result.config;
};

/** `id <- dependencies` lines, in plan order, without the final schedules and notify steps. */
const edges = (plan: RunPlan) =>
  plan.steps
    .filter((s) => s.kind !== 'notify' && s.kind !== 'schedules')
    .map((s) => `${s.id} <- ${s.dependsOn.join(', ')}`);

describe('planRun on the seed parameter files', () => {
  it('plans seed-sample with only true dependencies', () => {
    expect(
      edges(
        planRun(
          config(seedConfigText('seed-sample')),
          { interactions: `s3://bucket/train/g/interactions.csv`, users: `s3://bucket/train/g/users.csv` },
          'bucket',
        ),
      ),
    ).toEqual([
      'datasetGroup <- ',
      'schema:interactions <- ',
      'dataset:interactions <- datasetGroup, schema:interactions',
      'datasetImportJob:interactions <- dataset:interactions',
      'schema:users <- ',
      'dataset:users <- datasetGroup, schema:users',
      'datasetImportJob:users <- dataset:users',
      'eventTracker <- datasetGroup',
      'filter:clicked-or-streamed <- datasetGroup, dataset:interactions',
      'filter:interacted <- datasetGroup, dataset:interactions',
      'solution:sims-solution <- datasetGroup, dataset:interactions',
      'solutionVersion:sims-solution <- solution:sims-solution, datasetImportJob:interactions',
      'solution:popularity-count-solution <- datasetGroup, dataset:interactions',
      'solutionVersion:popularity-count-solution <- solution:popularity-count-solution, datasetImportJob:interactions',
      'solution:user-personalization-solution <- datasetGroup, dataset:interactions',
      'solutionVersion:user-personalization-solution <- solution:user-personalization-solution, datasetImportJob:interactions, datasetImportJob:users',
      'campaign:user-personalization-campaign <- solutionVersion:user-personalization-solution',
      'batchInferenceJob:user-personalization-solution <- solutionVersion:user-personalization-solution',
    ]);
  });

  it('plans seed-tags (items and users data, a named solution version)', () => {
    expect(
      edges(
        planRun(
          config(seedConfigText('seed-tags')),
          {
            interactions: `s3://bucket/train/g/interactions.csv`,
            items: `s3://bucket/train/g/items.csv`,
            users: `s3://bucket/train/g/users.csv`,
          },
          'bucket',
        ),
      ),
    ).toEqual([
      'datasetGroup <- ',
      'schema:interactions <- ',
      'dataset:interactions <- datasetGroup, schema:interactions',
      'datasetImportJob:interactions <- dataset:interactions',
      'schema:items <- ',
      'dataset:items <- datasetGroup, schema:items',
      'datasetImportJob:items <- dataset:items',
      'schema:users <- ',
      'dataset:users <- datasetGroup, schema:users',
      'datasetImportJob:users <- dataset:users',
      'eventTracker <- datasetGroup',
      'solution:solution-recommender-user-personalization <- datasetGroup, dataset:interactions',
      'solutionVersion:solution-recommender-user-personalization <- solution:solution-recommender-user-personalization, datasetImportJob:interactions, datasetImportJob:items, datasetImportJob:users',
    ]);
  });

  it('plans seed-root-tags', () => {
    expect(
      edges(
        planRun(
          config(seedConfigText('seed-root-tags')),
          { interactions: `s3://bucket/train/g/interactions.csv` },
          'bucket',
        ),
      ),
    ).toEqual([
      'datasetGroup <- ',
      'schema:interactions <- ',
      'dataset:interactions <- datasetGroup, schema:interactions',
      'datasetImportJob:interactions <- dataset:interactions',
      'eventTracker <- datasetGroup',
      'solution:solution-user-personalization <- datasetGroup, dataset:interactions',
      'solutionVersion:solution-user-personalization <- solution:solution-user-personalization, datasetImportJob:interactions',
    ]);
  });

  it.each(SEED_CONFIGS)(
    '%s: ids are unique, every dependency exists and comes first, notify comes last and waits for all',
    (name) => {
      const plan = planRun(
        config(seedConfigText(name)),
        {
          interactions: `s3://bucket/train/g/interactions.csv`,
          items: `s3://bucket/train/g/items.csv`,
          users: `s3://bucket/train/g/users.csv`,
        },
        'bucket',
      );
      const seen = new Set<string>();
      for (const step of plan.steps) {
        expect(seen.has(step.id), step.id).toBe(false);
        for (const dependency of step.dependsOn) expect(seen.has(dependency), `${step.id} <- ${dependency}`).toBe(true);
        seen.add(step.id);
      }
      const notify = plan.steps.at(-1);
      expect(notify?.kind).toBe('notify');
      expect(notify?.dependsOn).toHaveLength(plan.steps.length - 1);
    },
  );
});

describe('planRun: true dependencies only', () => {
  const data: DataFound = {
    interactions: `s3://bucket/train/g/interactions.csv`,
    items: `s3://bucket/train/g/items.csv`,
  };
  const withItems = (change: (d: Doc) => void = () => undefined) =>
    sampleWith((d) => {
      d.datasets.items = itemsDataset();
      change(d);
    });

  it('has no import when no data was found for a dataset', () => {
    const plan = planRun(
      config(seedConfigText('seed-sample')),
      { interactions: `s3://bucket/train/g/interactions.csv` },
      'bucket',
    );
    expect(plan.steps.map((s) => s.id)).not.toContain('datasetImportJob:users');
  });

  it('lets a filter wait only for the datasets it references', () => {
    const plan = planRun(
      config(
        withItems((d) => (d.filters[0].serviceConfig.filterExpression = 'INCLUDE ItemID WHERE Items.GENRE IN ($G)')),
      ),
      data,
      'bucket',
    );
    expect(plan.steps.find((s) => s.id === 'filter:clicked-or-streamed')?.dependsOn).toEqual([
      'datasetGroup',
      'dataset:items',
    ]);
  });

  it('gives each batch job of a solution its own step', () => {
    const plan = planRun(
      config(
        sampleWith((d) => {
          d.solutions[2].batchInferenceJobs.push({ serviceConfig: {}, workflowConfig: {} });
        }),
      ),
      data,
      'bucket',
    );
    expect(plan.steps.filter((s) => s.kind === 'batchInferenceJob').map((s) => s.name)).toEqual([
      'user-personalization-solution',
      'user-personalization-solution-2',
    ]);
  });
});

describe('nextPollDelay', () => {
  it.each([
    ['solutionVersion', 0, MAX_DELAY_SECONDS], // 0.8 × 30 min, capped at SQS's 15 minutes
    ['solutionVersion', 1, 225],
    ['solutionVersion', 2, 338],
    ['solutionVersion', 6, MAX_DELAY_SECONDS],
    ['datasetGroup', 0, 72],
    ['datasetGroup', 1, 11],
    ['filter', 0, 144],
    ['schema', 0, 5],
  ] as const)('%s after %i polls waits %i s', (kind, polls, seconds) => {
    expect(nextPollDelay(kind, polls)).toBe(seconds);
  });

  it('never exceeds SQS’s 15 minutes and never gives up, however long a training takes', () => {
    for (let polls = 0; polls < 200; polls += 1) {
      const delay = nextPollDelay('solutionVersion', polls);
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(MAX_DELAY_SECONDS);
    }
  });

  it('scales for a faster Personalize', () => {
    expect(nextPollDelay('solutionVersion', 0, 1 / 600)).toBe(2);
    expect(nextPollDelay('datasetGroup', 1, 1 / 600)).toBe(1); // never 0: a scaled-down loop must not spin
  });
});

describe('planRun: the end of an upload run', () => {
  const plan = planRun(
    config(seedConfigText('seed-sample')),
    { interactions: 's3://bucket/train/g/interactions.csv' },
    'bucket',
  );

  it('reconciles the schedules once every resource is in place, then notifies', () => {
    const [schedules, notify] = plan.steps.slice(-2);
    const resources = plan.steps.slice(0, -2).map((s) => s.id);
    expect(schedules).toMatchObject({ id: 'schedules', kind: 'schedules', dependsOn: resources });
    expect(schedules?.desired).toMatchObject({ kind: 'schedules', datasetGroup: 'dataset-group-name-1' });
    expect(notify?.dependsOn).toEqual([...resources, 'schedules']);
  });

  it('gives each import the time its data was written, and campaigns their solution’s promotion gate', () => {
    const gated = planRun(
      config(
        sampleWith((d) => {
          d.solutions[2].workflowConfig = { promotion: { metric: 'precision_at_25', minRatio: 0.95 } };
        }),
      ),
      { interactions: 's3://bucket/train/g/interactions.csv' },
      'bucket',
      { dataModifiedAt: { interactions: '2026-11-27T10:00:00.000Z' } },
    );
    expect(gated.steps.find((s) => s.id === 'datasetImportJob:interactions')?.desired).toMatchObject({
      dataModifiedAt: '2026-11-27T10:00:00.000Z',
    });
    expect(gated.steps.find((s) => s.kind === 'campaign')?.desired).toMatchObject({
      promotion: { metric: 'precision_at_25', minRatio: 0.95 },
    });
  });
});

describe('planRun: a scheduled run does only its task', () => {
  const data = { interactions: 's3://bucket/train/g/interactions.csv', users: 's3://bucket/train/g/users.csv' };
  const sample = () => config(seedConfigText('seed-sample'));
  const ids = (plan: RunPlan) => plan.steps.map((s) => s.id);

  it('import: the imports and what they need, nothing trained', () => {
    const plan = planRun(sample(), data, 'bucket', { task: { kind: 'import' } });
    expect(ids(plan)).toEqual([
      'datasetGroup',
      'schema:interactions',
      'dataset:interactions',
      'datasetImportJob:interactions',
      'schema:users',
      'dataset:users',
      'datasetImportJob:users',
      'notify',
    ]);
  });

  it('training: a forced version of that solution in the schedule’s mode, and its campaigns, no imports', () => {
    const plan = planRun(sample(), data, 'bucket', {
      task: { kind: 'update', solution: 'user-personalization-solution' },
    });
    expect(ids(plan)).toEqual([
      'datasetGroup',
      'schema:interactions',
      'dataset:interactions',
      'solution:user-personalization-solution',
      'solutionVersion:user-personalization-solution',
      'campaign:user-personalization-campaign',
      'notify',
    ]);
    expect(plan.steps.find((s) => s.kind === 'solutionVersion')?.desired).toMatchObject({
      force: true,
      trainingMode: 'UPDATE',
    });
    expect(plan.steps.find((s) => s.kind === 'solutionVersion')?.dependsOn).toEqual([
      'solution:user-personalization-solution',
    ]);
  });

  it('batch: a forced new job on the version in use, nothing else trained or imported', () => {
    const plan = planRun(sample(), data, 'bucket', {
      task: { kind: 'batchInference', solution: 'user-personalization-solution', job: 'user-personalization-solution' },
    });
    expect(plan.steps.filter((s) => s.kind === 'batchInferenceJob').map((s) => s.desired)).toMatchObject([
      { force: true },
    ]);
    expect(plan.steps.find((s) => s.kind === 'solutionVersion')?.desired).not.toHaveProperty('force');
    expect(ids(plan)).not.toContain('datasetImportJob:interactions');
    expect(ids(plan)).not.toContain('campaign:user-personalization-campaign');
  });

  it('batch: never trains because the solution’s maxAge passed (maxAge is for trainings)', () => {
    const aged = config(
      sampleWith((doc) => {
        const solution = doc.solutions.find(
          (s: { serviceConfig: { name: string } }) => s.serviceConfig.name === 'user-personalization-solution',
        );
        solution.workflowConfig = { ...solution.workflowConfig, maxAge: '1 day' };
      }),
    );
    const version = (task?: ScheduledTask) =>
      planRun(aged, data, 'bucket', task ? { task } : {}).steps.find(
        (s) => s.id === 'solutionVersion:user-personalization-solution',
      )?.desired;
    expect(version()).toMatchObject({ maxAgeSeconds: 86_400 });
    expect(
      version({
        kind: 'batchInference',
        solution: 'user-personalization-solution',
        job: 'user-personalization-solution',
      }),
    ).not.toHaveProperty('maxAgeSeconds');
  });
});

describe('planRun: where each batch job reads and writes', () => {
  const data: DataFound = { interactions: 's3://bucket/train/g/interactions.csv' };
  const folder = 's3://bucket/batch/dataset-group-name-1';
  /** `[step id, inputPath, outputPrefix]` of every batch job step. */
  const batchPaths = (text: string) =>
    planRun(config(text), data, 'bucket').steps.flatMap((s) =>
      s.desired.kind === 'batchInferenceJob' || s.desired.kind === 'batchSegmentJob'
        ? [[s.id, s.desired.inputPath, s.desired.outputPrefix]]
        : [],
    );
  const affinity = (segmentJobs: readonly object[]) => ({
    serviceConfig: { name: 'affinity', recipeArn: 'arn:aws:personalize:::recipe/aws-item-affinity' },
    batchSegmentJobs: segmentJobs,
  });

  it('keeps the legacy batch/<dsg>/<solution>/job_config.json when a solution has one job of a kind', () => {
    const text = sampleWith((d) => {
      d.solutions.push(affinity([{ serviceConfig: { numResults: 10 } }]));
    });

    expect(batchPaths(text)).toEqual([
      [
        'batchInferenceJob:user-personalization-solution',
        `${folder}/user-personalization-solution/job_config.json`,
        `${folder}/user-personalization-solution/`,
      ],
      ['batchSegmentJob:affinity', `${folder}/affinity/job_config.json`, `${folder}/affinity/`],
    ]);
  });

  it('gives each job its own input, batch/<dsg>/<solution>/<job base name>/job_config.json, when a solution has several', () => {
    const text = sampleWith((d) => {
      d.solutions[2].batchInferenceJobs.push({ serviceConfig: { jobName: 'weekly' }, workflowConfig: {} });
      d.solutions.push(affinity([{ serviceConfig: {} }, { serviceConfig: {} }]));
    });

    expect(batchPaths(text)).toEqual([
      [
        'batchInferenceJob:user-personalization-solution',
        `${folder}/user-personalization-solution/user-personalization-solution/job_config.json`,
        `${folder}/user-personalization-solution/`,
      ],
      [
        'batchInferenceJob:weekly',
        `${folder}/user-personalization-solution/weekly/job_config.json`,
        `${folder}/user-personalization-solution/`,
      ],
      ['batchSegmentJob:affinity', `${folder}/affinity/affinity/job_config.json`, `${folder}/affinity/`],
      ['batchSegmentJob:affinity-2', `${folder}/affinity/affinity-2/job_config.json`, `${folder}/affinity/`],
    ]);
  });

  it('writes each job under batch/<dsg>/<solution>/<job name>/ (its timestamped name)', () => {
    const text = sampleWith((d) => {
      d.solutions[2].batchInferenceJobs[0].serviceConfig.jobName = 'nightly';
    });
    const [nightly] = batchPaths(text);
    const outputPrefix = nightly?.[2] as string;
    const jobName = timestampedName('nightly', new Date('2026-11-28T03:00:00Z'));

    expect(nightly?.[0]).toBe('batchInferenceJob:nightly');
    expect(batchOutputPath(outputPrefix, jobName)).toBe(
      's3://bucket/batch/dataset-group-name-1/user-personalization-solution/nightly_2026_11_28_03_00_00/',
    );
  });
});
