import {
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeRecommenderCommand,
  type PersonalizeClient,
  paginateListBatchInferenceJobs,
  paginateListBatchSegmentJobs,
  paginateListDatasetImportJobs,
  paginateListEventTrackers,
  paginateListSolutionVersions,
} from '@aws-sdk/client-personalize';
import type { ConfiguredSchedule } from '../schedules/from-config.js';
import {
  desiredSchedules,
  planSchedules,
  type ReconcileDeps,
  type RunsQueueTarget,
  readSchedules,
  type SchedulePlan,
  ScheduleReconcileError,
  scheduleNamePrefix,
} from '../schedules/reconcile.js';
import type { StepOutcome } from '../workflow/outcome.js';
import type { PlannedStep, RunPlan } from '../workflow/plan.js';
import { deployedFields, metricOf, promotionVerdict } from './campaign.js';
import { findDatasetArn } from './dataset.js';
import type { StepDesired } from './desired.js';
import { datasetGroupDriver, filterDriver, schemaDriver, solutionDriver } from './drivers.js';
import { type Dated, newest, reusableImport, trainingDecision } from './freshness.js';
import { activeOfBase, reuseBatchJob } from './jobs.js';
import { describeOrUndefined, drift, foreignGroup, leaves, type NamedDriver } from './named.js';
import { type AccountScope, personalizeArn } from './scope.js';
import { outcomeOfStatus } from './status.js';
import { reconcile } from './updatable.js';

/**
 * `mpx plan`: what a run of a parameter file would do, step by step, against
 * the current Personalize and Scheduler state — read with Describe*, List*
 * and Get* calls only, and decided by the drivers' own rules (drift, leaves,
 * reconcile, the freshness rules, promotionVerdict, planSchedules), so the
 * preview cannot disagree with the run about what matches.
 *
 * The steps are previewed in plan order (the planner adds a step after its
 * dependencies), each knowing what its dependencies would end with: the ARN a
 * re-used resource hands on, or "made new by this run" — so an import that is
 * redone makes the solution version retrain, and a retrained version makes
 * its campaign update and its batch jobs run. A step whose dependency would
 * fail is skipped, as the run skips it.
 */

export type PlanAction =
  | 'create'
  | 'reuse'
  | 'update'
  /** The resource exists but differs from the file where mpx never changes it: the run fails the step. */
  | 'drift'
  /** The run fails the step for another reason (CREATE FAILED, another dataset group's resource…). */
  | 'fail'
  /** The resource is being created or updated: the run waits for it. */
  | 'wait'
  /** A dependency would fail, so the run skips the step. */
  | 'skip'
  | 're-import'
  | 'reuse import'
  | 'retrain'
  | 'reuse version'
  | 'run batch job'
  | 'reuse batch job'
  /** The schedules step when the group's schedules already match the file. */
  | 'unchanged';

export interface StepPreview {
  readonly stepId: string;
  readonly kind: PlannedStep['kind'];
  readonly name: string;
  readonly action: PlanAction;
  readonly detail?: string;
}

/** Schedule names by what reconciling the file's schedules would do to them. */
export interface ScheduleChanges {
  readonly create: readonly string[];
  readonly update: readonly string[];
  readonly delete: readonly string[];
  readonly unchanged: readonly string[];
}

export interface PlanPreview {
  readonly datasetGroup: string;
  readonly steps: readonly StepPreview[];
  readonly schedules: ScheduleChanges;
}

export interface InspectDeps {
  readonly personalize: PersonalizeClient;
  readonly scope: AccountScope;
  /** The role the run's batch jobs would pass (stack output PersonalizeRoleArn). */
  readonly personalizeRoleArn: string;
  /** The run's intent time: maxAge and job re-use are judged at this instant. */
  readonly now: Date;
  /** The stack's schedule group and the runs queue its schedules target. */
  readonly schedules: ReconcileDeps & { readonly target: RunsQueueTarget };
}

