import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runFunctionsBench } from './functions.bench.js';
import { runImportBench } from './import.bench.js';
import { runModelsBench } from './models.bench.js';
import { runOrchestrationBench } from './orchestration.bench.js';
import { writeResults } from './report.js';
import { runRuntimeBench } from './runtime.bench.js';
import { runTrainingBench } from './training.bench.js';
import { runValidateBench } from './validate.bench.js';

/**
 * `npm run bench [-- --quick]`: runs every benchmark and prints its figures as
 * one JSON line per benchmark (medians and percentiles over repeated runs),
 * then writes bench/results/ (summary.json, report.md, timelines). Progress
 * goes to stderr. `--quick` fits in 10 minutes on a 2-core machine.
 */
// The benchmark's own SDK clients run on this machine's Node, older than Lambda's; the warning is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const quick = process.argv.includes('--quick');
const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)} s] ${line}\n`);
const print = (name: string, figures: Record<string, number>) => {
  const rounded = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v * 100) / 100]));
  process.stdout.write(`${JSON.stringify({ bench: name, node: process.version, ...rounded })}\n`);
};

const lines: Record<string, Record<string, number>> = {};
const benches: [string, () => Record<string, number> | Promise<Record<string, number>>][] = [
  ['validate-1mb', () => runValidateBench(quick)],
  ['import-csv-1m', () => runImportBench(quick)],
  ['models', () => runModelsBench(quick)],
  ['runtime-200rps', () => runRuntimeBench(quick)],
  ['training', () => runTrainingBench(quick)],
];
for (const [name, run] of benches) {
  log(name);
  const figures = await run();
  lines[name] = figures;
  print(name, figures);
}

log('functions (bundles, cold starts)');
const functions = await runFunctionsBench();
for (const f of functions.functions) {
  print(`function-${f.name}`, {
    bundleKb: f.bundleKb,
    zipKb: f.zipKb,
    coldInitMsMedian: f.coldInitMsMedian,
    coldInitMsP90: f.coldInitMsP90,
    coldInitMsNoSourceMapsMedian: f.coldInitMsNoSourceMapsMedian,
    processes: functions.processes,
  });
}

log('orchestration (local cloud, realistic profile)');
const orchestration = await runOrchestrationBench(quick, log);
for (const r of orchestration.runs) {
  print(`orchestration-${r.scenario}-${r.policy}`, {
    repetition: r.repetition + 1,
    speed: r.speed,
    succeeded: r.statuses.filter((s) => s === 'SUCCEEDED').length,
    makespanMinutes: r.makespan / 60,
    criticalPathMinutes: r.criticalPath / 60,
    makespanRatio: r.makespanRatio,
    modelAtSpeedMinutes: r.modelMakespanAtSpeed / 60,
    modelAwsMinutes: r.modelMakespanAws / 60,
    hopMsMedian: r.hopMsMedian,
    describeMax: r.describeMax,
    personalizeRequests: r.personalizeRequests,
    lambdaInvocations: r.usage.lambdaInvocations,
    lambdaGbSeconds: r.usage.lambdaGbSeconds,
    sqsRequests: r.usage.sqsRequests,
    dynamodbReadUnits: r.usage.dynamodbReadUnits,
    dynamodbWriteUnits: r.usage.dynamodbWriteUnits,
    schedulerInvocations: r.usage.schedulerInvocations,
    costMicroUsd: r.cost.total * 1e6,
    ...(r.referenceCost && r.referenceUsage
      ? { sfnTransitions: r.referenceUsage.transitions, referenceCostMicroUsd: r.referenceCost.total * 1e6 }
      : {}),
  });
}
const { scale, twoHour } = orchestration;
print('scale-5x10', {
  groups: scale.groups,
  succeeded: scale.statuses.filter((s) => s === 'SUCCEEDED').length,
  limitExceeded: scale.limitExceeded,
  failedSteps: scale.failures.length,
  makespanMinutes: scale.makespan / 60,
  lowerBoundMinutes: scale.lowerBound.seconds / 60,
  makespanVsLowerBound: scale.makespanVsLowerBound,
  modelAwsVsLowerBound: scale.modelVsLowerBound,
  peakPersonalizeRpsAws: scale.peakPersonalizeRpsAws,
  peakPersonalizeBurstPerWallSecond: scale.peakPersonalizeBurstPerWallSecond,
});
print('describe-2h-training', {
  computedMpx: twoHour.computedMpx,
  computedReference: twoHour.computedReference,
  measuredMax: Math.max(0, ...twoHour.measured),
  speed: twoHour.speed,
});

const summary = await writeResults(fileURLToPath(new URL('./results/', import.meta.url)), {
  quick,
  command: `npm run bench${quick ? ' -- --quick' : ''}`,
  startedAt: new Date(started).toISOString(),
  wallSeconds: (Date.now() - started) / 1000,
  node: process.version,
  cpus: cpus().length,
  orchestration,
  functions,
  lines,
});
const { details: _details, targets: _targets, ...headline } = summary;
process.stdout.write(`${JSON.stringify({ bench: 'summary', ...headline })}\n`);
log('results in bench/results/ (summary.json, report.md, timeline-*.svg)');
