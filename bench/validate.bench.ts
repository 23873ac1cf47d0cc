import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validate } from '../shared/config/validate.js';
import { median, percentile, timeRuns } from './stats.js';

/**
 * Validation time of a 1 MB parameter file (1,000,000 bytes and a little more; the limit is 1 MiB): the seed sample grown with many
 * solutions (each with a campaign, a batch job and schedules) and filters, so
 * every rule runs at scale. Target: median < 200 ms.
 */
export function largeParameterFile(targetBytes: number): string {
  const seed = JSON.parse(
    readFileSync(fileURLToPath(new URL('../test/fixtures/configs/seed-sample.json', import.meta.url)), 'utf8'),
  );
  const template = seed.solutions[2];
  const solutions = [];
  const filters = [];
  for (let i = 0; JSON.stringify({ ...seed, solutions, filters }, null, 2).length < targetBytes; i += 1) {
    solutions.push({
      ...structuredClone(template),
      serviceConfig: { ...template.serviceConfig, name: `solution-${i}` },
      campaigns: [{ serviceConfig: { name: `campaign-${i}`, minProvisionedTPS: 1 } }],
    });
    filters.push({
      serviceConfig: {
        name: `filter-${i}`,
        filterExpression: `EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "view-${i}") | INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($TYPES)`,
      },
    });
  }
  return JSON.stringify({ ...seed, solutions, filters }, null, 2);
}

export function runValidateBench(quick: boolean): Record<string, number> {
  const source = largeParameterFile(1_000_000);
  const result = validate(source);
  if (!result.ok) throw new Error(`benchmark file is invalid: ${JSON.stringify(result.errors.slice(0, 3))}`);
  const samples = timeRuns(() => validate(source), quick ? 10 : 30);
  return {
    bytes: source.length,
    solutions: result.config?.solutions?.length ?? 0,
    medianMs: median(samples),
    p90Ms: percentile(samples, 90),
  };
}
