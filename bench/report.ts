import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FunctionsBench } from './functions.bench.js';
import { type GanttPanel, renderGantt } from './lib/gantt.js';
import { IDLE_POLLING, idlePollingPerMonth, PRICES, REFERENCE_ASSUMPTIONS } from './lib/pricing.js';
import { medianOf, type OrchestrationResults, type RunFigures } from './orchestration.bench.js';

/**
 * bench/results/: summary.json (the headline figures and the targets),
 * report.md (every figure, how it was made, the timelines) and one SVG
 * timeline per orchestration scenario, ours above the reference.
 */

export interface BenchResults {
  readonly quick: boolean;
  readonly command: string;
  readonly startedAt: string;
  readonly wallSeconds: number;
  readonly node: string;
  readonly cpus: number;
  readonly orchestration: OrchestrationResults;
  readonly functions: FunctionsBench;
  /** The one-line benches (validate, import, models, runtime, training), by name. */
  readonly lines: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface Target {
  readonly value: number;
  readonly target: string;
  readonly met: boolean;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const minutes = (seconds: number) => (seconds / 60).toFixed(1);
const dollars = (n: number) => `$${n.toFixed(6)}`;

const costRatio = (runs: readonly RunFigures[], scenario: string) =>
  medianOf(runs, scenario, 'mpx', (r) => r.cost.total) /
  medianOf(runs, scenario, 'reference', (r) => r.referenceCost?.total ?? Number.NaN);

const makespanVsReference = (runs: readonly RunFigures[], scenario: string, value: (r: RunFigures) => number) =>
  medianOf(runs, scenario, 'mpx', value) / medianOf(runs, scenario, 'reference', value);

/** The queues mpx polls (one per event source mapping) and their idle cost per month. */
const idle = (results: BenchResults) => {
  const run = results.orchestration.runs.find((r) => r.policy === 'mpx');
  return idlePollingPerMonth(run?.pollerQueues ?? 4);
};

/** Seed runs a month at which the original's per-run cost pays for mpx's idle polling. */
const breakEven = (results: BenchResults) => {
  const { runs } = results.orchestration;
  const saving =
    medianOf(runs, 'seed', 'reference', (r) => r.referenceCost?.total ?? Number.NaN) -
    medianOf(runs, 'seed', 'mpx', (r) => r.cost.total);
  return idle(results).dollars / saving;
};

export function summaryOf(results: BenchResults): Record<string, unknown> {
  const { runs, scale, twoHour } = results.orchestration;
  const fns = results.functions.functions;
  const figures = {
    makespanRatio: medianOf(runs, 'seed', 'mpx', (r) => r.makespanRatio),
    makespanVsReference: makespanVsReference(runs, 'seed', (r) => r.makespan),
    describePerResourceMax: twoHour.computedMpx,
    costVsReference: costRatio(runs, 'seed'),
    bundleKbMax: Math.max(...fns.map((f) => f.bundleKb)),
    coldInitMsMedian: Math.max(...fns.map((f) => f.coldInitMsMedian)),
  };
  const targets: Record<string, Target> = {
    makespanRatio: { value: figures.makespanRatio, target: '≤ 1.05', met: figures.makespanRatio <= 1.05 },
    makespanVsReference: {
      value: figures.makespanVsReference,
      target: '≤ 0.8',
      met: figures.makespanVsReference <= 0.8,
    },
    describePerResourceMax: {
      value: figures.describePerResourceMax,
      target: '≤ 12 for a 2-hour training',
      met: figures.describePerResourceMax <= 12,
    },
    costVsReference: { value: figures.costVsReference, target: '≤ 0.2', met: figures.costVsReference <= 0.2 },
    bundleKbMax: { value: figures.bundleKbMax, target: '≤ 500', met: figures.bundleKbMax <= 500 },
    coldInitMsMedian: { value: figures.coldInitMsMedian, target: '≤ 150', met: figures.coldInitMsMedian <= 150 },
  };
  const lines = results.lines;
  return {
    generatedAt: results.startedAt,
    command: results.command,
    mode: results.quick ? 'quick' : 'full',
    wallSeconds: round(results.wallSeconds, 0),
    node: results.node,
    cpus: results.cpus,
    speed: results.orchestration.speed,
    repetitions: results.orchestration.repetitions,
    ...Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, round(v)])),
    targets: Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, { ...t, value: round(t.value) }])),
    details: {
      makespanRatioModelAws: round(medianOf(runs, 'seed', 'mpx', (r) => r.modelMakespanAws / r.criticalPath)),
      makespanRatioModelAtSpeed: round(medianOf(runs, 'seed', 'mpx', (r) => r.modelMakespanAtSpeed / r.criticalPath)),
      makespanRatioLarge: round(medianOf(runs, 'large', 'mpx', (r) => r.makespanRatio)),
      makespanVsReferenceModelAws: round(makespanVsReference(runs, 'seed', (r) => r.modelMakespanAws)),
      makespanVsReferenceLarge: round(makespanVsReference(runs, 'large', (r) => r.makespan)),
      makespanVsReferenceLargeModelAws: round(makespanVsReference(runs, 'large', (r) => r.modelMakespanAws)),
      describePerResourceMaxReference2h: twoHour.computedReference,
      describePerResourceMeasured2h: Math.max(0, ...twoHour.measured),
      describePerResourceMaxMeasuredSeed: medianOf(runs, 'seed', 'mpx', (r) => r.describeMax),
      describePerResourceMaxMeasuredLarge: medianOf(runs, 'large', 'mpx', (r) => r.describeMax),
      costVsReferenceLarge: round(costRatio(runs, 'large')),
      idlePollingUsdPerMonth: round(idle(results).dollars, 2),
      breakEvenRunsPerMonth: round(breakEven(results), 0),
      costVsReferenceModelAwsPolls: round(
        medianOf(runs, 'seed', 'mpx', (r) => r.cost.total) /
          medianOf(runs, 'seed', 'reference', (r) => r.referenceCostModelAws?.total ?? Number.NaN),
      ),
      costPerRunUsd: {
        seedReferenceFromModelAwsPolls: round(
          medianOf(runs, 'seed', 'reference', (r) => r.referenceCostModelAws?.total ?? Number.NaN),
          6,
        ),
        seedMpx: round(
          medianOf(runs, 'seed', 'mpx', (r) => r.cost.total),
          6,
        ),
        seedReference: round(
          medianOf(runs, 'seed', 'reference', (r) => r.referenceCost?.total ?? Number.NaN),
          6,
        ),
        largeMpx: round(
          medianOf(runs, 'large', 'mpx', (r) => r.cost.total),
          6,
        ),
        largeReference: round(
          medianOf(runs, 'large', 'reference', (r) => r.referenceCost?.total ?? Number.NaN),
          6,
        ),
      },
      scale: {
        groups: scale.groups,
        statuses: scale.statuses,
        limitExceeded: scale.limitExceeded,
        failures: scale.failures.length,
        makespanMinutes: round(scale.makespan / 60, 1),
        lowerBoundMinutes: round(scale.lowerBound.seconds / 60, 1),
        makespanVsLowerBound: round(scale.makespanVsLowerBound),
        modelAwsVsLowerBound: round(scale.modelVsLowerBound),
        peakPersonalizeRpsAws: round(scale.peakPersonalizeRpsAws, 2),
        peakPersonalizeBurstPerWallSecond: scale.peakPersonalizeBurstPerWallSecond,
      },
      emulator: {
        importRowsPerSecond: round(lines['import-csv-1m']?.rowsPerSecond ?? Number.NaN, 0),
        upTrainingSeconds100k: round(lines.training?.upTrainingSeconds100k ?? Number.NaN, 2),
        upTrainingSeconds1m: round(lines.training?.upTrainingSeconds1m ?? Number.NaN, 2),
        getRecommendationsP50Ms: round(lines['runtime-200rps']?.p50Ms ?? Number.NaN, 2),
        getRecommendationsP99Ms: round(lines['runtime-200rps']?.p99Ms ?? Number.NaN, 2),
      },
    },
  };
}