/** Actions after which the run has nothing to do for the step. */
const NOTHING_TO_DO: ReadonlySet<PlanAction> = new Set([
  'reuse',
  'reuse import',
  'reuse version',
  'reuse batch job',
  'unchanged',
]);

/** Actions that fail the step, or follow from a failed dependency: the run skips the step's dependents. */
const BLOCKING: ReadonlySet<PlanAction> = new Set(['drift', 'fail', 'skip']);

/** True when a run of the file would create, change, run and delete nothing. */
export function nothingToDo(preview: Pick<PlanPreview, 'steps' | 'schedules'>): boolean {
  const { create, update, delete: deleted } = preview.schedules;
  return (
    preview.steps.every((step) => NOTHING_TO_DO.has(step.action)) &&
    create.length === 0 &&
    update.length === 0 &&
    deleted.length === 0
  );
}

/** How many steps of each action, in first-seen order. */
export function countActions(steps: readonly StepPreview[]): [PlanAction, number][] {
  const counts = new Map<PlanAction, number>();
  for (const step of steps) counts.set(step.action, (counts.get(step.action) ?? 0) + 1);
  return [...counts];
}

/** What a driver's outcome for an existing resource means for the preview: ready, in flight, or failing. */
export function actionOfOutcome(outcome: StepOutcome): { action: PlanAction; arn?: string; detail?: string } {
  switch (outcome.type) {
    case 'done':
      return { action: 'reuse', arn: outcome.arn, ...(outcome.note ? { detail: outcome.note } : {}) };
    case 'pending':
      return {
        action: 'wait',
        ...(outcome.arn ? { arn: outcome.arn } : {}),
        detail: `${outcome.status}: a run waits for it`,
      };
    case 'failed':
      return { action: 'fail', ...(outcome.arn ? { arn: outcome.arn } : {}), detail: outcome.reason };
  }
}

/** The names in a schedule plan, by change. */
export function scheduleChangeNames(plan: SchedulePlan): ScheduleChanges {
  return {
    create: plan.create.map((request) => request.Name),
    update: plan.update.map((change) => change.request.Name),
    delete: [...plan.delete],
    unchanged: [...plan.unchanged],
  };
}

/** The first dependency whose step would fail or be skipped, if any. */
export function blockingDependency(
  step: Pick<PlannedStep, 'dependsOn'>,
  previews: ReadonlyMap<string, Pick<StepPreview, 'action'>>,
): string | undefined {
  return step.dependsOn.find((id) => {
    const action = previews.get(id)?.action;
    return action !== undefined && BLOCKING.has(action);
  });
}

/** What a previewed step hands its dependents. */
interface Fact {
  readonly action: PlanAction;
  /** The ARN of the resource the step would end with, when it exists already (undefined: the run makes it). */
  readonly arn?: string;
  /** When that resource was created (an import the run makes now: `now`). */
  readonly createdAt?: Date;
  readonly detail?: string;
  /** The step the failure comes from (a skipped step's root cause). */
  readonly blockedBy?: string;
}

type DesiredOf<K extends StepDesired['kind']> = Extract<StepDesired, { kind: K }>;

const created = (detail?: string): Fact => ({ action: 'create', ...(detail ? { detail } : {}) });

/** ensureNamed's decision on what exists, without its create: ownership, drift, status. */
async function previewNamed<Desired>(driver: NamedDriver<Desired>, desired: Desired): Promise<Fact> {
  const arn = driver.arn(desired);
  const existing = await driver.describe(arn);
  if (!existing) return created();
  const foreign = foreignGroup(driver.label, arn, driver.datasetGroupArn?.(desired), existing.datasetGroupArn);
  if (foreign) return actionOfOutcome(foreign);
  const differences = drift(driver.desiredFields(desired), existing.fields);
  if (differences.length > 0) return { action: 'drift', arn, detail: differences.join('; ') };
  return actionOfOutcome(outcomeOfStatus(driver.label, arn, existing.status, existing.failureReason));
}

class Previewer {
  private readonly facts = new Map<string, Fact>();

