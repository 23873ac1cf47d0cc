import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDataset } from '../local/personalize/data/generate.js';
import { datasetParameterFile } from '../local/personalize/data/parameter-file.js';
import { writeDataset } from '../local/personalize/data/write.js';
import { batchJobBaseName } from '../shared/config/names.js';
import type { SolutionConfig } from '../shared/config/types.js';
import { batchInputKey } from '../shared/workflow/plan.js';

/**
 * What the orchestration benchmarks upload: the seed's sample parameter file
 * (verbatim) with generated data matching its schemas, and a large file
 * (10 solutions — one per custom recipe —, 5 campaigns, 4 filters, 3 batch
 * inference and 2 batch segment jobs) on the generated retail data. Data are
 * small on purpose: training is real CPU time in the emulator and does not
 * scale with the latency profile, so it must stay negligible.
 */

export interface Upload {
  readonly datasetGroup: string;
  readonly config: Record<string, unknown>;
  /** Data and batch inputs by key, uploaded before the parameter file. */
  readonly files: Readonly<Record<string, Buffer>>;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED_SAMPLE = fileURLToPath(new URL('../test/fixtures/configs/seed-sample.json', import.meta.url));

/** The seed's sample parameter file with 200 users, 150 items and 5,000 interactions in its schemas' columns. */
export async function seedSampleUpload(): Promise<Upload> {
  const config = JSON.parse(await readFile(SEED_SAMPLE, 'utf8')) as Record<string, unknown> & {
    datasetGroup: { serviceConfig: { name: string } };
  };
  const group = config.datasetGroup.serviceConfig.name;
  const next = random(3);
  const users = ['USER_ID,AGE,GENDER'];
  for (let u = 0; u < 200; u += 1) users.push(`u${u},${18 + Math.floor(next() * 50)},${next() < 0.5 ? 'F' : 'M'}`);
  const interactions = ['ITEM_ID,USER_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE'];
  const types = ['click', 'click', 'stream', 'view'];
  for (let row = 0; row < 5_000; row += 1) {
    const item = Math.floor(next() ** 2 * 150);
    const user = Math.floor(next() * 200);
    const type = types[Math.floor(next() * types.length)] as string;
    interactions.push(`i${item},u${user},${1_767_225_600 + row * 60},${type},${(next() * 5).toFixed(2)}`);
  }
  const batch = ['u1', 'u2', 'u3'].map((userId) => JSON.stringify({ userId })).join('\n');
  return {
    datasetGroup: group,
    config,
    files: {
      [`train/${group}/users.csv`]: Buffer.from(`${users.join('\n')}\n`),
      [`train/${group}/interactions.csv`]: Buffer.from(`${interactions.join('\n')}\n`),
      [`batch/${group}/user-personalization-solution/job_config.json`]: Buffer.from(`${batch}\n`),
    },
  };
}

const recipe = (name: string) => `arn:aws:personalize:::recipe/${name}`;

/** The large parameter file for `group`: the generated retail file grown to 10 solutions. */
export function largeConfig(group: string): Record<string, unknown> {
  const base = datasetParameterFile(group) as { filters: unknown[]; solutions: unknown[] };
  const g = group;
  const filters = [
    ...base.filters,
    {
      serviceConfig: {
        name: `${g}-viewed`,
        filterExpression: 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("view")',
      },
    },
    { serviceConfig: { name: `${g}-cheap`, filterExpression: 'EXCLUDE ItemID WHERE Items.PRICE > 100' } },
  ];
  const campaign = (name: string) => [{ serviceConfig: { name: `${g}-${name}-campaign`, minProvisionedTPS: 1 } }];
  const solutions = [
    {
      serviceConfig: { name: `${g}-personalization`, recipeArn: recipe('aws-user-personalization') },
      campaigns: campaign('personalization'),
      batchInferenceJobs: [{ serviceConfig: { jobName: `${g}-nightly`, numResults: 25 } }],
    },
    {
      serviceConfig: { name: `${g}-personalization-v2`, recipeArn: recipe('aws-user-personalization-v2') },
      campaigns: campaign('personalization-v2'),
    },
    {
      serviceConfig: { name: `${g}-ranking`, recipeArn: recipe('aws-personalized-ranking') },
      campaigns: campaign('ranking'),
      batchInferenceJobs: [{ serviceConfig: {} }],
    },
    { serviceConfig: { name: `${g}-ranking-v2`, recipeArn: recipe('aws-personalized-ranking-v2') } },
    {
      serviceConfig: { name: `${g}-related`, recipeArn: recipe('aws-sims') },
      campaigns: campaign('related'),
      batchInferenceJobs: [{ serviceConfig: {} }],
    },
    {
      serviceConfig: { name: `${g}-similar`, recipeArn: recipe('aws-similar-items') },
      campaigns: campaign('similar'),
    },
    { serviceConfig: { name: `${g}-popular`, recipeArn: recipe('aws-popularity-count') } },
    { serviceConfig: { name: `${g}-trending`, recipeArn: recipe('aws-trending-now') } },
    {
      serviceConfig: { name: `${g}-affinity`, recipeArn: recipe('aws-item-affinity') },
      batchSegmentJobs: [{ serviceConfig: { numResults: 10 } }],
    },
    {
      serviceConfig: { name: `${g}-attribute-affinity`, recipeArn: recipe('aws-item-attribute-affinity') },
      batchSegmentJobs: [{ serviceConfig: { numResults: 10 } }],
    },
  ];
  return { ...base, filters, solutions };
}

/** One batch input line per recipe type of the large file. */
function batchLines(recipeArn: string, kind: 'batchInferenceJob' | 'batchSegmentJob'): string {
  const name = recipeArn.split('/').pop() ?? '';
  if (kind === 'batchSegmentJob') {
    return name === 'aws-item-attribute-affinity'
      ? [JSON.stringify({ itemAttributes: 'ITEMS.CATEGORY = "books"' })].join('\n')
      : ['i1', 'i2'].map((itemId) => JSON.stringify({ itemId })).join('\n');
  }
  if (name.includes('ranking'))
    return ['u1', 'u2'].map((userId) => JSON.stringify({ userId, itemList: ['i1', 'i2', 'i3', 'i4'] })).join('\n');
  if (name === 'aws-sims' || name === 'aws-similar-items')
    return ['i1', 'i2', 'i3'].map((itemId) => JSON.stringify({ itemId })).join('\n');
  return ['u1', 'u2', 'u3'].map((userId) => JSON.stringify({ userId })).join('\n');
}

/** The large file for `group` with generated retail data (150 users, 80 items, 4,000 interactions) and every batch input. */
export async function largeUpload(group: string, seed = 7): Promise<Upload> {
  const dir = await mkdtemp(join(tmpdir(), 'mpx-bench-data-'));
  try {
    const dataset = generateDataset({ users: 150, items: 80, interactions: 4000, seed });
    await writeDataset(dataset, dir, { datasetGroup: group });
    const config = largeConfig(group);
    const files: Record<string, Buffer> = {};
    for (const kind of ['interactions', 'items', 'users'])
      files[`train/${group}/${kind}.csv`] = await readFile(join(dir, `${kind}.csv`));
    for (const solution of config.solutions as SolutionConfig[]) {
      for (const kind of ['batchInferenceJob', 'batchSegmentJob'] as const) {
        const jobs = (kind === 'batchInferenceJob' ? solution.batchInferenceJobs : solution.batchSegmentJobs) ?? [];
        jobs.forEach((job, index) => {
          const base = batchJobBaseName(solution.serviceConfig.name ?? '', job.serviceConfig.jobName, index);
          const key = batchInputKey(group, solution, kind, base);
          files[key] = Buffer.from(`${batchLines(solution.serviceConfig.recipeArn ?? '', kind)}\n`);
        });
      }
    }
    return { datasetGroup: group, config, files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
