import { runImportBench } from './import.bench.js';
import { runModelsBench } from './models.bench.js';
import { runRuntimeBench } from './runtime.bench.js';
import { runValidateBench } from './validate.bench.js';

/**
 * `npm run bench [-- --quick]`: runs every benchmark and prints its figures as
 * one JSON line per benchmark (medians and percentiles over repeated runs).
 */
const quick = process.argv.includes('--quick');
const benches: [string, () => Record<string, number> | Promise<Record<string, number>>][] = [
  ['validate-1mb', () => runValidateBench(quick)],
  ['import-csv-1m', () => runImportBench(quick)],
  ['models', () => runModelsBench(quick)],
  ['runtime-200rps', () => runRuntimeBench(quick)],
];

for (const [name, run] of benches) {
  const figures = await run();
  const rounded = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v * 100) / 100]));
  process.stdout.write(`${JSON.stringify({ bench: name, node: process.version, ...rounded })}\n`);
}