  constructor(
    private readonly plan: RunPlan,
    private readonly deps: InspectDeps,
  ) {}

  private get client(): PersonalizeClient {
    return this.deps.personalize;
  }

  private arn(type: string, name: string): string {
    return personalizeArn(this.deps.scope, type, name);
  }

  /** The fact of the step's first dependency of `kind`. */
  private input(step: PlannedStep, kind: string): Fact | undefined {
    const id = step.dependsOn.find((d) => d === kind || d.startsWith(`${kind}:`));
    return id === undefined ? undefined : this.facts.get(id);
  }

  private groupArn(): string {
    const group = this.plan.steps.find((s) => s.kind === 'datasetGroup');
    return this.facts.get('datasetGroup')?.arn ?? this.arn('dataset-group', group?.name ?? '');
  }

  async run(): Promise<StepPreview[]> {
    const previews: StepPreview[] = [];
    for (const step of this.plan.steps) {
      if (step.kind === 'notify' || step.kind === 'schedules') continue;
      const blocker = blockingDependency(step, this.facts);
      const root = blocker === undefined ? undefined : (this.facts.get(blocker)?.blockedBy ?? blocker);
      const fact: Fact = root
        ? { action: 'skip', blockedBy: root, detail: `${root} would fail, so a run skips it` }
        : await this.preview(step);
      this.facts.set(step.id, fact);
      previews.push({
        stepId: step.id,
        kind: step.kind,
        name: step.name,
        action: fact.action,
        ...(fact.detail ? { detail: fact.detail } : {}),
      });
    }
    return previews;
  }

  /** The first step that would fail (the schedules step waits for every step), if any. */
  blocked(): string | undefined {
    for (const [id, fact] of this.facts) if (BLOCKING.has(fact.action)) return fact.blockedBy ?? id;
    return undefined;
  }

  private preview(step: PlannedStep): Promise<Fact> {
    const { desired } = step;
    const { personalize: client, scope } = this.deps;
    switch (desired.kind) {
      case 'datasetGroup':
        return previewNamed(datasetGroupDriver(client, scope), desired.serviceConfig);
      case 'schema':
        return previewNamed(schemaDriver(client, scope), desired.serviceConfig);
      case 'filter':
        return previewNamed(filterDriver(client, scope), {
          datasetGroupArn: this.groupArn(),
          serviceConfig: desired.serviceConfig,
        });
      case 'solution':
        return previewNamed(solutionDriver(client, scope), {
          datasetGroupArn: this.groupArn(),
          serviceConfig: desired.serviceConfig,
        });
      case 'dataset':
        return this.dataset(step, desired);
      case 'datasetImportJob':
        return this.datasetImportJob(step, desired);
      case 'eventTracker':
        return this.eventTracker(step, desired);
      case 'solutionVersion':
        return this.solutionVersion(step, desired);
      case 'campaign':
        return this.campaign(step, desired);
      case 'recommender':
        return this.recommender(desired);
      case 'batchInferenceJob':
      case 'batchSegmentJob':
        return this.batchJob(step, desired);
      default:
        throw new Error(`mpx plan cannot preview a ${desired.kind} step`);
    }
  }

  /** ensureDataset: the group's dataset of the type, found by listing; its name and schema may drift. */
  private async dataset(step: PlannedStep, desired: DesiredOf<'dataset'>): Promise<Fact> {
    if (this.input(step, 'datasetGroup')?.arn === undefined) return created();
    const schemaStep = step.dependsOn.find((id) => id.startsWith('schema:'));
    const schemaName = this.plan.steps.find((s) => s.id === schemaStep)?.name ?? '';
    const schemaArn = this.arn('schema', schemaName);
    const arn = await findDatasetArn(this.client, {
      datasetGroupArn: this.groupArn(),
      schemaArn,
      datasetType: desired.datasetType,
      serviceConfig: desired.serviceConfig,
    });
    const dataset = arn
      ? (await describeOrUndefined(() => this.client.send(new DescribeDatasetCommand({ datasetArn: arn }))))?.dataset
      : undefined;
    if (!arn || !dataset) return created();
    const differences = drift(
      { name: desired.serviceConfig.name, schemaArn },
      { name: dataset.name, schemaArn: dataset.schemaArn },
    );
    if (differences.length > 0) return { action: 'drift', arn, detail: differences.join('; ') };
    return actionOfOutcome(outcomeOfStatus('dataset', arn, dataset.status, undefined));
  }

