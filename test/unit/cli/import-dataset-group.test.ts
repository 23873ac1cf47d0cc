import type { GetScheduleOutput } from '@aws-sdk/client-scheduler';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../../cli/command-error.js';
import {
  applyScheduleOverrides,
  type GroupSnapshot,
  newestPerBase,
  parameterFileFrom,
  parseSolutionSchedule,
  type SolutionSnapshot,
  uploadKey,
} from '../../../cli/commands/import-dataset-group.js';
import { deadLetterArnOf, scopeOfArn } from '../../../cli/commands/plan.js';
import { jobBaseOf, MAX_JOB_BASE_NAME_LENGTH, timestampedName } from '../../../shared/config/names.js';
import { validate } from '../../../shared/config/validate.js';
import { configuredSchedules } from '../../../shared/schedules/from-config.js';
import { desiredSchedules, scheduleRequest } from '../../../shared/schedules/reconcile.js';

/**
 * `mpx import-dataset-group`'s pure core: the parameter file built from what
 * was read of a dataset group validates, carries every resource kind —
 * batch jobs (one per base name, REFERENCE.md defect 11) and recommenders
 * included — and puts each schedule back where the file declares it.
 */

const ARN = (type: string, path: string) => `arn:aws:personalize:us-east-1:123456789012:${type}/${path}`;
const UP = 'arn:aws:personalize:::recipe/aws-user-personalization';
const AFFINITY = 'arn:aws:personalize:::recipe/aws-item-affinity';
const at = (iso: string) => new Date(iso);
const avro = (name: string, fields: object[]) =>
  JSON.stringify({ type: 'record', name, namespace: 'com.amazonaws.personalize.schema', fields, version: '1.0' });
const INTERACTIONS_SCHEMA = avro('Interactions', [
  { name: 'USER_ID', type: 'string' },
  { name: 'ITEM_ID', type: 'string' },
  { name: 'TIMESTAMP', type: 'long' },
  { name: 'EVENT_TYPE', type: 'string' },
]);
const ITEMS_SCHEMA = avro('Items', [
  { name: 'ITEM_ID', type: 'string' },
  { name: 'CATEGORY', type: 'string', categorical: true },
]);
const TAGS = [{ tagKey: 'team', tagValue: 'recs' }];
const TARGET = {
  queueArn: 'arn:aws:sqs:us-east-1:123456789012:mpx-dev-runs',
  roleArn: 'arn:aws:iam::123456789012:role/mpx-scheduler',
  deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:mpx-dev-runs-dlq',
};

const personalization: SolutionSnapshot = {
  solution: {
    name: 'shop-up',
    solutionArn: ARN('solution', 'shop-up'),
    recipeArn: UP,
    datasetGroupArn: ARN('dataset-group', 'shop'),
    performHPO: false,
    performAutoML: false,
    performAutoTraining: false,
    eventType: 'click',
    solutionConfig: { algorithmHyperParameters: { hidden_dimension: '32' } },
    status: 'ACTIVE',
  },
  latestActiveVersion: { solutionVersionArn: ARN('solution', 'shop-up/2'), trainingMode: 'UPDATE', status: 'ACTIVE' },
  campaigns: [
    {
      name: 'shop-up-live',
      campaignArn: ARN('campaign', 'shop-up-live'),
      solutionVersionArn: ARN('solution', 'shop-up/2'),
      minProvisionedTPS: 3,
      campaignConfig: { itemExplorationConfig: { explorationWeight: '0.3' } },
    },
  ],
  // Three runs of the nightly job and one weekly: two entries, each with its newest run's settings.
  batchInferenceJobs: [
    { jobName: 'shop-nightly_2026_11_26_03_00_00', numResults: 10, creationDateTime: at('2026-11-26T03:00:00Z') },
    {
      jobName: 'shop-nightly_2026_11_28_03_00_00',
      batchInferenceJobArn: ARN('batch-inference-job', 'shop-nightly_2026_11_28_03_00_00'),
      numResults: 25,
      filterArn: ARN('filter', 'shop-no-buys'),
      batchInferenceJobConfig: {},
      batchInferenceJobMode: 'BATCH_INFERENCE',
      creationDateTime: at('2026-11-28T03:00:00Z'),
    },
    { jobName: 'shop-nightly_2026_11_27_03_00_00', numResults: 20, creationDateTime: at('2026-11-27T03:00:00Z') },
    { jobName: 'shop-weekly_2026_11_23_06_00_00', numResults: 5, creationDateTime: at('2026-11-23T06:00:00Z') },
    { jobName: 'made-by-hand', numResults: 5, creationDateTime: at('2026-11-23T06:00:00Z') },
  ],
  batchSegmentJobs: [],
};

