import {
  type BatchInferenceJob,
  type BatchSegmentJob,
  type Campaign,
  type Dataset,
  type DatasetGroup,
  type DatasetImportJob,
  type DatasetSchema,
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeFilterCommand,
  DescribeRecommenderCommand,
  DescribeSchemaCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  type EventTrackerSummary,
  type Filter,
  ListTagsForResourceCommand,
  PersonalizeClient,
  paginateListBatchInferenceJobs,
  paginateListBatchSegmentJobs,
  paginateListCampaigns,
  paginateListDatasetGroups,
  paginateListDatasetImportJobs,
  paginateListDatasets,
  paginateListEventTrackers,
  paginateListFilters,
  paginateListRecommenders,
  paginateListSolutions,
  paginateListSolutionVersions,
  type Recommender,
  type Solution,
  type SolutionVersion,
  type Tag,
} from '@aws-sdk/client-personalize';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type GetScheduleOutput, SchedulerClient } from '@aws-sdk/client-scheduler';
import { distance } from 'fastest-levenshtein';
import { jobBaseOf } from '../../shared/config/names.js';
import type {
  BatchInferenceJobConfig,
  BatchSegmentJobConfig,
  CampaignConfig,
  ConfigIssue,
  DatasetConfig,
  DatasetGroupConfig,
  ImportDefaults,
  ParameterFile,
  SolutionConfig,
} from '../../shared/config/types.js';
import { validate } from '../../shared/config/validate.js';
import type { DatasetKind } from '../../shared/personalize/recipes.js';
import { readOnly } from '../../shared/resources/inspect.js';
import { describeOrUndefined } from '../../shared/resources/named.js';
import { type AccountScope, personalizeArn } from '../../shared/resources/scope.js';
import { parseScheduleExpression } from '../../shared/schedules/aws-schedule.js';
import { readSchedules, runRequestOf, scheduleNamePrefix, scheduleOwner } from '../../shared/schedules/reconcile.js';
import { DATA_KINDS } from '../../shared/uploads/data-locations.js';
import { CommandError, EXIT, reportError } from '../command-error.js';
import { requireStackOutputs } from '../stack.js';
import { scopeOfArn } from './plan.js';
import type { Output } from './validate.js';

/**
 * `mpx import-dataset-group`: the deprecated solution's CLI import, fixed
 * (REFERENCE.md defect 11: it never exported batch jobs and crashed on
 * recommenders). Reads a dataset group's resources from Personalize and its
 * schedules from the stack's schedule group — Describe/List/Get only — and
 * writes the parameter file that keeps them as they are: uploading it starts a
 * run that re-uses everything (`mpx plan` on it says "nothing to do").
 *
 * Pure core: {@link parameterFileFrom} builds the file from what was read,
 * {@link newestPerBase} keeps one batch job per base name,
 * {@link applyScheduleOverrides} adds the command line's schedules.
 * Exit codes: 0 done, 1 no such dataset group / the file would be invalid /
 * an AWS error, 2 bad options, 3 no stack.
 */

export interface ImportDatasetGroupOptions {
  readonly datasetGroup: string;
  /** The object key to upload to (empty: `train/<dataset group>/config.json`). */
  readonly path: string;
  /** `cron(...)`, `rate(...)` or `delete`: the dataset group's import schedule. */
  readonly importSchedule?: string;
  /** `<solution>@<expression>`, repeatable. */
  readonly fullSchedule: readonly string[];
  readonly updateSchedule: readonly string[];
  /** Print the file (JSON, 2-space) and upload nothing. */
  readonly dryRun?: boolean;
  readonly stage: string;
}

/** The parameter file this command writes: a ParameterFile whose datasets may lack interactions (then it is invalid). */
export type ExportedParameterFile = Omit<ParameterFile, 'datasets'> & {
  datasets: { serviceConfig?: ImportDefaults } & Partial<Record<DatasetKind, DatasetConfig>>;
};

