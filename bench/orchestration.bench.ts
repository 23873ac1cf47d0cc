import { type LatencyProfile, REALISTIC } from '../local/personalize/profile.js';
import { batchJobBaseName } from '../shared/config/names.js';
import type { ParameterFile } from '../shared/config/types.js';
import { validate } from '../shared/config/validate.js';
import { findDataLocations } from '../shared/uploads/data-locations.js';
import { planRun, type RunPlan } from '../shared/workflow/plan.js';
import type { RunPolicy } from '../shared/workflow/policy.js';
import { criticalPath } from './lib/critical-path.js';
import { type LowerBound, quotaAwareLowerBound } from './lib/lower-bound.js';
import {
  type Cost,
  gbSeconds,
  type MpxUsage,
  priceMpx,
  priceReference,
  type ReferenceUsage,
  referenceUsage,
} from './lib/pricing.js';
import { peakCount } from './lib/rates.js';
import { describesFor, simulateRuns } from './lib/simulate.js';
import { type MeasuredStep, type Measurement, measureUploads } from './local-run.js';
import { largeUpload, seedSampleUpload, type Upload } from './scenarios.js';
import { median, percentile } from './stats.js';

/**
 * Orchestration on the local cloud (bench/local-run.ts), measured against the
 * critical path and against the deprecated solution's policy replayed on the
 * same engine (MPX_POLICY=reference), with what each run costs; and a scale
 * run of five dataset groups uploaded at once against Personalize's default
 * caps. Every measured makespan is set beside two models of the same plan
 * (bench/lib/simulate.ts): at the run's own poll scale — what whole-second
 * SQS delays cost at that speed — and at AWS scale; measured − model at the
 * same scale is what the local cloud's hops add (wall time × speed).
 */

export interface RunFigures {
  readonly scenario: string;
  readonly policy: RunPolicy;
  readonly repetition: number;
  readonly speed: number;
  readonly statuses: readonly string[];
  /** AWS seconds. */
  readonly makespan: number;
  readonly criticalPath: number;
  readonly makespanRatio: number;
  readonly modelMakespanAtSpeed: number;
  readonly modelMakespanAws: number;
  readonly wallSeconds: number;
  readonly describeMax: number;
  readonly describeMaxResource: string;
  /** Most Describe calls on one resource, by step kind. */
  readonly describeMaxByKind: Readonly<Record<string, number>>;
  readonly personalizeRequests: number;
  readonly limitExceeded: number;
  /** Wall milliseconds from a step's last dependency ending to the step starting. */
  readonly hopMsMedian: number;
  readonly hopMsP90: number;
  readonly usage: MpxUsage & {
    readonly lambdaInitGbSeconds: number;
    readonly emptyReceives: number;
    readonly eventBridgeEvents: number;
  };
  /** What the run cost on mpx's stack (a reference-policy run too: the engine it ran on). */
  readonly cost: Cost;
  /** Reference-policy runs: the same steps priced as the original (Step Functions + Lambda). */
  readonly referenceUsage?: ReferenceUsage;
  readonly referenceCost?: Cost;
  /** The same, from the polls the model makes at AWS scale (whole-second delays at ×speed poll the original less often). */
  readonly referenceCostModelAws?: Cost;
  /** Campaigns and batch jobs Personalize says use another solution's version. */
  readonly miswired: readonly string[];
  readonly failures: readonly string[];
  readonly steps: readonly MeasuredStep[];
  /** Queues with an event source mapping (each polled, idle or not). */
  readonly pollerQueues: number;
}

export interface ScaleFigures extends RunFigures {
  readonly groups: number;
  readonly lowerBound: LowerBound;
  readonly makespanVsLowerBound: number;
  readonly modelVsLowerBound: number;
  /** Personalize control-plane requests per second: busiest AWS minute, and busiest wall second. */
  readonly peakPersonalizeRpsAws: number;
  readonly peakPersonalizeBurstPerWallSecond: number;
  readonly throttledPolls: number;
}

export interface TwoHourFigures {
  readonly speed: number;
  readonly computedMpx: number;
  readonly computedReference: number;
  /** Describe calls on each 2-hour solution version, measured. */
  readonly measured: readonly number[];
  readonly makespan: number;
}

