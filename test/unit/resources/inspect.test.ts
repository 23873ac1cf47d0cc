import {
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeFilterCommand,
  DescribeSchemaCommand,
  DescribeSolutionCommand,
  GetSolutionMetricsCommand,
  ListBatchInferenceJobsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListSolutionVersionsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import {
  GetScheduleCommand,
  type GetScheduleOutput,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ParameterFile } from '../../../shared/config/types.js';
import { validate } from '../../../shared/config/validate.js';
import {
  actionOfOutcome,
  blockingDependency,
  countActions,
  type InspectDeps,
  inspectPlan,
  isReadOnlyCommand,
  NotReadOnlyError,
  nothingToDo,
  type PlanPreview,
  readOnly,
  type ScheduleChanges,
  type StepPreview,
  scheduleChangeNames,
} from '../../../shared/resources/inspect.js';
import { configuredSchedules } from '../../../shared/schedules/from-config.js';
import { desiredSchedules, type RunsQueueTarget, scheduleRequest } from '../../../shared/schedules/reconcile.js';
import { done, failed, pending } from '../../../shared/workflow/outcome.js';
import { planRun } from '../../../shared/workflow/plan.js';
import { arnOf, DATASET_GROUP_ARN, personalize, ROLE_ARN, SCOPE } from './factories.js';

/**
 * `mpx plan`'s preview of a run (shared/resources/inspect.ts) against a mocked
 * Personalize and Scheduler: what matches is re-used, what differs is an
 * update or drift as the drivers decide, the freshness rules chain imports to
 * trainings to campaigns and batch jobs, and only Describe/List/Get are sent.
 */

const scheduler = mockClient(SchedulerClient);

const UP = 'arn:aws:personalize:::recipe/aws-user-personalization';
const AVRO = {
  type: 'record',
  name: 'Interactions',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
    { name: 'EVENT_TYPE', type: 'string' },
  ],
  version: '1.0',
};
const EXPRESSION = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")';
const NOW = new Date('2026-11-28T12:00:00Z');
const DATA_WRITTEN = '2026-11-27T00:00:00.000Z';
const at = (iso: string) => new Date(iso);

const DATASET_ARN = arnOf('dataset', 'shop/INTERACTIONS');
const SCHEMA_ARN = arnOf('schema', 'shop-interactions-schema');
const V0 = arnOf('solution', 'shop-up/00000000');
const V1 = arnOf('solution', 'shop-up/11111111');
const CAMPAIGN_ARN = arnOf('campaign', 'shop-up-live');
const IMPORT_ARN = arnOf('dataset-import-job', 'shop-interactions_2026_11_27_01_00_00');
const JOB_ARN = arnOf('batch-inference-job', 'shop-nightly_2026_11_28_03_00_00');
const TARGET: RunsQueueTarget = {
  queueArn: 'arn:aws:sqs:us-east-1:123456789012:mpx-dev-runs',
  roleArn: 'arn:aws:iam::123456789012:role/mpx-scheduler',
  deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:mpx-dev-runs-dlq',
};
const GROUP = 'mpx-dev';

// biome-ignore lint/suspicious/noExplicitAny: a test edits arbitrary parts of the file
type Json = Record<string, any>;