/** What was read of one solution. */
export interface SolutionSnapshot {
  readonly solution: Solution;
  /** Its newest ACTIVE version (trainingMode). */
  readonly latestActiveVersion?: SolutionVersion;
  readonly campaigns: readonly Campaign[];
  /** Described jobs of every version of the solution (several per base name are fine: the newest wins). */
  readonly batchInferenceJobs: readonly BatchInferenceJob[];
  readonly batchSegmentJobs: readonly BatchSegmentJob[];
}

/** Everything read from Personalize and Scheduler about one dataset group. */
export interface GroupSnapshot {
  readonly datasetGroup: DatasetGroup;
  readonly datasets: readonly { readonly dataset: Dataset; readonly schema?: DatasetSchema }[];
  /** The newest ACTIVE import job of the group's datasets: the import defaults. */
  readonly latestImport?: DatasetImportJob;
  readonly eventTracker?: EventTrackerSummary;
  readonly filters: readonly Filter[];
  readonly solutions: readonly SolutionSnapshot[];
  readonly recommenders: readonly Recommender[];
  /** Tags by resource ARN. */
  readonly tags: ReadonlyMap<string, readonly Tag[]>;
  /** The schedule group's schedules whose names start with the group's prefix (any owner). */
  readonly schedules: readonly GetScheduleOutput[];
}

/** The dataset group's schedule expressions the command line sets. */
export interface ScheduleOverrides {
  readonly import?: string;
  readonly full: readonly { readonly solution: string; readonly expression: string }[];
  readonly update: readonly { readonly solution: string; readonly expression: string }[];
}

/**
 * One job per distinct base name — the newest by creation — sorted by base;
 * `skipped` names the jobs whose names have no generated timestamp suffix.
 */
export function newestPerBase<Job extends { jobName?: string; creationDateTime?: Date }>(
  jobs: readonly Job[],
): { readonly jobs: readonly { readonly base: string; readonly job: Job }[]; readonly skipped: readonly string[] } {
  const byBase = new Map<string, Job>();
  const skipped: string[] = [];
  for (const job of jobs) {
    const base = jobBaseOf(job.jobName);
    if (base === undefined) {
      skipped.push(job.jobName ?? '(unnamed)');
      continue;
    }
    const best = byBase.get(base);
    if (!best || (job.creationDateTime?.getTime() ?? 0) > (best.creationDateTime?.getTime() ?? 0))
      byBase.set(base, job);
  }
  const sorted = [...byBase].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { jobs: sorted.map(([base, job]) => ({ base, job })), skipped };
}

const isEmptyObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

/** The record without undefined values, empty objects and empty arrays (what the file leaves out). */
function compact<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(
    Object.entries(record).filter(
      ([, value]) => value !== undefined && !isEmptyObject(value) && !(Array.isArray(value) && value.length === 0),
    ),
  ) as T;
}

/** The Avro schema as an object (the file's form), or the text when it is not JSON. */
const schemaValue = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

const DATASET_TYPES = new Set<string>(DATA_KINDS);