export interface OrchestrationResults {
  readonly quick: boolean;
  readonly speed: number;
  readonly repetitions: number;
  readonly runs: readonly RunFigures[];
  readonly scale: ScaleFigures;
  readonly twoHour: TwoHourFigures;
}

/** The plan a run of `upload` makes (without the reference barriers: the true dependencies). */
export function planOf(upload: Upload, policy?: RunPolicy): RunPlan {
  const result = validate(JSON.stringify(upload.config));
  if (!result.config)
    throw new Error(`${upload.datasetGroup}: invalid parameter file ${JSON.stringify(result.errors)}`);
  const folder = `train/${upload.datasetGroup}/`;
  const data = findDataLocations('bench', folder, Object.keys(upload.files));
  return planRun(result.config as ParameterFile, data, 'bench', policy ? { policy } : {});
}

/** The solution each campaign and batch job step belongs to, from the parameter file. */
function ownersOf(upload: Upload): Map<string, string> {
  const owners = new Map<string, string>();
  const config = validate(JSON.stringify(upload.config)).config;
  for (const solution of config?.solutions ?? []) {
    const name = solution.serviceConfig.name ?? '';
    for (const campaign of solution.campaigns ?? []) owners.set(`campaign:${campaign.serviceConfig.name}`, name);
    for (const [i, job] of (solution.batchInferenceJobs ?? []).entries())
      owners.set(`batchInferenceJob:${batchJobBaseName(name, job.serviceConfig.jobName, i)}`, name);
    for (const [i, job] of (solution.batchSegmentJobs ?? []).entries())
      owners.set(`batchSegmentJob:${batchJobBaseName(name, job.serviceConfig.jobName, i)}`, name);
  }
  return owners;
}

/** `arn:aws:personalize:r:a:solution/<name>/<id>` → `<name>`. */
const solutionOfVersion = (arn: string) => arn.split(':solution/')[1]?.split('/')[0] ?? '';

function sumBy<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((sum, item) => sum + value(item), 0);
}