const affinity: SolutionSnapshot = {
  solution: { name: 'shop-segments', recipeArn: AFFINITY, performAutoML: true, solutionConfig: {} },
  latestActiveVersion: { trainingMode: 'AUTOTRAIN' as never },
  campaigns: [],
  batchInferenceJobs: [],
  batchSegmentJobs: [
    { jobName: 'shop-segments_2026_11_28_04_00_00', numResults: 100, creationDateTime: at('2026-11-28T04:00:00Z') },
  ],
};

/** The schedules mpx would have made for `config` (as GetSchedule returns them), with `edit` applied. */
function schedulesOf(config: object, group = 'shop'): GetScheduleOutput[] {
  const result = validate(JSON.stringify(config));
  if (!result.config) throw new Error(JSON.stringify(result.errors));
  return desiredSchedules(group, configuredSchedules(result.config)).map((d) => scheduleRequest('mpx-dev', d, TARGET));
}

const SCHEDULED = {
  datasetGroup: { serviceConfig: { name: 'shop' }, workflowConfig: { schedules: { import: 'cron(0 1 * * ? *)' } } },
  datasets: {
    interactions: {
      dataset: { serviceConfig: { name: 'i' } },
      schema: { serviceConfig: { name: 'i', schema: JSON.parse(INTERACTIONS_SCHEMA) } },
    },
  },
  solutions: [
    {
      serviceConfig: { name: 'shop-up', recipeArn: UP },
      workflowConfig: { schedules: { full: 'cron(0 2 ? * 1 *)', update: 'rate(6 hours)' } },
      batchInferenceJobs: [
        { serviceConfig: { jobName: 'shop-nightly' }, workflowConfig: { schedule: 'cron(0 3 * * ? *)' } },
      ],
    },
    {
      serviceConfig: { name: 'shop-segments', recipeArn: AFFINITY },
      batchSegmentJobs: [{ serviceConfig: {}, workflowConfig: { schedule: 'cron(0 4 * * ? *)' } }],
    },
    // A schedule whose solution no longer exists in Personalize.
    {
      serviceConfig: { name: 'shop-gone', recipeArn: UP },
      workflowConfig: { schedules: { full: 'cron(0 5 ? * 1 *)' } },
    },
  ],
};

function snapshot(overrides: Partial<GroupSnapshot> = {}): GroupSnapshot {
  return {
    datasetGroup: { name: 'shop', datasetGroupArn: ARN('dataset-group', 'shop'), status: 'ACTIVE' },
    datasets: [
      {
        dataset: { name: 'shop-items', datasetType: 'ITEMS', datasetArn: ARN('dataset', 'shop/ITEMS') },
        schema: { name: 'shop-items-schema', schema: ITEMS_SCHEMA },
      },
      {
        dataset: {
          name: 'shop-interactions',
          datasetType: 'INTERACTIONS',
          datasetArn: ARN('dataset', 'shop/INTERACTIONS'),
        },
        schema: { name: 'shop-interactions-schema', schema: INTERACTIONS_SCHEMA },
      },
    ],
    latestImport: {
      datasetImportJobArn: ARN('dataset-import-job', 'shop-items_2026_11_27_01_00_00'),
      importMode: 'INCREMENTAL',
      publishAttributionMetricsToS3: false,
    },
    eventTracker: { name: 'shop-tracker', eventTrackerArn: ARN('event-tracker', 'f00d') },
    filters: [
      {
        name: 'shop-no-buys',
        filterArn: ARN('filter', 'shop-no-buys'),
        filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
      },
    ],
    solutions: [personalization, affinity],
    recommenders: [],
    tags: new Map([
      [ARN('dataset-group', 'shop'), TAGS],
      [ARN('campaign', 'shop-up-live'), TAGS],
      [ARN('solution', 'shop-up/2'), TAGS],
    ]),
    schedules: schedulesOf(SCHEDULED),
    ...overrides,
  };
}