/** Where each schedule of the group goes in the file: `datasetGroup.workflowConfig.schedules.import`, a solution's, a job's. */
function applySchedules(
  file: ExportedParameterFile,
  datasetGroup: string,
  schedules: readonly GetScheduleOutput[],
  notes: string[],
): void {
  const solutionNamed = (name: string) => file.solutions?.find((s) => s.serviceConfig.name === name);
  for (const schedule of schedules) {
    if (scheduleOwner(schedule) !== datasetGroup) continue;
    const name = schedule.Name ?? '';
    const task = runRequestOf(schedule.Target?.Input)?.task;
    const expression = schedule.ScheduleExpression;
    if (!task || !expression) {
      notes.push(`schedule ${name}: its target is not a run request mpx can read; left out`);
      continue;
    }
    if (schedule.State === 'DISABLED') notes.push(`schedule ${name} is paused; it stays paused after an upload`);
    if ((schedule.ScheduleExpressionTimezone ?? 'UTC') !== 'UTC') {
      notes.push(`schedule ${name} runs in ${schedule.ScheduleExpressionTimezone}; a run of this file sets it to UTC`);
    }
    switch (task.kind) {
      case 'import': {
        file.datasetGroup.workflowConfig = {
          ...file.datasetGroup.workflowConfig,
          schedules: { ...file.datasetGroup.workflowConfig?.schedules, import: expression },
        };
        break;
      }
      case 'full':
      case 'update': {
        const solution = solutionNamed(task.solution);
        if (!solution) {
          notes.push(`schedule ${name}: no solution ${task.solution} in ${datasetGroup}; left out`);
          break;
        }
        solution.workflowConfig = {
          ...solution.workflowConfig,
          schedules: { ...solution.workflowConfig?.schedules, [task.kind]: expression },
        };
        break;
      }
      case 'batchInference':
      case 'batchSegment': {
        const jobs =
          task.kind === 'batchInference'
            ? solutionNamed(task.solution)?.batchInferenceJobs
            : solutionNamed(task.solution)?.batchSegmentJobs;
        const job = jobs?.find((j) => j.serviceConfig.jobName === task.job);
        if (!job) {
          notes.push(
            `schedule ${name}: no ${task.kind} job ${task.job} of ${task.solution} in ${datasetGroup}; left out`,
          );
          break;
        }
        job.workflowConfig = { ...job.workflowConfig, schedule: expression };
        break;
      }
    }
  }
}

const tagsOf = (snapshot: GroupSnapshot, arn: string | undefined) =>
  arn === undefined ? undefined : snapshot.tags.get(arn)?.map((t) => ({ ...t }));

function solutionSection(
  snapshot: GroupSnapshot,
  { solution, latestActiveVersion, campaigns, batchInferenceJobs, batchSegmentJobs }: SolutionSnapshot,
  notes: string[],
): SolutionConfig {
  const name = solution.name ?? '';
  if (solution.performAutoML) notes.push(`solution ${name}: performAutoML is deprecated by Personalize; left out`);
  const mode = latestActiveVersion?.trainingMode;
  const solutionVersion = compact({
    trainingMode: mode === 'FULL' || mode === 'UPDATE' ? mode : undefined,
    tags: tagsOf(snapshot, latestActiveVersion?.solutionVersionArn),
  });
  const inference = newestPerBase(batchInferenceJobs);
  const segment = newestPerBase(batchSegmentJobs);
  for (const job of [...inference.skipped, ...segment.skipped]) {
    notes.push(
      `batch job ${job} of ${name}: its name does not end in _YYYY_MM_DD_HH_MM_SS, so it has no base name; left out`,
    );
  }
  const serviceConfig = compact({
    name,
    recipeArn: solution.recipeArn as string,
    performHPO: solution.performHPO,
    performAutoTraining: solution.performAutoTraining,
    performIncrementalUpdate: solution.performIncrementalUpdate,
    eventType: solution.eventType,
    solutionConfig: solution.solutionConfig,
    tags: tagsOf(snapshot, solution.solutionArn),
    solutionVersion,
  }) as SolutionConfig['serviceConfig'];
  return compact({
    serviceConfig,
    campaigns: campaigns.map(
      (campaign): CampaignConfig => ({
        serviceConfig: compact({
          name: campaign.name ?? '',
          minProvisionedTPS: campaign.minProvisionedTPS,
          campaignConfig: campaign.campaignConfig,
          tags: tagsOf(snapshot, campaign.campaignArn),
        }),
      }),
    ),
    batchInferenceJobs: inference.jobs.map(
      ({ base, job }): BatchInferenceJobConfig => ({
        serviceConfig: compact({
          jobName: base,
          filterArn: job.filterArn,
          numResults: job.numResults,
          batchInferenceJobConfig: job.batchInferenceJobConfig,
          // BATCH_INFERENCE is the default mode: written only when it is another.
          batchInferenceJobMode:
            job.batchInferenceJobMode === 'BATCH_INFERENCE' ? undefined : job.batchInferenceJobMode,
          themeGenerationConfig: job.themeGenerationConfig,
          tags: tagsOf(snapshot, job.batchInferenceJobArn),
        }),
      }),
    ),
    batchSegmentJobs: segment.jobs.map(
      ({ base, job }): BatchSegmentJobConfig => ({
        serviceConfig: compact({
          jobName: base,
          filterArn: job.filterArn,
          numResults: job.numResults,
          tags: tagsOf(snapshot, job.batchSegmentJobArn),
        }),
      }),
    ),
  });
}