/** Figures of one measurement of `uploads` under `policy`. */
export function figuresOf(
  scenario: string,
  repetition: number,
  uploads: readonly Upload[],
  measurement: Measurement,
  profile: LatencyProfile,
): RunFigures {
  const { stats, speed, policy } = measurement;
  const plans = uploads.map((u) => planOf(u));
  const policyPlans = uploads.map((u) => planOf(u, policy));
  const path = Math.max(...plans.map((p) => criticalPath(p, profile).seconds));
  const atSpeed = simulateRuns(policyPlans, { profile, policy, pollScale: 1 / speed });
  const aws = simulateRuns(policyPlans, { profile, policy, pollScale: 1 });

  const steps = measurement.runs.flatMap((r) => r.steps);
  const kindOfArn = new Map(steps.flatMap((s) => (s.arn ? [[s.arn, s.kind] as const] : [])));
  const describes = Object.entries(stats.describes).sort((a, b) => b[1] - a[1]);
  const describeMaxByKind: Record<string, number> = {};
  for (const [arn, count] of describes) {
    const kind = kindOfArn.get(arn) ?? 'other';
    describeMaxByKind[kind] = Math.max(describeMaxByKind[kind] ?? 0, count);
  }
  const personalize = Object.values(stats.requests.personalize ?? {});
  const functions = Object.values(stats.functions);
  const pollers = Object.values(stats.pollers);
  const sqsOperations = Object.entries(stats.requests.sqs ?? {});
  const receivesWithMessages = sumBy(pollers, (p) => p.receives - p.emptyReceives);
  const usage = {
    lambdaInvocations: sumBy(functions, (f) => f.invocations),
    lambdaGbSeconds: sumBy(
      functions,
      (f) =>
        gbSeconds(f.billedMs, f.memoryMb) +
        gbSeconds(
          sumBy(f.coldStartsMs, (ms) => Math.ceil(ms)),
          f.memoryMb,
        ),
    ),
    lambdaInitGbSeconds: sumBy(functions, (f) =>
      gbSeconds(
        sumBy(f.coldStartsMs, (ms) => Math.ceil(ms)),
        f.memoryMb,
      ),
    ),
    // Every SQS request but the pollers' empty receives (a fixed cost of each queue, not of a run).
    sqsRequests:
      sumBy(
        sqsOperations.filter(([op]) => op !== 'ReceiveMessage'),
        ([, s]) => s.count,
      ) + receivesWithMessages,
    emptyReceives: sumBy(pollers, (p) => p.emptyReceives),
    dynamodbReadUnits: sumBy(Object.values(stats.dynamodbCapacity), (c) => c.readUnits),
    dynamodbWriteUnits: sumBy(Object.values(stats.dynamodbCapacity), (c) => c.writeUnits),
    schedulerInvocations: stats.schedulerInvocations,
    eventBridgeEvents: stats.requests.events?.PutEvents?.count ?? 0,
  };

  // Hops: from the end of a step's last dependency to its start, in wall milliseconds.
  const hops: number[] = [];
  for (const [index, run] of measurement.runs.entries()) {
    const plan = policyPlans[uploads.findIndex((u) => u.datasetGroup === run.datasetGroup)] ?? plans[index];
    const byId = new Map(run.steps.map((s) => [s.id, s]));
    for (const step of plan?.steps ?? []) {
      const measured = byId.get(step.id);
      if (!measured || step.dependsOn.length === 0 || step.kind === 'notify') continue;
      const ready = Math.max(...step.dependsOn.map((d) => byId.get(d)?.end ?? 0));
      hops.push(((measured.start - ready) / speed) * 1000);
    }
  }

  const owners = new Map(uploads.flatMap((u) => [...ownersOf(u)]));
  const miswired = steps.flatMap((s) =>
    s.solutionVersionArn && owners.has(s.id) && solutionOfVersion(s.solutionVersionArn) !== owners.get(s.id)
      ? [`${s.id} uses ${solutionOfVersion(s.solutionVersionArn)}'s version, not ${owners.get(s.id)}'s`]
      : [],
  );
  const reference = policy === 'reference' ? referenceUsage(steps, measurement.runs.length) : undefined;
  return {
    scenario,
    policy,
    repetition,
    speed,
    statuses: measurement.runs.map((r) => r.status),
    makespan: measurement.makespan,
    criticalPath: path,
    makespanRatio: measurement.makespan / path,
    modelMakespanAtSpeed: atSpeed.makespan,
    modelMakespanAws: aws.makespan,
    wallSeconds: measurement.wallSeconds,
    describeMax: describes[0]?.[1] ?? 0,
    describeMaxResource: describes[0]?.[0] ?? '',
    describeMaxByKind,
    personalizeRequests: sumBy(personalize, (s) => s.count),
    limitExceeded: sumBy(personalize, (s) => s.errors.LimitExceededException ?? 0),
    hopMsMedian: median(hops),
    hopMsP90: percentile(hops, 90),
    usage,
    cost: priceMpx(usage),
    ...(reference
      ? {
          referenceUsage: reference,
          referenceCost: priceReference(reference),
          referenceCostModelAws: priceReference(referenceUsage(aws.steps, measurement.runs.length)),
        }
      : {}),
    miswired,
    failures: steps.flatMap((s) => (s.failureReason ? [`${s.id}: ${s.failureReason}`] : [])),
    steps: measurement.runs[0]?.steps ?? [],
    pollerQueues: pollers.length,
  };
}

/** Wall seconds to allow a measurement: three times the modelled makespan, plus a minute. */
function timeoutFor(uploads: readonly Upload[], policy: RunPolicy, speed: number, profile = REALISTIC): number {
  const plans = uploads.map((u) => planOf(u, policy));
  return 60 + (3 * simulateRuns(plans, { profile, policy, pollScale: 1 / speed }).makespan) / speed;
}