describe('jobBaseOf', () => {
  it('strips the generated timestamp suffix, and only that', () => {
    expect(jobBaseOf('shop-nightly_2026_11_28_03_00_00')).toBe('shop-nightly');
    expect(jobBaseOf('a_b_2026_11_28_03_00_00')).toBe('a_b');
    expect(jobBaseOf('shop-nightly')).toBeUndefined();
    expect(jobBaseOf('_2026_11_28_03_00_00')).toBeUndefined();
    expect(jobBaseOf('shop_2026_11_28_03_00')).toBeUndefined();
    expect(jobBaseOf(undefined)).toBeUndefined();
  });

  it('inverts timestampedName for every base a parameter file allows', () => {
    const base = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/).filter((s) => s.length <= MAX_JOB_BASE_NAME_LENGTH);
    const when = fc.date({ min: new Date('2000-01-01Z'), max: new Date('2199-12-31Z'), noInvalidDate: true });
    fc.assert(fc.property(base, when, (b, d) => jobBaseOf(timestampedName(b, d)) === b));
  });
});

describe('newestPerBase', () => {
  it('keeps the newest job of each base name, sorted by base, and names the jobs without one', () => {
    const { jobs, skipped } = newestPerBase(personalization.batchInferenceJobs);
    expect(jobs.map(({ base, job }) => [base, job.numResults])).toEqual([
      ['shop-nightly', 25],
      ['shop-weekly', 5],
    ]);
    expect(skipped).toEqual(['made-by-hand']);
  });

  it('is empty for no jobs', () => {
    expect(newestPerBase([])).toEqual({ jobs: [], skipped: [] });
  });
});