function configOf(edit: (file: Json) => void = () => undefined): ParameterFile {
  const file: Json = {
    datasetGroup: { serviceConfig: { name: 'shop' }, workflowConfig: { schedules: { import: 'cron(0 1 * * ? *)' } } },
    datasets: {
      interactions: {
        dataset: { serviceConfig: { name: 'shop-interactions' } },
        schema: { serviceConfig: { name: 'shop-interactions-schema', schema: AVRO } },
      },
    },
    eventTracker: { serviceConfig: { name: 'shop-tracker' } },
    filters: [{ serviceConfig: { name: 'shop-no-buys', filterExpression: EXPRESSION } }],
    solutions: [
      {
        serviceConfig: { name: 'shop-up', recipeArn: UP },
        campaigns: [{ serviceConfig: { name: 'shop-up-live' } }],
        batchInferenceJobs: [
          { serviceConfig: { jobName: 'shop-nightly', numResults: 25 }, workflowConfig: { maxAge: '1 day' } },
        ],
      },
    ],
  };
  edit(file);
  const result = validate(JSON.stringify(file));
  if (!result.config) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const planOf = (config: ParameterFile, modified = DATA_WRITTEN) =>
  planRun(config, { interactions: 's3://mpx-data/train/shop/interactions.csv' }, 'mpx-data', {
    dataModifiedAt: { interactions: modified },
  });

const deps = (): InspectDeps => ({
  personalize: new PersonalizeClient({ region: SCOPE.region }),
  scope: SCOPE,
  personalizeRoleArn: ROLE_ARN,
  now: NOW,
  schedules: { scheduler: new SchedulerClient({ region: SCOPE.region }), groupName: GROUP, target: TARGET },
});

/** The schedule reconciling `config` would create, as GetSchedule returns it once it exists. */
function existingSchedules(config: ParameterFile) {
  return desiredSchedules('shop', configuredSchedules(config)).map((desired) =>
    scheduleRequest(GROUP, desired, TARGET),
  );
}

function givenSchedules(schedules: readonly GetScheduleOutput[]) {
  scheduler.on(ListSchedulesCommand).resolves({
    Schedules: schedules.map((s) => ({ Name: s.Name, GroupName: GROUP })),
  });
  for (const schedule of schedules) scheduler.on(GetScheduleCommand, { Name: schedule.Name }).resolves(schedule);
}

/** Everything the file wants exists, ACTIVE and matching; the import, version and job are fresh. */
function givenEverythingMatches(): void {
  personalize.reset();
  scheduler.reset();
  personalize.on(DescribeDatasetGroupCommand).resolves({
    datasetGroup: { name: 'shop', datasetGroupArn: DATASET_GROUP_ARN, status: 'ACTIVE' },
  });
  personalize.on(DescribeSchemaCommand).resolves({
    schema: { name: 'shop-interactions-schema', schemaArn: SCHEMA_ARN, schema: JSON.stringify(AVRO) },
  });
  personalize
    .on(ListDatasetsCommand)
    .resolves({ datasets: [{ datasetArn: DATASET_ARN, datasetType: 'INTERACTIONS' }] });
  personalize.on(DescribeDatasetCommand).resolves({
    dataset: { datasetArn: DATASET_ARN, name: 'shop-interactions', schemaArn: SCHEMA_ARN, status: 'ACTIVE' },
  });
  personalize.on(ListDatasetImportJobsCommand).resolves({
    datasetImportJobs: [
      {
        datasetImportJobArn: IMPORT_ARN,
        jobName: 'shop-interactions_2026_11_27_01_00_00',
        status: 'ACTIVE',
        creationDateTime: at('2026-11-27T01:00:00Z'),
      },
    ],
  });
  personalize.on(ListEventTrackersCommand).resolves({
    eventTrackers: [{ name: 'shop-tracker', eventTrackerArn: arnOf('event-tracker', 'f00d'), status: 'ACTIVE' }],
  });
  personalize.on(DescribeFilterCommand).resolves({
    filter: {
      name: 'shop-no-buys',
      filterExpression: EXPRESSION,
      datasetGroupArn: DATASET_GROUP_ARN,
      status: 'ACTIVE',
    },
  });
  personalize.on(DescribeSolutionCommand).resolves({
    solution: { name: 'shop-up', recipeArn: UP, datasetGroupArn: DATASET_GROUP_ARN, status: 'ACTIVE' },
  });
  personalize.on(ListSolutionVersionsCommand).resolves({
    solutionVersions: [
      { solutionVersionArn: V1, status: 'ACTIVE', creationDateTime: at('2026-11-27T02:00:00Z') },
      { solutionVersionArn: V0, status: 'ACTIVE', creationDateTime: at('2026-11-20T02:00:00Z') },
    ],
  });
  personalize.on(DescribeCampaignCommand).resolves({
    campaign: {
      campaignArn: CAMPAIGN_ARN,
      name: 'shop-up-live',
      status: 'ACTIVE',
      solutionVersionArn: V1,
      minProvisionedTPS: 1,
      campaignConfig: { enableMetadataWithRecommendations: false },
    },
  });
  personalize.on(ListBatchInferenceJobsCommand).resolves({
    batchInferenceJobs: [
      {
        batchInferenceJobArn: JOB_ARN,
        jobName: 'shop-nightly_2026_11_28_03_00_00',
        status: 'ACTIVE',
        creationDateTime: at('2026-11-28T03:00:00Z'),
      },
    ],
  });
  givenSchedules(existingSchedules(configOf()));
}

const actions = (preview: PlanPreview) => Object.fromEntries(preview.steps.map((s) => [s.stepId, s.action]));
const stepOf = (preview: PlanPreview, stepId: string) => preview.steps.find((s) => s.stepId === stepId);
const sentNames = () => [
  ...personalize.calls().map((call) => call.args[0].constructor.name),
  ...scheduler.calls().map((call) => call.args[0].constructor.name),
];

describe('inspectPlan', () => {
  beforeEach(givenEverythingMatches);

  it('re-uses everything that exists and matches, and sends only Describe, List and Get', async () => {
    const preview = await inspectPlan(planOf(configOf()), deps());
    expect(actions(preview)).toEqual({
      datasetGroup: 'reuse',
      'schema:interactions': 'reuse',
      'dataset:interactions': 'reuse',
      'datasetImportJob:interactions': 'reuse import',
      eventTracker: 'reuse',
      'filter:shop-no-buys': 'reuse',
      'solution:shop-up': 'reuse',
      'solutionVersion:shop-up': 'reuse version',
      'campaign:shop-up-live': 'reuse',
      'batchInferenceJob:shop-nightly': 'reuse batch job',
      schedules: 'unchanged',
    });
    expect(preview.schedules).toEqual({ create: [], update: [], delete: [], unchanged: ['shop.import'] });
    expect(preview.datasetGroup).toBe('shop');
    expect(nothingToDo(preview)).toBe(true);
    expect(stepOf(preview, 'solutionVersion:shop-up')?.detail).toBe(
      `${V1}: no new data since this version and it is within maxAge`,
    );
    expect(sentNames().every(isReadOnlyCommand)).toBe(true);
    expect(sentNames()).toContain('GetScheduleCommand');
  });

  it('chains newer data: re-import, retrain, campaign update to the new version, batch job on it', async () => {
    const preview = await inspectPlan(planOf(configOf(), '2026-11-28T06:00:00.000Z'), deps());
    expect(preview.steps.filter((s) => !['reuse', 'unchanged'].includes(s.action))).toEqual([
      {
        stepId: 'datasetImportJob:interactions',
        kind: 'datasetImportJob',
        name: 'interactions',
        action: 're-import',
        detail:
          's3://mpx-data/train/shop/interactions.csv was written at 2026-11-28T06:00:00.000Z, after the latest ACTIVE import (2026-11-27T01:00:00.000Z)',
      },
      {
        stepId: 'solutionVersion:shop-up',
        kind: 'solutionVersion',
        name: 'shop-up',
        action: 'retrain',
        detail: 'FULL training: new data was imported since the latest version',
      },
      {
        stepId: 'campaign:shop-up-live',
        kind: 'campaign',
        name: 'shop-up-live',
        action: 'update',
        detail: `solutionVersionArn: expected "(new version of shop-up)", found "${V1}"`,
      },
      {
        stepId: 'batchInferenceJob:shop-nightly',
        kind: 'batchInferenceJob',
        name: 'shop-nightly',
        action: 'run batch job',
        detail: 'on (new version of shop-up)',
      },
    ]);
    expect(nothingToDo(preview)).toBe(false);
  });

  it('retrains a version older than the solution’s maxAge, even without new data', async () => {
    const config = configOf((file) => {
      file.solutions[0].workflowConfig = { maxAge: '12 hours' };
    });
    const preview = await inspectPlan(planOf(config), deps());
    expect(stepOf(preview, 'solutionVersion:shop-up')).toMatchObject({
      action: 'retrain',
      detail: 'FULL training: the latest version is older than maxAge',
    });
  });

  it('runs a batch job whose last run is older than its maxAge', async () => {
    personalize.on(ListBatchInferenceJobsCommand).resolves({
      batchInferenceJobs: [
        {
          batchInferenceJobArn: JOB_ARN,
          jobName: 'shop-nightly_2026_11_26_03_00_00',
          status: 'ACTIVE',
          creationDateTime: at('2026-11-26T03:00:00Z'),
        },
        { jobName: 'shop-other_2026_11_28_03_00_00', status: 'ACTIVE', creationDateTime: at('2026-11-28T03:00:00Z') },
      ],
    });
    const preview = await inspectPlan(planOf(configOf()), deps());
    expect(stepOf(preview, 'batchInferenceJob:shop-nightly')).toMatchObject({
      action: 'run batch job',
      detail: `the ACTIVE shop-nightly jobs on ${V1} are older than maxAge`,
    });
  });

  it('reports a changed filter expression as drift (the run fails it), and the schedules step as skipped', async () => {
    personalize.on(DescribeFilterCommand).resolves({
      filter: { name: 'shop-no-buys', filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("view")' },
    });
    const preview = await inspectPlan(planOf(configOf()), deps());
    expect(stepOf(preview, 'filter:shop-no-buys')).toEqual({
      stepId: 'filter:shop-no-buys',
      kind: 'filter',
      name: 'shop-no-buys',
      action: 'drift',
      detail:
        'filterExpression: expected "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN (\\"purchase\\")", found "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN (\\"view\\")"',
    });
    expect(stepOf(preview, 'schedules')).toMatchObject({
      action: 'skip',
      detail: 'filter:shop-no-buys would fail, so a run leaves the schedules as they are',
    });
  });

  it('fails a same-named solution of another dataset group and skips what depends on it', async () => {
    personalize.on(DescribeSolutionCommand).resolves({
      solution: { name: 'shop-up', recipeArn: UP, datasetGroupArn: arnOf('dataset-group', 'other'), status: 'ACTIVE' },
    });
    const preview = await inspectPlan(planOf(configOf()), deps());
    expect(stepOf(preview, 'solution:shop-up')?.action).toBe('fail');
    expect(stepOf(preview, 'solution:shop-up')?.detail).toMatch(/already exists in another dataset group/);
    for (const id of ['solutionVersion:shop-up', 'campaign:shop-up-live', 'batchInferenceJob:shop-nightly']) {
      expect(stepOf(preview, id), id).toMatchObject({
        action: 'skip',
        detail: 'solution:shop-up would fail, so a run skips it',
      });
    }
    expect(sentNames()).not.toContain('ListSolutionVersionsCommand');
  });

  it('creates everything for a dataset group that does not exist, without listing inside it', async () => {
    personalize.reset();
    personalize.rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }));
    givenSchedules([]);
    const preview = await inspectPlan(planOf(configOf()), deps());
    expect(new Set(preview.steps.filter((s) => s.kind !== 'schedules').map((s) => s.action))).toEqual(
      new Set(['create', 'run batch job']),
    );
    expect(stepOf(preview, 'solutionVersion:shop-up')?.detail).toBe('FULL training of a first version');
    expect(preview.schedules.create).toEqual(['shop.import']);
    expect(stepOf(preview, 'schedules')).toMatchObject({ action: 'update', detail: 'create shop.import' });
    expect(sentNames().filter((name) => name.startsWith('List') && name !== 'ListSchedulesCommand')).toEqual([]);
  });

  it('waits for a campaign update in progress', async () => {
    personalize.on(DescribeCampaignCommand).resolves({
      campaign: {
        campaignArn: CAMPAIGN_ARN,
        status: 'ACTIVE',
        solutionVersionArn: V0,
        minProvisionedTPS: 1,
        latestCampaignUpdate: { status: 'UPDATE IN_PROGRESS', solutionVersionArn: V1 },
      },
    });
    const preview = await inspectPlan(planOf(configOf()), deps());
    expect(stepOf(preview, 'campaign:shop-up-live')).toMatchObject({
      action: 'wait',
      detail: 'UPDATE IN_PROGRESS: a run waits for it',
    });
    expect(nothingToDo(preview)).toBe(false);
  });

  describe('the promotion gate, when the version is decided', () => {
    const gated = () =>
      configOf((file) => {
        file.solutions[0].workflowConfig = {
          promotion: { metric: 'normalized_discounted_cumulative_gain_at_10', minRatio: 1.1 },
        };
      });
    const metric = (arn: string, value: number) =>
      personalize
        .on(GetSolutionMetricsCommand, { solutionVersionArn: arn })
        .resolves({ metrics: { normalized_discounted_cumulative_gain_at_10: value } });

    beforeEach(() => {
      // The campaign still serves V0; the latest ACTIVE version (re-used) is V1.
      personalize.on(DescribeCampaignCommand).resolves({
        campaign: { campaignArn: CAMPAIGN_ARN, status: 'ACTIVE', solutionVersionArn: V0, minProvisionedTPS: 1 },
      });
      metric(V0, 0.2);
    });

    it('reports the campaign kept on its version when the candidate falls short', async () => {
      metric(V1, 0.21);
      const preview = await inspectPlan(planOf(gated()), deps());
      expect(stepOf(preview, 'campaign:shop-up-live')).toMatchObject({
        action: 'reuse',
        detail: `held ${V1}, the campaign stays on ${V0}: normalized_discounted_cumulative_gain_at_10 0.2100 vs 0.2000 × 1.1 = 0.2200`,
      });
    });

    it('reports the update with the verdict when the candidate passes', async () => {
      metric(V1, 0.3);
      const preview = await inspectPlan(planOf(gated()), deps());
      expect(stepOf(preview, 'campaign:shop-up-live')).toMatchObject({
        action: 'update',
        detail: `solutionVersionArn: expected "${V1}", found "${V0}"; promoted ${V1}: normalized_discounted_cumulative_gain_at_10 0.3000 vs 0.2000 × 1.1 = 0.2200`,
      });
    });

    it('says the gate decides after training when the version is new', async () => {
      const preview = await inspectPlan(planOf(gated(), '2026-11-28T06:00:00.000Z'), deps());
      expect(stepOf(preview, 'campaign:shop-up-live')).toMatchObject({
        action: 'update',
        detail: `solutionVersionArn: expected "(new version of shop-up)", found "${V0}"; the promotion gate decides after training: the new version needs normalized_discounted_cumulative_gain_at_10 ≥ 1.1 × 0.2000`,
      });
    });
  });

  describe('schedules', () => {
    it('deletes the group’s schedules the file no longer has, and updates changed ones', async () => {
      const current = existingSchedules(
        configOf((file) => {
          file.datasetGroup.workflowConfig.schedules.import = 'cron(0 5 * * ? *)';
          file.solutions[0].workflowConfig = { schedules: { full: 'cron(0 2 ? * 1 *)' } };
        }),
      );
      givenSchedules(current);
      const preview = await inspectPlan(planOf(configOf()), deps());
      expect(preview.schedules).toEqual({
        create: [],
        update: ['shop.import'],
        delete: ['shop.shop-up.full'],
        unchanged: [],
      });
      expect(stepOf(preview, 'schedules')).toMatchObject({
        action: 'update',
        detail: 'update shop.import (ScheduleExpression); delete shop.shop-up.full',
      });
    });

    it('fails the schedules step when a schedule name is another dataset group’s', async () => {
      const own = existingSchedules(configOf())[0] as ReturnType<typeof existingSchedules>[number];
      const foreignInput = JSON.stringify({ ...JSON.parse(own.Target.Input), datasetGroup: 'other' });
      givenSchedules([{ ...own, Target: { ...own.Target, Input: foreignInput } }]);
      const preview = await inspectPlan(planOf(configOf()), deps());
      expect(stepOf(preview, 'schedules')).toMatchObject({
        action: 'fail',
        detail: `schedule shop.import in group ${GROUP} belongs to dataset group other, not shop`,
      });
      expect(preview.schedules).toEqual({ create: [], update: [], delete: [], unchanged: [] });
    });
  });
});