export async function runOrchestrationBench(
  quick: boolean,
  log: (line: string) => void = () => undefined,
): Promise<OrchestrationResults> {
  const speed = quick ? 120 : 60;
  const repetitions = quick ? 1 : 3;
  const runs: RunFigures[] = [];
  const scenarios: [string, () => Promise<Upload[]>][] = [
    ['seed', async () => [await seedSampleUpload()]],
    ['large', async () => [await largeUpload('bench-large')]],
  ];
  for (const [scenario, make] of scenarios) {
    const uploads = await make();
    for (let repetition = 0; repetition < repetitions; repetition += 1) {
      // Alternate which policy goes first, so drift in the machine's load does not favour one.
      const order: RunPolicy[] = repetition % 2 === 0 ? ['mpx', 'reference'] : ['reference', 'mpx'];
      for (const policy of order) {
        const measurement = await measureUploads(uploads, {
          speed,
          policy,
          timeoutSeconds: timeoutFor(uploads, policy, speed),
          log,
        });
        const figures = figuresOf(scenario, repetition, uploads, measurement, REALISTIC);
        log(
          `${scenario} ${policy} #${repetition + 1}: ${figures.statuses.join(',')} makespan ${(figures.makespan / 60).toFixed(1)} min (model ${(figures.modelMakespanAtSpeed / 60).toFixed(1)} at ×${speed}, ${(figures.modelMakespanAws / 60).toFixed(1)} on AWS; critical path ${(figures.criticalPath / 60).toFixed(1)}) in ${figures.wallSeconds.toFixed(0)} s`,
        );
        runs.push(figures);
      }
    }
  }

  const groups = await Promise.all([0, 1, 2, 3, 4].map((i) => largeUpload(`bench-scale-${i}`, 11 + i)));
  const scaleMeasurement = await measureUploads(groups, {
    speed,
    policy: 'mpx',
    timeoutSeconds: timeoutFor(groups, 'mpx', speed),
    log,
  });
  const scaleRun = figuresOf('scale', 0, groups, scaleMeasurement, REALISTIC);
  const lowerBound = quotaAwareLowerBound(
    groups.map((u) => planOf(u)),
    REALISTIC,
  );
  const throttled = simulateRuns(
    groups.map((u) => planOf(u)),
    { profile: REALISTIC, policy: 'mpx', pollScale: 1 / speed },
  );
  const scale: ScaleFigures = {
    ...scaleRun,
    groups: groups.length,
    lowerBound,
    makespanVsLowerBound: scaleRun.makespan / lowerBound.seconds,
    modelVsLowerBound: scaleRun.modelMakespanAws / lowerBound.seconds,
    peakPersonalizeRpsAws: peakCount(scaleMeasurement.personalizeRequestTimes, 60_000 / speed) / 60,
    peakPersonalizeBurstPerWallSecond: peakCount(scaleMeasurement.personalizeRequestTimes, 1000),
    throttledPolls: sumBy(throttled.steps, (s) => s.throttled),
  };
  log(
    `scale: ${scale.statuses.join(',')} makespan ${(scale.makespan / 60).toFixed(1)} min, lower bound ${(lowerBound.seconds / 60).toFixed(1)} min, ${scale.limitExceeded} LimitExceeded, in ${scale.wallSeconds.toFixed(0)} s`,
  );

  // A 2-hour training: the seed sample on a profile whose solution versions take 2 h.
  const twoHourSpeed = quick ? 240 : speed;
  const twoHourProfile: LatencyProfile = { ...REALISTIC, solutionVersion: [2 * 60_000, 118 * 60_000] };
  const seed = [await seedSampleUpload()];
  const twoHourMeasurement = await measureUploads(seed, {
    speed: twoHourSpeed,
    policy: 'mpx',
    profile: twoHourProfile,
    timeoutSeconds:
      60 +
      (3 *
        simulateRuns([planOf(seed[0] as Upload)], { profile: twoHourProfile, policy: 'mpx', pollScale: 1 }).makespan) /
        twoHourSpeed,
    log,
  });
  const versions = twoHourMeasurement.runs.flatMap((r) =>
    r.steps.filter((s) => s.kind === 'solutionVersion' && s.arn).map((s) => s.arn as string),
  );
  const twoHour: TwoHourFigures = {
    speed: twoHourSpeed,
    computedMpx: describesFor('mpx', 'solutionVersion', 7200),
    computedReference: describesFor('reference', 'solutionVersion', 7200),
    measured: versions.map((arn) => twoHourMeasurement.stats.describes[arn] ?? 0),
    makespan: twoHourMeasurement.makespan,
  };
  log(`2-hour training: ${twoHour.measured.join(', ')} Describe calls per version (computed ${twoHour.computedMpx})`);
  return { quick, speed, repetitions, runs, scale, twoHour };
}

/** Medians over repetitions of one scenario and policy. */
export function medianOf(
  runs: readonly RunFigures[],
  scenario: string,
  policy: RunPolicy,
  value: (r: RunFigures) => number,
): number {
  return median(runs.filter((r) => r.scenario === scenario && r.policy === policy).map(value));
}