/**
 * The parameter file that describes the dataset group as it is: datasets
 * with their schemas (parsed back to objects), the newest import's settings
 * as import defaults, the event tracker, filters, solutions (what
 * DescribeSolution reports, no parent ARNs, performAutoML left out) with
 * their newest ACTIVE version's trainingMode, campaigns, one batch inference
 * or segment job per base name (`jobName` = the base, so each keeps its
 * step, input folder and schedule), recommenders, tags, and the group's
 * schedules mapped back to where the file declares them. Pure.
 * @returns the file and notes on what was left out (for stderr).
 */
export function parameterFileFrom(snapshot: GroupSnapshot): { file: ExportedParameterFile; notes: string[] } {
  const notes: string[] = [];
  const group = snapshot.datasetGroup;
  const name = group.name ?? '';
  const datasetGroup: DatasetGroupConfig = {
    serviceConfig: compact({
      name,
      domain: group.domain,
      roleArn: group.roleArn,
      kmsKeyArn: group.kmsKeyArn,
      tags: tagsOf(snapshot, group.datasetGroupArn),
    }),
  };
  const datasets: ExportedParameterFile['datasets'] = {};
  const latestImport = snapshot.latestImport;
  if (latestImport) {
    datasets.serviceConfig = compact({
      importMode: latestImport.importMode,
      publishAttributionMetricsToS3: latestImport.publishAttributionMetricsToS3,
      tags: tagsOf(snapshot, latestImport.datasetImportJobArn),
    });
  }
  const ordered = [...snapshot.datasets].sort(
    (a, b) =>
      DATA_KINDS.indexOf((a.dataset.datasetType ?? '').toLowerCase() as DatasetKind) -
      DATA_KINDS.indexOf((b.dataset.datasetType ?? '').toLowerCase() as DatasetKind),
  );
  for (const { dataset, schema } of ordered) {
    const kind = (dataset.datasetType ?? '').toLowerCase();
    if (!DATASET_TYPES.has(kind)) {
      notes.push(`dataset ${dataset.name}: type ${dataset.datasetType} is not one a parameter file holds; left out`);
      continue;
    }
    datasets[kind as DatasetKind] = {
      dataset: { serviceConfig: compact({ name: dataset.name, tags: tagsOf(snapshot, dataset.datasetArn) }) },
      schema: {
        serviceConfig: compact({
          name: schema?.name ?? '',
          schema: schemaValue(schema?.schema),
          domain: schema?.domain,
        }),
      },
    };
  }
  const file: ExportedParameterFile = { datasetGroup, datasets };
  if (snapshot.eventTracker) {
    file.eventTracker = {
      serviceConfig: compact({
        name: snapshot.eventTracker.name ?? '',
        tags: tagsOf(snapshot, snapshot.eventTracker.eventTrackerArn),
      }),
    };
  }
  if (snapshot.filters.length > 0) {
    file.filters = snapshot.filters.map((filter) => ({
      serviceConfig: compact({
        name: filter.name ?? '',
        filterExpression: filter.filterExpression,
        tags: tagsOf(snapshot, filter.filterArn),
      }),
    }));
  }
  if (snapshot.solutions.length > 0)
    file.solutions = snapshot.solutions.map((s) => solutionSection(snapshot, s, notes));
  if (snapshot.recommenders.length > 0) {
    file.recommenders = snapshot.recommenders.map((recommender) => ({
      serviceConfig: compact({
        name: recommender.name ?? '',
        recipeArn: recommender.recipeArn ?? '',
        recommenderConfig: recommender.recommenderConfig,
        tags: tagsOf(snapshot, recommender.recommenderArn),
      }),
    }));
  }
  applySchedules(file, name, snapshot.schedules, notes);
  // Each solution reads as the documentation shows it: its settings, its schedules, then what it serves.
  if (file.solutions) {
    file.solutions = file.solutions.map(
      ({ serviceConfig, workflowConfig, campaigns, batchInferenceJobs, batchSegmentJobs }) =>
        compact({ serviceConfig, workflowConfig, campaigns, batchInferenceJobs, batchSegmentJobs }) as SolutionConfig,
    );
  }
  return { file, notes };
}

