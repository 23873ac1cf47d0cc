import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeCampaignCommand,
  ListBatchInferenceJobsCommand,
  ListCampaignsCommand,
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ListFiltersCommand,
  ListSolutionVersionsCommand,
} from '@aws-sdk/client-personalize';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { validate } from '../../shared/config/validate.js';
import { listRuns, readRun } from '../../shared/state/runs.js';
import { ecommerceUpload } from '../support/domain.js';
import {
  type GeneratedUpload,
  type PipelineHarness,
  retailUpload,
  startPipeline,
  uploadAll,
} from '../support/pipeline.js';

/**
 * `mpx import-dataset-group` and `mpx plan` on the local cloud with mpx's
 * stack: resources made by a real upload and run are exported to a parameter
 * file that validates and plans to "nothing to do" (the round trip), changed
 * files plan to the right actions, a plan changes nothing, and the errors exit
 * with their codes. Every command goes through the real command line (main),
 * as a user types it; the exported domain group also answers `mpx recommend
 * --recommender`.
 */

type Step = { stepId: string; kind: string; name: string; action: string; detail?: string };
type Plan = {
  datasetGroup: string;
  steps: Step[];
  schedules: { create: string[]; update: string[]; delete: string[]; unchanged: string[] };
};
// biome-ignore lint/suspicious/noExplicitAny: the tests navigate and edit parsed parameter files
type Json = Record<string, any>;

let h: PipelineHarness;
let dir: string;
const group = 'pi-shop';
const domainGroup = 'pi-ecomm';
const personalization = `${group}-personalization`;
let upload: GeneratedUpload;