describe('readOnly', () => {
  /** A client (not mocked in this file) whose requests end before the network, answering `{}`. */
  function offline(): SQSClient {
    const client = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    client.middlewareStack.add(() => async () => ({ output: { $metadata: {} }, response: {} }) as never, {
      step: 'finalizeRequest',
      name: 'offline',
    });
    return client;
  }

  it('refuses a write before it is sent, and lets reads through', async () => {
    const client = readOnly(offline(), 'SQS');
    const QueueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/q';
    await expect(client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }))).rejects.toThrow(
      new NotReadOnlyError('mpx plan only reads: it refused to send SQS SendMessageCommand'),
    );
    await expect(client.send(new GetQueueAttributesCommand({ QueueUrl }))).resolves.toMatchObject({ $metadata: {} });
  });

  it.each([
    ['DescribeCampaignCommand', true],
    ['ListSchedulesCommand', true],
    ['GetSolutionMetricsCommand', true],
    ['HeadObjectCommand', true],
    ['ListObjectsV2Command', true],
    ['CreateCampaignCommand', false],
    ['UpdateCampaignCommand', false],
    ['DeleteScheduleCommand', false],
    ['PutObjectCommand', false],
    ['Describe', false],
    [undefined, false],
  ])('%s reads only: %s', (name, expected) => {
    expect(isReadOnlyCommand(name)).toBe(expected);
  });
});