/**
 * `<solution>@<expression>` → its parts.
 * @throws CommandError (exit 2) when there is no `@`, or the expression is neither `delete` nor a cron()/rate().
 */
export function parseSolutionSchedule(option: string, value: string): { solution: string; expression: string } {
  const at = value.indexOf('@');
  if (at <= 0) {
    throw new CommandError(
      `${option} ${JSON.stringify(value)}: expected <solution>@<expression>, e.g. my-solution@cron(0 2 ? * 1 *)`,
      EXIT.USAGE,
    );
  }
  const expression = value.slice(at + 1);
  checkExpression(option, expression);
  return { solution: value.slice(0, at), expression };
}

/** @throws CommandError (exit 2) when `expression` is neither `delete` nor a recurring AWS expression. */
function checkExpression(option: string, expression: string): void {
  if (expression === 'delete') return;
  const parsed = parseScheduleExpression(expression);
  if (!parsed.ok) throw new CommandError(`${option}: ${parsed.message}`, EXIT.USAGE);
  if (parsed.schedule.kind === 'at') {
    throw new CommandError(`${option}: "${expression}" fires once; use cron(...), rate(...) or delete`, EXIT.USAGE);
  }
}

/**
 * The file with the command line's schedules set over what was read.
 * @throws CommandError (exit 2) naming the solutions the file does not have.
 */
export function applyScheduleOverrides(
  file: ExportedParameterFile,
  overrides: ScheduleOverrides,
): ExportedParameterFile {
  const out = structuredClone(file);
  if (overrides.import !== undefined) {
    checkExpression('--import-schedule', overrides.import);
    out.datasetGroup.workflowConfig = {
      ...out.datasetGroup.workflowConfig,
      schedules: { ...out.datasetGroup.workflowConfig?.schedules, import: overrides.import },
    };
  }
  const missing: string[] = [];
  for (const [kind, list] of [
    ['full', overrides.full],
    ['update', overrides.update],
  ] as const) {
    for (const { solution: name, expression } of list) {
      const solution = out.solutions?.find((s) => s.serviceConfig.name === name);
      if (!solution) {
        missing.push(`--${kind}-schedule ${name}@${expression}`);
        continue;
      }
      solution.workflowConfig = {
        ...solution.workflowConfig,
        schedules: { ...solution.workflowConfig?.schedules, [kind]: expression },
      };
    }
  }
  if (missing.length > 0) {
    const names = (out.solutions ?? []).map((s) => s.serviceConfig.name).join(', ') || 'none';
    throw new CommandError(
      `${missing.join(', ')}: no such solution in ${out.datasetGroup.serviceConfig.name} (its solutions: ${names})`,
      EXIT.USAGE,
    );
  }
  return out;
}