  /** ensureDatasetImportJob's re-use rule: an ACTIVE import of the step's base newer than the data. */
  private async datasetImportJob(step: PlannedStep, desired: DesiredOf<'datasetImportJob'>): Promise<Fact> {
    const now = this.deps.now;
    const datasetArn = this.input(step, 'dataset')?.arn;
    if (datasetArn === undefined) return { ...created(`import ${desired.dataLocation}`), createdAt: now };
    const summaries = [];
    for await (const page of paginateListDatasetImportJobs({ client: this.client }, { datasetArn }))
      for (const s of page.datasetImportJobs ?? []) summaries.push({ ...s, arn: s.datasetImportJobArn });
    const active = activeOfBase(summaries, desired.jobBaseName);
    const modified = desired.dataModifiedAt ? new Date(desired.dataModifiedAt) : undefined;
    const reused = reusableImport(active, modified);
    if (reused) {
      return {
        action: 'reuse import',
        arn: reused.arn,
        createdAt: reused.createdAt,
        detail: `${reused.arn}: the data has not changed since this import`,
      };
    }
    const latest = newest(active);
    if (!latest) return { ...created(`first import of ${desired.dataLocation}`), createdAt: now };
    const why = modified
      ? `${desired.dataLocation} was written at ${modified.toISOString()}, after the latest ACTIVE import (${latest.createdAt.toISOString()})`
      : `when ${desired.dataLocation} was written is unknown`;
    return { action: 're-import', createdAt: now, detail: why };
  }

  /** ensureEventTracker: the group's one tracker, found by listing; another name is drift. */
  private async eventTracker(step: PlannedStep, desired: DesiredOf<'eventTracker'>): Promise<Fact> {
    if (this.input(step, 'datasetGroup')?.arn === undefined) return created();
    const name = desired.serviceConfig.name ?? '';
    const trackers = [];
    for await (const page of paginateListEventTrackers({ client: this.client }, { datasetGroupArn: this.groupArn() }))
      trackers.push(...(page.eventTrackers ?? []));
    const tracker = trackers.find((summary) => summary.name === name) ?? trackers[0];
    if (!tracker) return created();
    const arn = tracker.eventTrackerArn ?? '';
    const differences = drift({ name }, { name: tracker.name });
    if (differences.length > 0) {
      return { action: 'drift', arn, detail: `${differences.join('; ')} (a dataset group has one event tracker)` };
    }
    return actionOfOutcome(outcomeOfStatus('event tracker', arn, tracker.status, undefined));
  }