describe('parameterFileFrom', () => {
  const { file, notes } = parameterFileFrom(snapshot());

  it('builds a valid parameter file', () => {
    const result = validate(JSON.stringify(file));
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('writes the dataset group, datasets (schemas as objects, in type order) and import defaults', () => {
    expect(file.datasetGroup).toEqual({
      serviceConfig: { name: 'shop', tags: TAGS },
      workflowConfig: { schedules: { import: 'cron(0 1 * * ? *)' } },
    });
    expect(Object.keys(file.datasets)).toEqual(['serviceConfig', 'interactions', 'items']);
    expect(file.datasets.serviceConfig).toEqual({ importMode: 'INCREMENTAL', publishAttributionMetricsToS3: false });
    expect(file.datasets.items).toEqual({
      dataset: { serviceConfig: { name: 'shop-items' } },
      schema: { serviceConfig: { name: 'shop-items-schema', schema: JSON.parse(ITEMS_SCHEMA) } },
    });
    expect(file.eventTracker).toEqual({ serviceConfig: { name: 'shop-tracker' } });
    expect(file.filters).toEqual([
      {
        serviceConfig: {
          name: 'shop-no-buys',
          filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
        },
      },
    ]);
  });

  it('writes each solution without parent ARNs, with its version’s trainingMode, campaigns, jobs and schedules', () => {
    expect(file.solutions?.[0]).toEqual({
      serviceConfig: {
        name: 'shop-up',
        recipeArn: UP,
        performHPO: false,
        performAutoTraining: false,
        eventType: 'click',
        solutionConfig: { algorithmHyperParameters: { hidden_dimension: '32' } },
        solutionVersion: { trainingMode: 'UPDATE', tags: TAGS },
      },
      workflowConfig: { schedules: { full: 'cron(0 2 ? * 1 *)', update: 'rate(6 hours)' } },
      campaigns: [
        {
          serviceConfig: {
            name: 'shop-up-live',
            minProvisionedTPS: 3,
            campaignConfig: { itemExplorationConfig: { explorationWeight: '0.3' } },
            tags: TAGS,
          },
        },
      ],
      batchInferenceJobs: [
        {
          serviceConfig: { jobName: 'shop-nightly', numResults: 25, filterArn: ARN('filter', 'shop-no-buys') },
          workflowConfig: { schedule: 'cron(0 3 * * ? *)' },
        },
        { serviceConfig: { jobName: 'shop-weekly', numResults: 5 } },
      ],
    });
  });

  it('leaves out performAutoML, a trainingMode a file cannot take, and empty configs', () => {
    expect(file.solutions?.[1]).toEqual({
      serviceConfig: { name: 'shop-segments', recipeArn: AFFINITY },
      batchSegmentJobs: [
        {
          serviceConfig: { jobName: 'shop-segments', numResults: 100 },
          workflowConfig: { schedule: 'cron(0 4 * * ? *)' },
        },
      ],
    });
  });

  it('notes what it left out', () => {
    expect(notes).toEqual([
      'batch job made-by-hand of shop-up: its name does not end in _YYYY_MM_DD_HH_MM_SS, so it has no base name; left out',
      'solution shop-segments: performAutoML is deprecated by Personalize; left out',
      'schedule shop.shop-gone.full: no solution shop-gone in shop; left out',
    ]);
  });

  it('writes the recommenders of a domain dataset group (the original crashed on them)', () => {
    const domain = parameterFileFrom(
      snapshot({
        datasetGroup: { name: 'shop', domain: 'ECOMMERCE' },
        datasets: [
          {
            dataset: { name: 'shop-interactions', datasetType: 'interactions' },
            schema: { name: 'shop-interactions-schema', schema: INTERACTIONS_SCHEMA, domain: 'ECOMMERCE' },
          },
        ],
        eventTracker: undefined,
        filters: [],
        solutions: [],
        recommenders: [
          {
            name: 'shop-for-you',
            recommenderArn: ARN('recommender', 'shop-for-you'),
            recipeArn: 'arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you',
            recommenderConfig: { minRecommendationRequestsPerSecond: 2 },
            datasetGroupArn: ARN('dataset-group', 'shop'),
            status: 'ACTIVE',
          },
        ],
        tags: new Map([[ARN('recommender', 'shop-for-you'), TAGS]]),
        schedules: [],
      }),
    );
    expect(domain.file).toEqual({
      datasetGroup: { serviceConfig: { name: 'shop', domain: 'ECOMMERCE' } },
      datasets: {
        serviceConfig: { importMode: 'INCREMENTAL', publishAttributionMetricsToS3: false },
        interactions: {
          dataset: { serviceConfig: { name: 'shop-interactions' } },
          schema: {
            serviceConfig: {
              name: 'shop-interactions-schema',
              schema: JSON.parse(INTERACTIONS_SCHEMA),
              domain: 'ECOMMERCE',
            },
          },
        },
      },
      recommenders: [
        {
          serviceConfig: {
            name: 'shop-for-you',
            recipeArn: 'arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you',
            recommenderConfig: { minRecommendationRequestsPerSecond: 2 },
            tags: TAGS,
          },
        },
      ],
    });
    expect(validate(JSON.stringify(domain.file)).errors).toEqual([]);
  });

  it('ignores other dataset groups’ schedules and notes paused, non-UTC and unreadable ones', () => {
    const [importSchedule] = schedulesOf(SCHEDULED);
    const other = schedulesOf({ ...SCHEDULED, datasetGroup: { serviceConfig: { name: 'shop2' } } }, 'shop2');
    const built = parameterFileFrom(
      snapshot({
        schedules: [
          { ...importSchedule, State: 'DISABLED', ScheduleExpressionTimezone: 'Europe/Paris' },
          ...other,
          {
            Name: 'shop.import-legacy',
            Target: { Arn: TARGET.queueArn, RoleArn: TARGET.roleArn, Input: '{"datasetGroup":"shop"}' },
          },
        ],
      }),
    );
    expect(built.file.datasetGroup.workflowConfig).toEqual({ schedules: { import: 'cron(0 1 * * ? *)' } });
    expect(built.file.solutions?.[0]?.workflowConfig).toBeUndefined();
    expect(built.notes.slice(-3)).toEqual([
      'schedule shop.import is paused; it stays paused after an upload',
      'schedule shop.import runs in Europe/Paris; a run of this file sets it to UTC',
      'schedule shop.import-legacy: its target is not a run request mpx can read; left out',
    ]);
  });

  it('leaves out a dataset type a parameter file cannot hold, and is invalid without interactions', () => {
    const built = parameterFileFrom(
      snapshot({ datasets: [{ dataset: { name: 'odd', datasetType: 'SOMETHING' } }], schedules: [] }),
    );
    expect(built.notes[0]).toBe('dataset odd: type SOMETHING is not one a parameter file holds; left out');
    expect(validate(JSON.stringify(built.file)).errors).toContainEqual({
      path: 'datasets.interactions',
      message: 'is required',
    });
  });
});

describe('schedule options', () => {
  const { file } = parameterFileFrom(snapshot());

  it('parses <solution>@<expression>, the expression keeping its own @ and spaces', () => {
    expect(parseSolutionSchedule('--full-schedule', 'shop-up@cron(0 2 ? * MON *)')).toEqual({
      solution: 'shop-up',
      expression: 'cron(0 2 ? * MON *)',
    });
    expect(parseSolutionSchedule('--full-schedule', 'shop-up@delete')).toEqual({
      solution: 'shop-up',
      expression: 'delete',
    });
  });

  it.each([
    ['cron(0 2 ? * 1 *)', /expected <solution>@<expression>/],
    ['@cron(0 2 ? * 1 *)', /expected <solution>@<expression>/],
    ['shop-up@cron(0 2 * *)', /has 4 field\(s\)/],
    ['shop-up@at(2026-12-01T00:00:00)', /fires once/],
  ])('refuses %s with exit 2', (value, message) => {
    let error: unknown;
    try {
      parseSolutionSchedule('--full-schedule', value);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).exitCode).toBe(2);
    expect((error as CommandError).message).toMatch(message);
  });

  it('sets the import, full and update schedules over what was read, without changing the input', () => {
    const out = applyScheduleOverrides(file, {
      import: 'delete',
      full: [{ solution: 'shop-segments', expression: 'cron(0 9 ? * 1 *)' }],
      update: [{ solution: 'shop-up', expression: 'rate(1 hour)' }],
    });
    expect(out.datasetGroup.workflowConfig?.schedules).toEqual({ import: 'delete' });
    expect(out.solutions?.[0]?.workflowConfig?.schedules).toEqual({
      full: 'cron(0 2 ? * 1 *)',
      update: 'rate(1 hour)',
    });
    expect(out.solutions?.[1]?.workflowConfig?.schedules).toEqual({ full: 'cron(0 9 ? * 1 *)' });
    expect(file.datasetGroup.workflowConfig?.schedules).toEqual({ import: 'cron(0 1 * * ? *)' });
    expect(validate(JSON.stringify(out)).ok).toBe(true);
  });

  it('refuses a solution the dataset group does not have, naming the ones it has', () => {
    expect(() =>
      applyScheduleOverrides(file, { full: [], update: [{ solution: 'nope', expression: 'rate(1 day)' }] }),
    ).toThrow('--update-schedule nope@rate(1 day): no such solution in shop (its solutions: shop-up, shop-segments)');
  });

  it('refuses an invalid --import-schedule', () => {
    expect(() => applyScheduleOverrides(file, { import: 'rate(0 days)', full: [], update: [] })).toThrow(
      /--import-schedule: rate expression "rate\(0 days\)" needs a value of at least 1/,
    );
  });
});

describe('helpers', () => {
  it('uploadKey defaults to train/<dataset group>/config.json', () => {
    expect(uploadKey('', 'shop')).toBe('train/shop/config.json');
    expect(uploadKey('/train/shop/v2.json', 'shop')).toBe('train/shop/v2.json');
  });

  it('scopeOfArn reads the account and region of a stack output ARN', () => {
    expect(scopeOfArn('arn:aws:events:eu-west-1:123456789012:event-bus/mpx-dev')).toEqual({
      region: 'eu-west-1',
      account: '123456789012',
    });
    expect(scopeOfArn('arn:aws:iam::123456789012:role/x')).toBeUndefined();
    expect(scopeOfArn('mpx-dev')).toBeUndefined();
  });

  it('deadLetterArnOf reads a queue’s RedrivePolicy', () => {
    expect(deadLetterArnOf('{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:dlq","maxReceiveCount":5}')).toBe(
      'arn:aws:sqs:us-east-1:1:dlq',
    );
    expect(deadLetterArnOf(undefined)).toBeUndefined();
    expect(deadLetterArnOf('not json')).toBeUndefined();
  });
});