async function collect<Page, Item>(pages: AsyncIterable<Page>, items: (page: Page) => Item[] | undefined) {
  const out: Item[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

/** The hint for a dataset group that does not exist: the closest names, or the list. */
async function unknownGroup(client: PersonalizeClient, name: string, scope: AccountScope): Promise<CommandError> {
  const names = (await collect(paginateListDatasetGroups({ client }, {}), (p) => p.datasetGroups)).flatMap((g) =>
    g.name ? [g.name] : [],
  );
  const close = names.filter((n) => distance(n, name) <= Math.max(2, Math.floor(name.length / 4)));
  const hint =
    close.length > 0
      ? `did you mean ${close.join(' or ')}?`
      : names.length > 0
        ? `dataset groups there: ${names.sort().join(', ')}`
        : 'there are no dataset groups there';
  return new CommandError(
    `no dataset group ${name} in account ${scope.account}, region ${scope.region}; ${hint}`,
    EXIT.FAILED,
  );
}

const newestOf = <T extends { creationDateTime?: Date }>(items: readonly T[]): T | undefined =>
  items.reduce<T | undefined>(
    (best, item) =>
      !best || (item.creationDateTime?.getTime() ?? 0) > (best.creationDateTime?.getTime() ?? 0) ? item : best,
    undefined,
  );

async function readSolution(client: PersonalizeClient, solutionArn: string): Promise<SolutionSnapshot | undefined> {
  const { solution } = await client.send(new DescribeSolutionCommand({ solutionArn }));
  if (!solution) return undefined;
  const versions = await collect(paginateListSolutionVersions({ client }, { solutionArn }), (p) => p.solutionVersions);
  const latest = newestOf(versions.filter((v) => v.status === 'ACTIVE'));
  const latestActiveVersion = latest?.solutionVersionArn
    ? (await client.send(new DescribeSolutionVersionCommand({ solutionVersionArn: latest.solutionVersionArn })))
        .solutionVersion
    : undefined;
  const campaigns: Campaign[] = [];
  for (const summary of await collect(paginateListCampaigns({ client }, { solutionArn }), (p) => p.campaigns)) {
    const found = await describeOrUndefined(() =>
      client.send(new DescribeCampaignCommand({ campaignArn: summary.campaignArn })),
    );
    if (found?.campaign) campaigns.push(found.campaign);
  }
  // Jobs are listed by solution version: every version's, then one per base name is described.
  const inferenceSummaries = [];
  const segmentSummaries = [];
  for (const version of versions) {
    const solutionVersionArn = version.solutionVersionArn;
    if (!solutionVersionArn) continue;
    inferenceSummaries.push(
      ...(await collect(
        paginateListBatchInferenceJobs({ client }, { solutionVersionArn }),
        (p) => p.batchInferenceJobs,
      )),
    );
    segmentSummaries.push(
      ...(await collect(paginateListBatchSegmentJobs({ client }, { solutionVersionArn }), (p) => p.batchSegmentJobs)),
    );
  }
  const batchInferenceJobs: BatchInferenceJob[] = [];
  for (const { job } of newestPerBase(inferenceSummaries).jobs) {
    const found = await client.send(
      new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: job.batchInferenceJobArn }),
    );
    if (found.batchInferenceJob) batchInferenceJobs.push(found.batchInferenceJob);
  }
  const batchSegmentJobs: BatchSegmentJob[] = [];
  for (const { job } of newestPerBase(segmentSummaries).jobs) {
    const found = await client.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: job.batchSegmentJobArn }));
    if (found.batchSegmentJob) batchSegmentJobs.push(found.batchSegmentJob);
  }
  // Jobs without a generated name are kept as summaries so the builder can say they were left out.
  const unnamed = (jobs: readonly { jobName?: string }[]) => jobs.filter((j) => jobBaseOf(j.jobName) === undefined);
  return {
    solution,
    ...(latestActiveVersion ? { latestActiveVersion } : {}),
    campaigns,
    batchInferenceJobs: [...batchInferenceJobs, ...(unnamed(inferenceSummaries) as BatchInferenceJob[])],
    batchSegmentJobs: [...batchSegmentJobs, ...(unnamed(segmentSummaries) as BatchSegmentJob[])],
  };
}

/**
 * Reads the dataset group's resources (Describe/List only) and its schedules.
 * @throws CommandError (exit 1) when the dataset group does not exist, with the closest names.
 */