  /** ensureSolutionVersion's training decision, with the imports this run would make dated now. */
  private async solutionVersion(step: PlannedStep, desired: DesiredOf<'solutionVersion'>): Promise<Fact> {
    const solutionArn = this.input(step, 'solution')?.arn;
    if (solutionArn === undefined) return created('FULL training of a first version');
    const active: Dated[] = [];
    for await (const page of paginateListSolutionVersions({ client: this.client }, { solutionArn })) {
      for (const summary of page.solutionVersions ?? []) {
        if (summary.solutionVersionArn && summary.status === 'ACTIVE' && summary.creationDateTime)
          active.push({ arn: summary.solutionVersionArn, createdAt: summary.creationDateTime });
      }
    }
    const importsCreatedAt = step.dependsOn
      .filter((id) => id.startsWith('datasetImportJob:'))
      .flatMap((id) => {
        const at = this.facts.get(id)?.createdAt;
        return at ? [at] : [];
      });
    const latestActive = newest(active);
    const decision = trainingDecision({
      force: desired.force === true,
      latestActive,
      importsCreatedAt,
      now: this.deps.now,
      ...(desired.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: desired.maxAgeSeconds }),
    });
    if (!decision.train) {
      return {
        action: 'reuse version',
        arn: decision.reuse.arn,
        detail: `${decision.reuse.arn}: no new data since this version and it is within maxAge`,
      };
    }
    // An UPDATE training needs an ACTIVE version to update: the first training is FULL.
    const mode = latestActive ? desired.trainingMode : 'FULL';
    return { action: latestActive ? 'retrain' : 'create', detail: `${mode} training: ${decision.why}` };
  }

  private newVersionOf(step: PlannedStep): string {
    const id = step.dependsOn.find((d) => d.startsWith('solutionVersion:')) ?? '';
    return `(new version of ${id.slice('solutionVersion:'.length)})`;
  }

  /** ensureCampaign: reconcile, then the promotion gate when the version would change. */
  private async campaign(step: PlannedStep, desired: DesiredOf<'campaign'>): Promise<Fact> {
    const { serviceConfig, promotion } = desired;
    const campaignArn = this.arn('campaign', serviceConfig.name ?? '');
    const version = this.input(step, 'solutionVersion')?.arn;
    const target = version ?? this.newVersionOf(step);
    const campaign = (await describeOrUndefined(() => this.client.send(new DescribeCampaignCommand({ campaignArn }))))
      ?.campaign;
    if (!campaign) return created(`serving ${target}`);
    const latest = campaign.latestCampaignUpdate;
    const decision = reconcile(
      'campaign',
      campaignArn,
      {
        status: campaign.status,
        failureReason: campaign.failureReason,
        fields: deployedFields(campaign),
        ...(latest
          ? {
              latestUpdate: {
                status: latest.status,
                failureReason: latest.failureReason,
                fields: deployedFields(latest),
              },
            }
          : {}),
      },
      leaves({
        solutionVersionArn: target,
        minProvisionedTPS: serviceConfig.minProvisionedTPS,
        campaignConfig: serviceConfig.campaignConfig,
      }),
    );
    if (decision.type === 'outcome') return actionOfOutcome(decision.outcome);
    const changes = decision.differences.join('; ');
    const current = campaign.solutionVersionArn;
    if (!promotion || !current || current === target) return { action: 'update', arn: campaignArn, detail: changes };
    const currentValue = await metricOf(this.client, current, promotion.metric);
    if (version === undefined) {
      const gate = `the promotion gate decides after training: the new version needs ${promotion.metric} ≥ ${promotion.minRatio} × ${currentValue === undefined ? `the current version's (it has none: promoted)` : currentValue.toFixed(4)}`;
      return { action: 'update', arn: campaignArn, detail: `${changes}; ${gate}` };
    }
    const verdict = promotionVerdict(
      promotion,
      { arn: version, value: await metricOf(this.client, version, promotion.metric) },
      { arn: current, value: currentValue },
    );
    if (!verdict.promote) return { action: 'reuse', arn: campaignArn, detail: verdict.note };
    return { action: 'update', arn: campaignArn, detail: verdict.note ? `${changes}; ${verdict.note}` : changes };
  }

  /** ensureRecommender: ownership, recipe drift, then reconcile of recommenderConfig. */
  private async recommender(desired: DesiredOf<'recommender'>): Promise<Fact> {
    const { serviceConfig } = desired;
    const recommenderArn = this.arn('recommender', serviceConfig.name ?? '');
    const recommender = (
      await describeOrUndefined(() => this.client.send(new DescribeRecommenderCommand({ recommenderArn })))
    )?.recommender;
    if (!recommender) return created();
    const foreign = foreignGroup('recommender', recommenderArn, this.groupArn(), recommender.datasetGroupArn);
    if (foreign) return actionOfOutcome(foreign);
    const recipe = drift({ recipeArn: serviceConfig.recipeArn }, { recipeArn: recommender.recipeArn });
    if (recipe.length > 0) return { action: 'drift', arn: recommenderArn, detail: recipe.join('; ') };
    const latest = recommender.latestRecommenderUpdate;
    const decision = reconcile(
      'recommender',
      recommenderArn,
      {
        status: recommender.status,
        failureReason: recommender.failureReason,
        fields: leaves({ recommenderConfig: recommender.recommenderConfig }),
        ...(latest
          ? {
              latestUpdate: {
                status: latest.status,
                failureReason: latest.failureReason,
                fields: leaves({ recommenderConfig: latest.recommenderConfig }),
              },
            }
          : {}),
      },
      leaves({ recommenderConfig: serviceConfig.recommenderConfig }),
    );
    if (decision.type === 'outcome') return actionOfOutcome(decision.outcome);
    return { action: 'update', arn: recommenderArn, detail: decision.differences.join('; ') };
  }

  /** The batch job re-use rule: an ACTIVE job of the base on the version in use, within maxAge. */
  private async batchJob(
    step: PlannedStep,
    desired: DesiredOf<'batchInferenceJob'> | DesiredOf<'batchSegmentJob'>,
  ): Promise<Fact> {
    const solutionVersionArn = this.input(step, 'solutionVersion')?.arn;
    if (solutionVersionArn === undefined) return { action: 'run batch job', detail: `on ${this.newVersionOf(step)}` };
    const summaries = [];
    if (desired.kind === 'batchInferenceJob') {
      for await (const page of paginateListBatchInferenceJobs({ client: this.client }, { solutionVersionArn }))
        for (const s of page.batchInferenceJobs ?? []) summaries.push({ ...s, arn: s.batchInferenceJobArn });
    } else {
      for await (const page of paginateListBatchSegmentJobs({ client: this.client }, { solutionVersionArn }))
        for (const s of page.batchSegmentJobs ?? []) summaries.push({ ...s, arn: s.batchSegmentJobArn });
    }
    const reused = reuseBatchJob(
      {
        solutionVersionArn,
        jobBaseName: desired.jobBaseName,
        inputPath: desired.inputPath,
        outputPrefix: desired.outputPrefix,
        roleArn: this.deps.personalizeRoleArn,
        intentAt: this.deps.now,
        serviceConfig: desired.serviceConfig,
        force: desired.force === true,
        ...(desired.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: desired.maxAgeSeconds }),
      },
      summaries,
    );
    if (reused) {
      const why = reused.note.replace(/^re-used: /, '');
      return { action: 'reuse batch job', arn: reused.arn, detail: `${reused.arn}: ${why}` };
    }
    const ran = activeOfBase(summaries, desired.jobBaseName).length > 0;
    return {
      action: 'run batch job',
      detail: ran
        ? `the ACTIVE ${desired.jobBaseName} jobs on ${solutionVersionArn} are older than maxAge`
        : `no ACTIVE ${desired.jobBaseName} job on ${solutionVersionArn}`,
    };
  }
}