interface Result {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

/** Runs `mpx ...args` with the environment pointed at the local cloud (so the stage defaults to local). */
async function mpx(...args: string[]): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: h.cloud.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  try {
    const code = await main(['node', 'mpx', ...args], { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out, err };
  } finally {
    process.env = saved;
  }
}

interface ExportFlags {
  readonly importSchedule?: string;
  /** One --full-schedule per entry (the option is repeatable). */
  readonly fullSchedule?: readonly string[];
  readonly updateSchedule?: readonly string[];
  /** Upload instead of printing (--dry-run is the default here). */
  readonly upload?: boolean;
  readonly stage?: string;
}

const repeated = (flag: string, values: readonly string[] = []) => values.flatMap((value) => [flag, value]);

/** `mpx import-dataset-group --dataset-group <name> [flags]`, --dry-run unless `upload`. */
const exportGroup = (datasetGroup: string, flags: ExportFlags = {}) =>
  mpx(
    'import-dataset-group',
    '--dataset-group',
    datasetGroup,
    ...(flags.importSchedule === undefined ? [] : ['--import-schedule', flags.importSchedule]),
    ...repeated('--full-schedule', flags.fullSchedule),
    ...repeated('--update-schedule', flags.updateSchedule),
    ...(flags.upload ? [] : ['--dry-run']),
    ...(flags.stage === undefined ? [] : ['--stage', flags.stage]),
  );

let fileCount = 0;
async function writeConfig(config: unknown): Promise<string> {
  fileCount += 1;
  const file = join(dir, `config-${fileCount}.json`);
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return file;
}

async function plan(config: unknown, stage = 'local'): Promise<{ code: number; plan: Plan; err: string[] }> {
  const file = await writeConfig(config);
  const result = await mpx('plan', file, '--json', '--stage', stage);
  return { code: result.code, plan: JSON.parse(result.out[0] ?? 'null') as Plan, err: result.err };
}

const step = (p: Plan, stepId: string) => p.steps.find((s) => s.stepId === stepId) as Step;
const actions = (p: Plan) => Object.fromEntries(p.steps.map((s) => [s.stepId, s.action]));
const NOTHING = new Set(['reuse', 'reuse import', 'reuse version', 'reuse batch job', 'unchanged']);

beforeAll(async () => {
  h = await startPipeline();
  dir = await mkdtemp(join(tmpdir(), 'mpx-plan-import-'));
  // Every resource kind of a custom dataset group, with two batch inference jobs of one solution (two base names).
  upload = await retailUpload(group);
  const config = upload.config as Json;
  config.solutions[0].batchInferenceJobs.push({
    serviceConfig: { jobName: `${group}-weekly`, numResults: 5 },
    workflowConfig: { schedule: 'cron(0 6 ? * 2 *)' },
  });
  const files = { ...upload.files };
  delete files[`batch/${group}/${personalization}/job_config.json`];
  for (const job of [`${group}-nightly`, `${group}-weekly`])
    files[`batch/${group}/${personalization}/${job}/job_config.json`] = Buffer.from('{"userId":"u1"}\n');
  upload = { ...upload, files };
  const domain = ecommerceUpload(domainGroup);
  // Tags on a recommender, so the export of tags is exercised too.
  (domain.config as Json).recommenders[0].serviceConfig.tags = [{ tagKey: 'team', tagValue: 'recs' }];
  await uploadAll(h, upload);
  await uploadAll(h, domain);
  for (const g of [group, domainGroup]) {
    const notification = await h.notificationFor(g);
    if (notification?.status !== 'UPDATE COMPLETE')
      throw new Error(`the run of ${g} failed: ${JSON.stringify(notification)}`);
  }
}, 240_000);

afterAll(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('import-dataset-group --dry-run', () => {
  let exported: { code: number; out: string[]; err: string[] };
  let file: Json;

  beforeAll(async () => {
    exported = await exportGroup(group);
    file = JSON.parse(exported.out.join('\n')) as Json;
  });

  it('prints a valid parameter file (JSON, 2-space) and uploads nothing', async () => {
    expect(exported.code, exported.err.join('\n')).toBe(0);
    expect(exported.out.join('\n')).toBe(JSON.stringify(file, null, 2));
    expect(validate(exported.out.join('\n'))).toMatchObject({ ok: true, errors: [] });
    const object = await h.cloud.clients.s3.send(
      new GetObjectCommand({ Bucket: h.bucket, Key: `train/${group}/config.json` }),
    );
    expect(await object.Body?.transformToString()).toBe(JSON.stringify(upload.config, null, 2));
  });

  it('exports datasets with parsed schemas, import defaults, the event tracker and filters', () => {
    const original = upload.config as Json;
    expect(file.datasetGroup).toEqual(original.datasetGroup);
    expect(file.datasets.serviceConfig).toEqual({ importMode: 'FULL', publishAttributionMetricsToS3: false });
    for (const kind of ['interactions', 'items', 'users']) expect(file.datasets[kind]).toEqual(original.datasets[kind]);
    expect(file.eventTracker).toEqual(original.eventTracker);
    expect(file.filters).toEqual(
      [...original.filters].sort((a: Json, b: Json) => (a.serviceConfig.name < b.serviceConfig.name ? -1 : 1)),
    );
  });

  it('exports solutions with their version’s trainingMode, campaigns, schedules and one entry per batch job base', () => {
    const solution = (name: string) => file.solutions.find((s: Json) => s.serviceConfig.name === name);
    expect(solution(personalization)).toEqual({
      serviceConfig: {
        name: personalization,
        recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
        performHPO: false,
        performAutoTraining: false,
        performIncrementalUpdate: false,
        solutionVersion: { trainingMode: 'FULL' },
      },
      workflowConfig: { schedules: { full: 'cron(0 2 ? * 1 *)' } },
      campaigns: [{ serviceConfig: { name: `${group}-personalization-campaign`, minProvisionedTPS: 1 } }],
      batchInferenceJobs: [
        {
          serviceConfig: { jobName: `${group}-nightly`, numResults: 25 },
          workflowConfig: { schedule: 'cron(0 3 * * ? *)' },
        },
        {
          serviceConfig: { jobName: `${group}-weekly`, numResults: 5 },
          workflowConfig: { schedule: 'cron(0 6 ? * 2 *)' },
        },
      ],
    });
    expect(solution(`${group}-affinity`).batchSegmentJobs).toEqual([
      { serviceConfig: { jobName: `${group}-affinity`, numResults: 10 } },
    ]);
    expect(solution(`${group}-related`).workflowConfig).toEqual({ schedules: { full: 'cron(0 4 ? * 1 *)' } });
    expect(file.solutions.map((s: Json) => s.serviceConfig.name)).toEqual([
      `${group}-affinity`,
      personalization,
      `${group}-popular`,
      `${group}-related`,
    ]);
  });

  it('round trip: the exported file plans to nothing to do', async () => {
    const { code, plan: p } = await plan(file);
    expect(code).toBe(0);
    expect(p.datasetGroup).toBe(group);
    expect(p.steps.filter((s) => !NOTHING.has(s.action))).toEqual([]);
    expect(p.schedules).toMatchObject({ create: [], update: [], delete: [] });
    expect(p.schedules.unchanged).toHaveLength(6);
    expect(step(p, `batchInferenceJob:${group}-weekly`).action).toBe('reuse batch job');
    expect(step(p, 'datasetImportJob:interactions').action).toBe('reuse import');

    const text = await mpx('plan', await writeConfig(file));
    expect(text.code).toBe(0);
    expect(text.out.at(-1)).toMatch(/^Summary: nothing to do/);
    expect(text.out[0]).toBe(`Plan for dataset group ${group} (data: s3://${h.bucket}/train/${group}/):`);
  });

  it('exports a domain dataset group with its recommenders (the original crashed on them)', async () => {
    const domain = await exportGroup(domainGroup);
    expect(domain.code, domain.err.join('\n')).toBe(0);
    const exportedDomain = JSON.parse(domain.out.join('\n')) as Json;
    expect(exportedDomain.datasetGroup.serviceConfig).toEqual({ name: domainGroup, domain: 'ECOMMERCE' });
    expect(exportedDomain.datasets.items.schema.serviceConfig.domain).toBe('ECOMMERCE');
    expect(exportedDomain.recommenders).toEqual([
      {
        serviceConfig: {
          name: `${domainGroup}-for-you`,
          recipeArn: 'arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you',
          recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
          tags: [{ tagKey: 'team', tagValue: 'recs' }],
        },
      },
      {
        serviceConfig: {
          name: `${domainGroup}-popular-views`,
          recipeArn: 'arn:aws:personalize:::recipe/aws-ecomm-popular-items-by-views',
          recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
        },
      },
    ]);
    const { plan: p } = await plan(exportedDomain);
    expect(p.steps.filter((s) => !NOTHING.has(s.action))).toEqual([]);

    exportedDomain.recommenders[1].serviceConfig.recommenderConfig.minRecommendationRequestsPerSecond = 3;
    const changed = await plan(exportedDomain);
    expect(step(changed.plan, `recommender:${domainGroup}-popular-views`)).toMatchObject({
      action: 'update',
      detail: 'recommenderConfig.minRecommendationRequestsPerSecond: expected 3, found 1',
    });
  });

  it('adds and overrides schedules from the command line', async () => {
    const result = await exportGroup(group, {
      importSchedule: 'cron(0 7 * * ? *)',
      fullSchedule: [`${group}-popular@delete`, `${group}-related@cron(0 5 ? * 1 *)`],
      updateSchedule: [`${personalization}@rate(6 hours)`],
    });
    expect(result.code, result.err.join('\n')).toBe(0);
    const overridden = JSON.parse(result.out.join('\n')) as Json;
    expect(overridden.datasetGroup.workflowConfig).toEqual({ schedules: { import: 'cron(0 7 * * ? *)' } });
    const solution = (name: string) => overridden.solutions.find((s: Json) => s.serviceConfig.name === name);
    expect(solution(`${group}-popular`).workflowConfig).toEqual({ schedules: { full: 'delete' } });
    // The second --full-schedule was collected too, not taken in place of the first.
    expect(solution(`${group}-related`).workflowConfig).toEqual({ schedules: { full: 'cron(0 5 ? * 1 *)' } });
    expect(solution(personalization).workflowConfig).toEqual({
      schedules: { full: 'cron(0 2 ? * 1 *)', update: 'rate(6 hours)' },
    });
    const { plan: p } = await plan(overridden);
    expect(p.schedules).toMatchObject({
      create: [`${group}.${personalization}.update`],
      delete: [`${group}.${group}-popular.full`],
    });
    expect([...p.schedules.update].sort()).toEqual([`${group}.import`, `${group}.${group}-related.full`]);
  });
});

describe('recommend --recommender', () => {
  const recommender = `${domainGroup}-for-you`;

  it('answers from a domain group’s recommender, by name', async () => {
    const result = await mpx('recommend', '--recommender', recommender, '--user', 'u7', '-n', '5', '--json');
    expect(result).toMatchObject({ code: 0, err: [] });
    const answer = JSON.parse(result.out[0] as string);
    expect(answer.recommenderArn).toBe(`arn:aws:personalize:us-east-1:000000000000:recommender/${recommender}`);
    expect(answer.userId).toBe('u7');
    expect(answer.items).toHaveLength(5);
    expect(answer.items.map((i: { rank: number }) => i.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(answer.items.every((i: { itemId: string }) => /^i\d+$/.test(i.itemId))).toBe(true);

    const text = await mpx('recommend', '--recommender', recommender, '--user', 'u7', '-n', '3');
    expect(text).toMatchObject({ code: 0, err: [] });
    expect(text.out.map((line) => line.split(/\s+/)[1])).toEqual(answer.items.slice(0, 3).map((i: Json) => i.itemId));
  });
});

describe('plan on a changed file', () => {
  let base: Json;
  let changed: Plan;

  beforeAll(async () => {
    base = JSON.parse((await exportGroup(group)).out.join('\n')) as Json;
    const file = structuredClone(base);
    file.filters.push({
      serviceConfig: {
        name: `${group}-viewed`,
        filterExpression: 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("view")',
      },
    });
    const notPurchased = file.filters.find((f: Json) => f.serviceConfig.name === `${group}-not-purchased`);
    notPurchased.serviceConfig.filterExpression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")';
    const personalizationSolution = file.solutions.find((s: Json) => s.serviceConfig.name === personalization);
    personalizationSolution.campaigns[0].serviceConfig.minProvisionedTPS = 2;
    const popular = file.solutions.find((s: Json) => s.serviceConfig.name === `${group}-popular`);
    delete popular.workflowConfig;
    changed = (await plan(file)).plan;
  });

  it('reports a new filter as create', () => {
    expect(step(changed, `filter:${group}-viewed`)).toMatchObject({ action: 'create', kind: 'filter' });
  });

  it('reports a changed campaign minProvisionedTPS as update', () => {
    expect(step(changed, `campaign:${group}-personalization-campaign`)).toMatchObject({
      action: 'update',
      detail: 'minProvisionedTPS: expected 2, found 1',
    });
  });

  it('reports a changed filterExpression as drift, with expected and actual', () => {
    expect(step(changed, `filter:${group}-not-purchased`)).toEqual({
      stepId: `filter:${group}-not-purchased`,
      kind: 'filter',
      name: `${group}-not-purchased`,
      action: 'drift',
      detail:
        'filterExpression: expected "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN (\\"click\\")", found "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN (\\"purchase\\")"',
    });
    // The schedules step waits for every step: with a failing filter, a run leaves the schedules alone.
    expect(step(changed, 'schedules')).toMatchObject({ action: 'skip' });
  });

  it('reports a removed schedule as delete, the others unchanged', () => {
    expect(changed.schedules).toEqual({
      create: [],
      update: [],
      delete: [`${group}.${group}-popular.full`],
      unchanged: expect.any(Array),
    });
    expect(changed.schedules.unchanged).toHaveLength(5);
  });

  it('re-uses everything else', () => {
    const others = changed.steps.filter(
      (s) =>
        ![
          `filter:${group}-viewed`,
          `filter:${group}-not-purchased`,
          `campaign:${group}-personalization-campaign`,
          'schedules',
        ].includes(s.stepId),
    );
    expect(others.filter((s) => !NOTHING.has(s.action))).toEqual([]);
  });

  it('says in text what a run would do and where it would fail', async () => {
    const file = structuredClone(base);
    file.filters[0].serviceConfig.filterExpression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("view")';
    const text = await mpx('plan', await writeConfig(file));
    expect(text.code).toBe(0);
    expect(text.out).toContain(
      `  drift            filter:${file.filters[0].serviceConfig.name} — filterExpression: expected "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN (\\"view\\")", found ${JSON.stringify(base.filters[0].serviceConfig.filterExpression)}`,
    );
    expect(text.out.at(-2)).toMatch(
      /^Summary: \d+ reuse, \d+ reuse import, .*1 drift.*; schedules: 0 to create, 0 to update, 0 to delete\.$/,
    );
    expect(text.out.at(-1)).toBe(
      `A run of this file would fail at filter:${file.filters[0].serviceConfig.name}: change the file to match, or the resources by hand.`,
    );
  });
});

describe('a plan changes nothing', () => {
  it('leaves Personalize, the schedules and the runs as they were, even for a new dataset group', async () => {
    const p = h.personalize;
    const snapshot = async () => {
      const { datasetGroups } = await p.send(new ListDatasetGroupsCommand({}));
      const groupArn = `arn:aws:personalize:us-east-1:000000000000:dataset-group/${group}`;
      const { Filters } = await p.send(new ListFiltersCommand({ datasetGroupArn: groupArn }));
      const solutionArn = `arn:aws:personalize:us-east-1:000000000000:solution/${personalization}`;
      const { solutionVersions } = await p.send(new ListSolutionVersionsCommand({ solutionArn }));
      const { campaigns } = await p.send(new ListCampaignsCommand({ solutionArn }));
      const { campaign } = await p.send(
        new DescribeCampaignCommand({ campaignArn: campaigns?.[0]?.campaignArn as string }),
      );
      const { batchInferenceJobs } = await p.send(
        new ListBatchInferenceJobsCommand({ solutionVersionArn: solutionVersions?.[0]?.solutionVersionArn as string }),
      );
      const { Schedules } = await h.cloud.clients.scheduler.send(
        new ListSchedulesCommand({ GroupName: h.cloud.outputs.ScheduleGroupName }),
      );
      const runs = await listRuns(h.state);
      return {
        groups: datasetGroups?.map((g) => g.name).sort(),
        filters: Filters?.length,
        versions: solutionVersions?.length,
        campaign: [campaign?.minProvisionedTPS, campaign?.lastUpdatedDateTime?.toISOString()],
        jobs: batchInferenceJobs?.length,
        schedules: Schedules?.map((s) => `${s.Name} ${s.State} ${s.LastModificationDate?.toISOString()}`).sort(),
        runs: runs.length,
      };
    };
    const before = await snapshot();

    const changedFile = JSON.parse((await exportGroup(group)).out.join('\n')) as Json;
    changedFile.filters.push({
      serviceConfig: {
        name: `${group}-clicked`,
        filterExpression: 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
      },
    });
    changedFile.solutions[1].campaigns[0].serviceConfig.minProvisionedTPS = 5;
    changedFile.solutions[1].workflowConfig.schedules.update = 'cron(0 9 * * ? *)';
    const changedPlan = await plan(changedFile);
    expect(actions(changedPlan.plan)[`filter:${group}-clicked`]).toBe('create');
    expect(changedPlan.plan.schedules.create).toEqual([`${group}.${personalization}.update`]);

    // A dataset group that does not exist yet, with its data next to the file (not in S3): everything is created.
    const fresh = await retailUpload('pi-new');
    const local = await mkdtemp(join(dir, 'pi-new-'));
    for (const kind of ['interactions', 'items', 'users'])
      await writeFile(join(local, `${kind}.csv`), fresh.files[`train/pi-new/${kind}.csv`] as Buffer);
    const file = join(local, 'config.json');
    await writeFile(file, JSON.stringify(fresh.config));
    const result = await mpx('plan', file, '--json');
    expect(result.code, result.err.join('\n')).toBe(0);
    const newPlan = JSON.parse(result.out[0] as string) as Plan;
    expect(
      newPlan.steps.filter((s) => s.kind !== 'schedules' && !['create', 'run batch job'].includes(s.action)),
    ).toEqual([]);
    expect(step(newPlan, 'datasetImportJob:interactions').detail).toBe(
      `import s3://${h.bucket}/train/pi-new/interactions.csv`,
    );
    expect(step(newPlan, 'schedules')).toMatchObject({ action: 'update' });
    expect(newPlan.schedules.create).toHaveLength(5);
    const text = await mpx('plan', file);
    expect(text.out[0]).toBe(
      `Plan for dataset group pi-new (data: ${local} (not in s3://${h.bucket}/train/pi-new/ yet: planned as if uploaded now)):`,
    );

    expect(await snapshot()).toEqual(before);
  });
});

describe('import-dataset-group, uploaded', () => {
  it('uploads the file to train/<group>/config.json by default, and the run it starts re-uses everything', async () => {
    const before = new Set((await listRuns(h.state, group)).map((r) => r.runId));
    // No --path: the file goes where the dataset group's runs start from.
    const result = await exportGroup(group, { upload: true });
    expect(result.code, result.err.join('\n')).toBe(0);
    expect(result.out[0]).toBe(`Uploaded s3://${h.bucket}/train/${group}/config.json (${group}).`);
    const object = await h.cloud.clients.s3.send(
      new GetObjectCommand({ Bucket: h.bucket, Key: `train/${group}/config.json` }),
    );
    const uploaded = (await object.Body?.transformToString()) as string;
    expect(validate(uploaded).ok).toBe(true);

    const notification = await h.notificationFor(group);
    expect(notification).toMatchObject({ datasetGroup: group, status: 'UPDATE COMPLETE' });
    const runId = notification?.runId as string;
    expect(before.has(runId)).toBe(false);
    const found = await readRun(h.state, runId);
    const made = found?.steps.filter((s) => s.created === true && s.kind !== 'notify').map((s) => s.stepId);
    expect(made).toEqual([]);
  }, 120_000);
});

describe('plan after new data', () => {
  it('re-imports the changed data, retrains what trains on it, updates campaigns and runs batch jobs', async () => {
    const file = JSON.parse((await exportGroup(group)).out.join('\n')) as Json;
    const fresh = await retailUpload(group, 99);
    await h.upload(`train/${group}/interactions.csv`, fresh.files[`train/${group}/interactions.csv`] as Buffer);
    const { plan: p } = await plan(file);
    expect(actions(p)).toMatchObject({
      'datasetImportJob:interactions': 're-import',
      'datasetImportJob:items': 'reuse import',
      'datasetImportJob:users': 'reuse import',
      [`solutionVersion:${personalization}`]: 'retrain',
      [`solutionVersion:${group}-popular`]: 'retrain',
      [`campaign:${group}-personalization-campaign`]: 'update',
      [`campaign:${group}-related-campaign`]: 'update',
      [`batchInferenceJob:${group}-nightly`]: 'run batch job',
      [`batchInferenceJob:${group}-weekly`]: 'run batch job',
      [`batchSegmentJob:${group}-affinity`]: 'run batch job',
      schedules: 'unchanged',
    });
    expect(step(p, `solutionVersion:${personalization}`).detail).toBe(
      'FULL training: new data was imported since the latest version',
    );
    expect(step(p, `campaign:${group}-related-campaign`).detail).toMatch(
      new RegExp(`^solutionVersionArn: expected "\\(new version of ${group}-related\\)", found "arn:aws:personalize:`),
    );
    expect(step(p, 'datasetImportJob:interactions').detail).toMatch(
      /interactions\.csv was written at .*, after the latest ACTIVE import/,
    );
    // Nothing was started: the import jobs are the ones the first run made.
    const { datasetImportJobs } = await h.personalize.send(
      new ListDatasetImportJobsCommand({
        datasetArn: `arn:aws:personalize:us-east-1:000000000000:dataset/${group}/INTERACTIONS`,
      }),
    );
    expect(datasetImportJobs).toHaveLength(1);
  });
});

describe('errors', () => {
  it('an unknown dataset group exits 1 with the closest names', async () => {
    const result = await exportGroup('pi-shopp');
    expect(result).toMatchObject({ code: 1, out: [] });
    expect(result.err).toEqual([
      `mpx import-dataset-group: no dataset group pi-shopp in account 000000000000, region us-east-1; did you mean ${group}?`,
    ]);
    const none = await exportGroup('zzz-unrelated-name');
    expect(none.code).toBe(1);
    expect(none.err[0]).toMatch(/; dataset groups there: .*pi-shop/);
  });

  it('an invalid file exits 2 with every error, and plans nothing', async () => {
    const file = await writeConfig({ datasetGroup: { serviceConfig: { name: group } }, datasets: {} });
    const result = await mpx('plan', file);
    expect(result.code).toBe(2);
    expect(result.out).toEqual([]);
    expect(result.err[0]).toMatch(/^mpx plan: .*config-\d+\.json has 1 error\(s\), so there is nothing to plan/);
    expect(result.err[1]).toBe('  datasets.interactions: is required');

    const broken = await writeConfig('{"datasetGroup": ');
    expect((await mpx('plan', broken)).code).toBe(2);
    expect((await mpx('plan', join(dir, 'missing.json'))).code).toBe(2);
  });

  it('bad schedule options exit 2 before anything is read', async () => {
    const noAt = await exportGroup(group, { fullSchedule: ['cron(0 1 * * ? *)'] });
    expect(noAt.code).toBe(2);
    expect(noAt.err[0]).toMatch(/--full-schedule "cron\(0 1 \* \* \? \*\)": expected <solution>@<expression>/);
    const unknown = await exportGroup(group, { updateSchedule: ['nope@rate(1 day)'] });
    expect(unknown.code).toBe(2);
    expect(unknown.err[0]).toMatch(
      /--update-schedule nope@rate\(1 day\): no such solution in pi-shop \(its solutions: /,
    );
    const badCron = await exportGroup(group, { importSchedule: 'cron(0 1 * * *)' });
    expect(badCron.code).toBe(2);
  });

  it('no stack exits 3, for both commands', async () => {
    const planned = await mpx('plan', await writeConfig(upload.config), '--stage', 'nowhere');
    expect(planned.code).toBe(3);
    expect(planned.err[0]).toMatch(/^mpx plan: no stack mpx-nowhere found/);
    const imported = await exportGroup(group, { stage: 'nowhere' });
    expect(imported.code).toBe(3);
    expect(imported.err[0]).toMatch(/^mpx import-dataset-group: no stack mpx-nowhere found/);
  });
});