export async function readGroupSnapshot(
  client: PersonalizeClient,
  scheduler: { readonly scheduler: SchedulerClient; readonly groupName: string },
  scope: AccountScope,
  name: string,
): Promise<GroupSnapshot> {
  const datasetGroupArn = personalizeArn(scope, 'dataset-group', name);
  const group = (await describeOrUndefined(() => client.send(new DescribeDatasetGroupCommand({ datasetGroupArn }))))
    ?.datasetGroup;
  if (!group) throw await unknownGroup(client, name, scope);

  const datasets: { dataset: Dataset; schema?: DatasetSchema }[] = [];
  const imports: DatasetImportJob[] = [];
  for (const summary of await collect(paginateListDatasets({ client }, { datasetGroupArn }), (p) => p.datasets)) {
    const { dataset } = await client.send(new DescribeDatasetCommand({ datasetArn: summary.datasetArn }));
    if (!dataset) continue;
    const schema = dataset.schemaArn
      ? (await client.send(new DescribeSchemaCommand({ schemaArn: dataset.schemaArn }))).schema
      : undefined;
    datasets.push({ dataset, ...(schema ? { schema } : {}) });
    const jobs = await collect(
      paginateListDatasetImportJobs({ client }, { datasetArn: dataset.datasetArn }),
      (p) => p.datasetImportJobs,
    );
    imports.push(...jobs.filter((j) => j.status === 'ACTIVE'));
  }
  const newestImport = newestOf(imports);
  const latestImport = newestImport?.datasetImportJobArn
    ? (
        await client.send(
          new DescribeDatasetImportJobCommand({ datasetImportJobArn: newestImport.datasetImportJobArn }),
        )
      ).datasetImportJob
    : undefined;

  const trackers = await collect(paginateListEventTrackers({ client }, { datasetGroupArn }), (p) => p.eventTrackers);
  const filters: Filter[] = [];
  for (const summary of await collect(paginateListFilters({ client }, { datasetGroupArn }), (p) => p.Filters)) {
    const { filter } = await client.send(new DescribeFilterCommand({ filterArn: summary.filterArn }));
    if (filter) filters.push(filter);
  }
  const solutions: SolutionSnapshot[] = [];
  for (const summary of await collect(paginateListSolutions({ client }, { datasetGroupArn }), (p) => p.solutions)) {
    const read = summary.solutionArn ? await readSolution(client, summary.solutionArn) : undefined;
    if (read) solutions.push(read);
  }
  const recommenders: Recommender[] = [];
  for (const summary of await collect(
    paginateListRecommenders({ client }, { datasetGroupArn }),
    (p) => p.recommenders,
  )) {
    const { recommender } = await client.send(
      new DescribeRecommenderCommand({ recommenderArn: summary.recommenderArn }),
    );
    if (recommender) recommenders.push(recommender);
  }
  const byName = <T extends { name?: string }>(items: T[]) =>
    items.sort((a, b) => ((a.name ?? '') < (b.name ?? '') ? -1 : (a.name ?? '') > (b.name ?? '') ? 1 : 0));

  const tagged = [
    group.datasetGroupArn,
    ...datasets.map((d) => d.dataset.datasetArn),
    latestImport?.datasetImportJobArn,
    trackers[0]?.eventTrackerArn,
    ...filters.map((f) => f.filterArn),
    ...solutions.flatMap((s) => [
      s.solution.solutionArn,
      s.latestActiveVersion?.solutionVersionArn,
      ...s.campaigns.map((c) => c.campaignArn),
      ...s.batchInferenceJobs.map((j) => j.batchInferenceJobArn),
      ...s.batchSegmentJobs.map((j) => j.batchSegmentJobArn),
    ]),
    ...recommenders.map((r) => r.recommenderArn),
  ].filter((arn): arn is string => arn !== undefined);
  const tags = new Map<string, Tag[]>();
  for (const resourceArn of tagged) {
    const found = await describeOrUndefined(() => client.send(new ListTagsForResourceCommand({ resourceArn })));
    if (found?.tags && found.tags.length > 0) tags.set(resourceArn, found.tags);
  }
  const schedules = await readSchedules(scheduler, scheduleNamePrefix(name));
  return {
    datasetGroup: group,
    datasets,
    ...(latestImport ? { latestImport } : {}),
    ...(trackers[0] ? { eventTracker: trackers[0] } : {}),
    filters: byName(filters),
    solutions: [...solutions].sort((a, b) =>
      (a.solution.name ?? '') < (b.solution.name ?? '')
        ? -1
        : (a.solution.name ?? '') > (b.solution.name ?? '')
          ? 1
          : 0,
    ),
    recommenders: byName(recommenders),
    tags,
    schedules,
  };
}