/** The timelines of one scenario's first repetition: ours, then the reference, with the critical path marked. */
export function timelineOf(runs: readonly RunFigures[], scenario: string): string | undefined {
  const panels: GanttPanel[] = [];
  for (const policy of ['mpx', 'reference'] as const) {
    const run = runs.find((r) => r.scenario === scenario && r.policy === policy);
    if (!run) continue;
    panels.push({
      title: `${scenario}: ${policy === 'mpx' ? 'mpx (true dependencies, adaptive polling)' : 'reference policy (the original’s stage barriers and polling)'} — ${minutes(run.makespan)} min, measured at ×${run.speed}`,
      bars: run.steps
        .filter((s) => s.kind !== 'notify')
        .map((s) => ({ label: `${s.kind} ${s.name}`, kind: s.kind, start: s.start, end: s.end })),
      markers: [{ at: run.criticalPath, label: `critical path ${minutes(run.criticalPath)} min` }],
    });
  }
  return panels.length > 0 ? renderGantt(panels) : undefined;
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function reportOf(results: BenchResults, summary: Record<string, unknown>): string {
  const { runs, scale, twoHour, speed, repetitions } = results.orchestration;
  const targets = summary.targets as Record<string, Target>;
  const scenarioRows = (['seed', 'large'] as const).flatMap((scenario) =>
    (['mpx', 'reference'] as const).map((policy) => {
      const m = (value: (r: RunFigures) => number) => medianOf(runs, scenario, policy, value);
      const statuses = runs.filter((r) => r.scenario === scenario && r.policy === policy).flatMap((r) => r.statuses);
      return [
        scenario,
        policy,
        statuses.join(', '),
        minutes(m((r) => r.makespan)),
        minutes(m((r) => r.criticalPath)),
        m((r) => r.makespanRatio).toFixed(3),
        minutes(m((r) => r.modelMakespanAtSpeed)),
        minutes(m((r) => r.modelMakespanAws)),
        (m((r) => r.modelMakespanAws) / m((r) => r.criticalPath)).toFixed(3),
        m((r) => r.hopMsMedian).toFixed(0),
        m((r) => r.describeMax),
        m((r) => r.personalizeRequests),
        m((r) => r.wallSeconds).toFixed(0),
      ];
    }),
  );
  const usageRows = (['seed', 'large'] as const).flatMap((scenario) =>
    (['mpx', 'reference'] as const).map((policy) => {
      const m = (value: (r: RunFigures) => number) => medianOf(runs, scenario, policy, value);
      return [
        scenario,
        policy,
        m((r) => r.usage.lambdaInvocations),
        m((r) => r.usage.lambdaGbSeconds).toFixed(2),
        m((r) => r.usage.sqsRequests),
        m((r) => r.usage.emptyReceives),
        m((r) => r.usage.dynamodbReadUnits),
        m((r) => r.usage.dynamodbWriteUnits),
        m((r) => r.usage.schedulerInvocations),
        m((r) => r.usage.eventBridgeEvents),
        dollars(m((r) => r.cost.total)),
        policy === 'reference' ? m((r) => r.referenceUsage?.transitions ?? 0) : '',
        policy === 'reference' ? dollars(m((r) => r.referenceCost?.total ?? 0)) : '',
      ];
    }),
  );
  const findings = runs.flatMap((r) =>
    [...r.miswired.map((w) => `miswired: ${w}`), ...r.failures.map((f) => `failed: ${f}`)].map(
      (text) => `- ${r.scenario} ${r.policy} #${r.repetition + 1}: ${text}`,
    ),
  );
  const describeKinds = Object.entries(
    runs.find((r) => r.scenario === 'seed' && r.policy === 'mpx')?.describeMaxByKind ?? {},
  );
  const fnRows = results.functions.functions.map((f) => [
    f.name,
    f.bundleKb.toFixed(0),
    f.zipKb.toFixed(0),
    f.sourceMapKb.toFixed(0),
    f.coldInitMsMedian.toFixed(0),
    f.coldInitMsP90.toFixed(0),
    f.coldInitMsNoSourceMapsMedian.toFixed(0),
    f.topPackagesKb.map((p) => `${p.name} ${p.kb.toFixed(0)}`).join(', '),
  ]);
  const lineRows = Object.entries(results.lines).map(([name, figures]) => [
    name,
    Object.entries(figures)
      .map(([k, v]) => `${k} ${Math.round(v * 100) / 100}`)
      .join(', '),
  ]);
  return `# mpx benchmarks — results

Produced by \`${results.command}\` on ${results.startedAt} (${results.quick ? 'quick' : 'full'} mode, ${Math.round(results.wallSeconds)} s wall, Node ${results.node}, ${results.cpus} CPUs).
Orchestration figures: the realistic latency profile at ×${speed} (functions' MPX_POLL_SCALE = 1/${speed}), wall times × ${speed} = AWS time,
medians of ${repetitions} repetition(s) per scenario and policy; the scale run and the 2-hour training run once.
Method and caveats: docs/benchmarks.md.

## Targets

${table(
  ['figure', 'value', 'target', 'met'],
  Object.entries(targets).map(([name, t]) => [name, round(t.value), t.target, t.met ? 'yes' : '**no**']),
)}

## 1–2. Orchestration, ours vs the reference policy

Makespan: the run's start to its end (AWS minutes). Model: bench/lib/simulate.ts on the same plan — "at ×${speed}" with the
functions' whole-second SQS delays at that scale, "AWS" at poll scale 1 — neither has any orchestration overhead.
Hop: wall milliseconds from a step's last dependency ending to the step starting (SQS + Lambda + DynamoDB locally).

${table(
  [
    'scenario',
    'policy',
    'status',
    'makespan',
    'critical path',
    'ratio',
    `model ×${speed}`,
    'model AWS',
    'model AWS ratio',
    'hop ms',
    'max Describe / resource',
    'Personalize requests',
    'wall s',
  ],
  scenarioRows,
)}

Most Describe calls on one resource, by kind (seed, mpx): ${describeKinds.map(([k, v]) => `${k} ${v}`).join(', ')}.
A 2-hour training: ${twoHour.computedMpx} Describe calls computed from \`nextPollDelay\` (reference policy: ${twoHour.computedReference});
measured ${twoHour.measured.join(', ')} per solution version at ×${twoHour.speed}.

### Per run: requests and dollars

Prices: ${PRICES.asOf}. mpx = Lambda (arm64, 512 MB; handler + init time measured locally) + SQS (sends, deletes and receives
that returned messages; the pollers' empty receives are listed apart: on AWS they are a fixed cost per queue) + DynamoDB
on demand (capacity units as dynalite computes them; index writes not included) + Scheduler. The reference is priced as
the original ran: Step Functions Standard transitions (task attempts measured on the same engine + an estimate of
${REFERENCE_ASSUMPTIONS.runTransitions} per run and a few per resource for Pass/Choice/Map/Parallel states) + Lambda
(x86, ${REFERENCE_ASSUMPTIONS.memoryMb} MB, ${REFERENCE_ASSUMPTIONS.billedMsPerInvocation} ms per attempt, assumed).

${table(
  [
    'scenario',
    'policy',
    'Lambda invocations',
    'GB-s',
    'SQS requests',
    'empty receives',
    'DynamoDB RRU',
    'DynamoDB WRU',
    'Scheduler',
    'EventBridge events',
    'cost on mpx',
    'SFN transitions',
    'cost as the original',
  ],
  usageRows,
)}

costVsReference (seed) = mpx run on mpx ÷ reference run priced as the original = **${round(targets.costVsReference?.value ?? Number.NaN)}**;
large: ${round((summary.details as { costVsReferenceLarge: number }).costVsReferenceLarge)}. Priced from the polls the model makes at AWS scale instead (the
original polls every ~60 s; at ×${speed} a delay cannot be shorter than 1 s = ${speed} s), the seed reference run would cost
${dollars(medianOf(runs, 'seed', 'reference', (r) => r.referenceCostModelAws?.total ?? Number.NaN))}.
Per run only: an idle mpx stack also pays its SQS pollers' empty receives — assuming ${IDLE_POLLING.pollersPerQueue} pollers per queue, ${IDLE_POLLING.waitSeconds}-second long polls
(AWS does not publish the idle poller count), ${Math.round(idle(results).requests).toLocaleString('en-US')} requests ≈ $${idle(results).dollars.toFixed(2)} a month for its queues,
which the per-run saving repays at about ${Math.round(breakEven(results))} seed-sized runs a month; below that the original's Step Functions
(no idle cost) is cheaper in total.

![seed timeline](timeline-seed.svg)

![large timeline](timeline-large.svg)

## 3. Scale: ${scale.groups} dataset groups × 10 solutions, uploaded at once

Statuses: ${scale.statuses.join(', ')}; LimitExceeded answers from Personalize: ${scale.limitExceeded} (the SDK retries them as throttling, up to 3 attempts; none became a failure:
${scale.failures.length} failed steps). Makespan ${minutes(scale.makespan)} min (model at AWS scale ${minutes(scale.modelMakespanAws)} min, ${scale.throttledPolls} throttled
polls in the model) vs the quota-aware lower bound ${minutes(scale.lowerBound.seconds)} min → **${round(scale.makespanVsLowerBound)}×** (model ${round(scale.modelVsLowerBound)}×).
Bound terms: ${scale.lowerBound.caps.map((c) => `${c.kind} ${c.jobs} jobs / cap ${c.cap} = ${c.waves} waves → ${minutes(c.seconds)} min`).join('; ')}; critical path ${minutes(scale.lowerBound.criticalPath)} min.
Peak Personalize control-plane rate: ${round(scale.peakPersonalizeRpsAws, 2)} req/s over the busiest AWS minute; busiest wall second ${scale.peakPersonalizeBurstPerWallSecond} requests.
Personalize requests in all: ${scale.personalizeRequests}; Lambda invocations ${scale.usage.lambdaInvocations}; cost on mpx ${dollars(scale.cost.total)}.

## 4. Functions (sls package, stage bench)

Cold init: median of ${results.functions.processes} fresh \`node\` processes requiring the bundle (Node ${results.functions.node} here; Lambda runs nodejs22.x on arm64).

${table(
  [
    'function',
    'bundle KB (minified .js)',
    'zip KB',
    'source map KB',
    'init ms median',
    'init ms p90',
    'init ms without --enable-source-maps',
    'largest packages (KB)',
  ],
  fnRows,
)}

## 5. Emulator and other benches (one JSON line each in the output)

${table(['bench', 'figures'], lineRows)}

## Evidence of problems seen in these runs

${findings.length > 0 ? findings.join('\n') : '- none'}
`;
}

export async function writeResults(folder: string, results: BenchResults): Promise<Record<string, unknown>> {
  await mkdir(folder, { recursive: true });
  const summary = summaryOf(results);
  await writeFile(join(folder, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  for (const scenario of ['seed', 'large']) {
    const svg = timelineOf(results.orchestration.runs, scenario);
    if (svg) await writeFile(join(folder, `timeline-${scenario}.svg`), svg);
  }
  await writeFile(join(folder, 'report.md'), reportOf(results, summary));
  await writeFile(join(folder, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
  // In the project's own format, so `npm run lint` passes with the results checked in.
  const biome = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));
  await promisify(execFile)(biome, ['format', '--write', folder]).catch((error: Error) => {
    process.stderr.write(`bench: could not format ${folder}: ${error.message}\n`);
  });
  return summary;
}