/**
 * What reconciling the file's schedules would change in the schedule group
 * (desiredSchedules + readSchedules + planSchedules, without the writes).
 * @throws ScheduleReconcileError when the run's schedules step would fail
 *   (an unusable expression, a name another dataset group's schedule holds);
 *   Scheduler's errors unchanged.
 */
export async function previewSchedules(
  deps: ReconcileDeps,
  datasetGroup: string,
  configured: readonly ConfiguredSchedule[],
  target: RunsQueueTarget,
): Promise<{ readonly changes: ScheduleChanges; readonly plan: SchedulePlan }> {
  const desired = desiredSchedules(datasetGroup, configured);
  const existing = await readSchedules(deps, scheduleNamePrefix(datasetGroup));
  const plan = planSchedules(datasetGroup, desired, existing, deps.groupName, target);
  return { changes: scheduleChangeNames(plan), plan };
}

const NO_SCHEDULE_CHANGES: ScheduleChanges = { create: [], update: [], delete: [], unchanged: [] };

function schedulesStep(step: PlannedStep, plan: SchedulePlan): StepPreview {
  const { create, update, delete: deleted } = plan;
  const parts = [
    ...(create.length > 0 ? [`create ${create.map((r) => r.Name).join(', ')}`] : []),
    ...(update.length > 0
      ? [`update ${update.map((u) => `${u.request.Name} (${u.changes.join(', ')})`).join(', ')}`]
      : []),
    ...(deleted.length > 0 ? [`delete ${deleted.join(', ')}`] : []),
  ];
  return {
    stepId: step.id,
    kind: step.kind,
    name: step.name,
    action: parts.length === 0 ? 'unchanged' : 'update',
    ...(parts.length > 0 ? { detail: parts.join('; ') } : {}),
  };
}