const show = (issue: ConfigIssue) => `${issue.path === '' ? '(file)' : issue.path}: ${issue.message}`;

/** The object key to upload to: `path`, or `train/<dataset group>/config.json` when empty. */
export function uploadKey(path: string, datasetGroup: string): string {
  const key = path.replace(/^\/+/, '');
  return key === '' ? `train/${datasetGroup}/config.json` : key;
}

export async function importDatasetGroupCommand(options: ImportDatasetGroupOptions, io: Output): Promise<number> {
  const clients: { destroy(): void }[] = [];
  try {
    const name = options.datasetGroup;
    const overrides: ScheduleOverrides = {
      ...(options.importSchedule !== undefined ? { import: options.importSchedule } : {}),
      full: options.fullSchedule.map((v) => parseSolutionSchedule('--full-schedule', v)),
      update: options.updateSchedule.map((v) => parseSolutionSchedule('--update-schedule', v)),
    };
    if (options.importSchedule !== undefined) checkExpression('--import-schedule', options.importSchedule);
    const outputs = await requireStackOutputs(options.stage, [
      'PersonalizeBucketName',
      'ScheduleGroupName',
      'EventBusArn',
    ]);
    const scope = scopeOfArn(outputs.EventBusArn);
    if (!scope) {
      throw new CommandError(`the stack's EventBusArn ${outputs.EventBusArn} names no account and region`, EXIT.FAILED);
    }
    const personalize = readOnly(new PersonalizeClient({ region: scope.region }), 'Personalize');
    const scheduler = readOnly(new SchedulerClient({}), 'Scheduler');
    clients.push(personalize, scheduler);

    const snapshot = await readGroupSnapshot(
      personalize,
      { scheduler, groupName: outputs.ScheduleGroupName },
      scope,
      name,
    );
    const built = parameterFileFrom(snapshot);
    for (const note of built.notes) io.err(`mpx import-dataset-group: note: ${note}`);
    const file = applyScheduleOverrides(built.file, overrides);
    const text = JSON.stringify(file, null, 2);
    const result = validate(text);
    if (!result.ok) {
      throw new CommandError(
        `the parameter file built from ${name} would not be valid, so nothing was ${options.dryRun ? 'printed' : 'uploaded'}:`,
        EXIT.FAILED,
        { details: result.errors.map(show) },
      );
    }
    for (const warning of result.warnings) io.err(`mpx import-dataset-group: warning: ${show(warning)}`);
    if (options.dryRun) {
      io.out(text);
      return EXIT.OK;
    }
    const key = uploadKey(options.path, name);
    if (!key.startsWith(`train/${name}/`) || !key.endsWith('.json')) {
      io.err(
        `mpx import-dataset-group: warning: ${key} is not train/${name}/<file>.json: a run of it would not start, or would look for data next to it`,
      );
    }
    const s3 = new S3Client({});
    clients.push(s3);
    await s3.send(
      new PutObjectCommand({
        Bucket: outputs.PersonalizeBucketName,
        Key: key,
        Body: `${text}\n`,
        ContentType: 'application/json',
      }),
    );
    io.out(`Uploaded s3://${outputs.PersonalizeBucketName}/${key} (${name}).`);
    if (key.startsWith('train/') && key.endsWith('.json')) {
      io.out(`The upload starts a run of ${name}; it re-uses what exists (npx mpx runs list --dataset-group ${name}).`);
    }
    return EXIT.OK;
  } catch (error) {
    return reportError('import-dataset-group', error, io);
  } finally {
    for (const client of clients) client.destroy();
  }
}