describe('pure helpers', () => {
  const none: ScheduleChanges = { create: [], update: [], delete: [], unchanged: [] };
  const preview = (steps: Partial<StepPreview>[], schedules: ScheduleChanges = none) => ({
    steps: steps.map((s, i) => ({
      stepId: `s${i}`,
      kind: 'filter' as const,
      name: `s${i}`,
      action: 'reuse' as const,
      ...s,
    })),
    schedules,
  });

  it('nothingToDo: only re-use and unchanged, and no schedule change', () => {
    expect(
      nothingToDo(preview([{ action: 'reuse import' }, { action: 'reuse version' }, { action: 'unchanged' }])),
    ).toBe(true);
    expect(nothingToDo(preview([{ action: 'wait' }]))).toBe(false);
    expect(nothingToDo(preview([{ action: 'reuse' }], { create: [], update: [], delete: ['x'], unchanged: [] }))).toBe(
      false,
    );
  });

  it('countActions counts in first-seen order', () => {
    expect(countActions(preview([{ action: 'create' }, { action: 'reuse' }, { action: 'create' }]).steps)).toEqual([
      ['create', 2],
      ['reuse', 1],
    ]);
  });

  it('actionOfOutcome maps done, pending and failed', () => {
    expect(actionOfOutcome(done('arn:x'))).toEqual({ action: 'reuse', arn: 'arn:x' });
    expect(actionOfOutcome(pending('CREATE IN_PROGRESS', 'arn:x'))).toEqual({
      action: 'wait',
      arn: 'arn:x',
      detail: 'CREATE IN_PROGRESS: a run waits for it',
    });
    expect(actionOfOutcome(failed('it broke'))).toEqual({ action: 'fail', detail: 'it broke' });
  });

  it('blockingDependency finds a dependency that would fail or be skipped', () => {
    const facts = new Map([
      ['a', { action: 'reuse' as const }],
      ['b', { action: 'skip' as const }],
    ]);
    expect(blockingDependency({ dependsOn: ['a'] }, facts)).toBeUndefined();
    expect(blockingDependency({ dependsOn: ['a', 'b'] }, facts)).toBe('b');
  });

  it('scheduleChangeNames lists names by change', () => {
    const [request] = existingSchedules(configOf());
    const plan = {
      create: [request as NonNullable<typeof request>],
      update: [{ request: { ...(request as NonNullable<typeof request>), State: 'ENABLED' as const }, changes: ['X'] }],
      delete: ['gone'],
      unchanged: ['same'],
    };
    expect(scheduleChangeNames(plan)).toEqual({
      create: ['shop.import'],
      update: ['shop.import'],
      delete: ['gone'],
      unchanged: ['same'],
    });
  });
});