/**
 * Previews a planned upload run (planRun without a task) against the current
 * state: one entry per step except the notification, and the schedule changes.
 * Sends only Describe*, List* and Get* requests.
 * @throws the SDK's errors (no credentials, a missing schedule group…).
 */
export async function inspectPlan(plan: RunPlan, deps: InspectDeps): Promise<PlanPreview> {
  const previewer = new Previewer(plan, deps);
  const steps = await previewer.run();
  const datasetGroup = plan.steps.find((s) => s.kind === 'datasetGroup')?.name ?? '';
  const schedulesPlanned = plan.steps.find((s) => s.kind === 'schedules');
  if (schedulesPlanned?.desired.kind !== 'schedules') return { datasetGroup, steps, schedules: NO_SCHEDULE_CHANGES };
  let previewed: Awaited<ReturnType<typeof previewSchedules>>;
  try {
    previewed = await previewSchedules(
      deps.schedules,
      datasetGroup,
      schedulesPlanned.desired.schedules,
      deps.schedules.target,
    );
  } catch (error) {
    if (!(error instanceof ScheduleReconcileError)) throw error;
    const failing: StepPreview = {
      stepId: schedulesPlanned.id,
      kind: schedulesPlanned.kind,
      name: schedulesPlanned.name,
      action: 'fail',
      detail: error.message,
    };
    return { datasetGroup, steps: [...steps, failing], schedules: NO_SCHEDULE_CHANGES };
  }
  const blocker = previewer.blocked();
  const step: StepPreview = blocker
    ? {
        stepId: schedulesPlanned.id,
        kind: schedulesPlanned.kind,
        name: schedulesPlanned.name,
        action: 'skip',
        detail: `${blocker} would fail, so a run leaves the schedules as they are`,
      }
    : schedulesStep(schedulesPlanned, previewed.plan);
  return { datasetGroup, steps: [...steps, step], schedules: previewed.changes };
}

/** A request an inspection must never send: anything but Describe*, List*, Get* (and S3's Head*). */
export class NotReadOnlyError extends Error {
  override readonly name = 'NotReadOnlyError';
}

const READ_ONLY_COMMAND = /^(Describe|List|Get|Head)[A-Za-z0-9]*Command$/;

/** Whether an SDK command (by its class name, `DescribeCampaignCommand`) only reads. */
export const isReadOnlyCommand = (commandName: string | undefined): boolean =>
  commandName !== undefined && READ_ONLY_COMMAND.test(commandName);

interface MiddlewareHost {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: never) => Promise<unknown>,
        context: { readonly commandName?: string },
      ) => (args: never) => Promise<unknown>,
      options: { readonly step: 'initialize'; readonly name: string },
    ): void;
  };
}

/**
 * Makes `client` refuse, before sending, every request that is not a
 * Describe/List/Get (or S3 Head): a plan that reads state cannot change it,
 * whatever a helper it reuses would send. Returns the client.
 * @throws NotReadOnlyError from `send` for any other command.
 */
export function readOnly<Client extends MiddlewareHost>(client: Client, service: string): Client {
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (!isReadOnlyCommand(context.commandName)) {
        throw new NotReadOnlyError(
          `mpx plan only reads: it refused to send ${service} ${context.commandName ?? 'an unnamed command'}`,
        );
      }
      return next(args);
    },
    { step: 'initialize', name: 'mpxReadOnly' },
  );
  return client;
}
