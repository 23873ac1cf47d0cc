import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { generateDataset, type SyntheticDataset } from '../../local/personalize/data/generate.js';
import { writeDataset } from '../../local/personalize/data/write.js';
import { readRun } from '../../shared/state/runs.js';
import { type PipelineHarness, startPipeline } from '../support/pipeline.js';

/**
 * `mpx upload`, `mpx runs watch` and `mpx recommend` against one local cloud
 * with mpx's stack, as a user runs them (AWS_ENDPOINT_URL set, stage local by
 * default): a folder uploaded and its run followed to the end, the
 * recommendations it made, the global --endpoint and --region, and every
 * documented error and exit code.
 */

let h: PipelineHarness;
let root: string;
const savedEnv = { ...process.env };

interface Result {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

/** Runs `mpx ...args`; `onOut` sees each stdout line as it is printed. */
async function mpx(args: readonly string[], onOut?: (line: string) => void): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'mpx', ...args], {
    out: (line) => {
      out.push(line);
      onOut?.(line);
    },
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

async function keysUnder(prefix: string): Promise<string[]> {
  const { Contents } = await h.cloud.clients.s3.send(new ListObjectsV2Command({ Bucket: h.bucket, Prefix: prefix }));
  return (Contents ?? []).map((c) => c.Key as string).sort();
}

/**
 * A folder as a user brings it: config.json, interactions as two CSV parts
 * in interactions/, items.csv, users.csv, and the batch inference input.
 */
async function userFolder(group: string, dataset: SyntheticDataset): Promise<string> {
  const dir = join(root, group);
  await writeDataset(dataset, dir, { datasetGroup: group });
  const [header, ...rows] = (await readFile(join(dir, 'interactions.csv'), 'utf8')).trimEnd().split('\n');
  const half = Math.floor(rows.length / 2);
  await mkdir(join(dir, 'interactions'));
  await writeFile(join(dir, 'interactions', 'part-1.csv'), `${[header, ...rows.slice(0, half)].join('\n')}\n`);
  await writeFile(join(dir, 'interactions', 'part-2.csv'), `${[header, ...rows.slice(half)].join('\n')}\n`);
  await unlink(join(dir, 'interactions.csv'));
  await mkdir(join(dir, 'batch', `${group}-personalization`), { recursive: true });
  await writeFile(
    join(dir, 'batch', `${group}-personalization`, 'job_config.json'),
    `${['u1', 'u2'].map((userId) => JSON.stringify({ userId })).join('\n')}\n`,
  );
  await writeFile(join(dir, 'README.txt'), 'not uploaded');
  return dir;
}

const GROUP = 'cli-shop';
const dataset = generateDataset({ users: 120, items: 60, interactions: 3000, seed: 11 });
let folder: string;
let upload: Result;
let watch: Result;
let runId: string;

beforeAll(async () => {
  h = await startPipeline();
  root = await mkdtemp(join(tmpdir(), 'mpx-cli-'));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: h.cloud.endpoint,
    AWS_REGION: h.cloud.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  folder = await userFolder(GROUP, dataset);
  // `upload --wait` and, as soon as it prints the run, `runs watch --json` on the same run.
  let started: (id: string) => void = () => {};
  const announced = new Promise<string>((resolve) => {
    started = resolve;
  });
  const uploading = mpx(['upload', folder, '--wait'], (line) => {
    const match = /^Run (\S+) started/.exec(line);
    if (match) started(match[1] as string);
  });
  const watching = Promise.race([announced, uploading.then(() => '')]).then((id) =>
    id ? mpx(['runs', 'watch', id, '--json']) : { code: -1, out: [], err: ['upload printed no run'] },
  );
  [upload, watch] = await Promise.all([uploading, watching]);
  runId = /^Run (\S+) started/.exec(upload.out.find((l) => l.startsWith('Run ')) ?? '')?.[1] ?? '';
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await h?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('mpx upload <dir> --wait', () => {
  it('uploads the data, then the batch input, then the parameter file last, and follows the run to SUCCEEDED', async () => {
    expect(upload.err).toEqual([]);
    expect(upload.code).toBe(0);
    const start = upload.out.findIndex((l) => l.startsWith(`Uploading to s3://${h.bucket}/`));
    const end = upload.out.findIndex((l, i) => i > start && !l.startsWith('  '));
    const uploaded = upload.out.slice(start + 1, end).map((l) => l.trim().split(/\s+/)[0]);
    expect(uploaded).toEqual([
      `train/${GROUP}/interactions/part-1.csv`,
      `train/${GROUP}/interactions/part-2.csv`,
      `train/${GROUP}/items.csv`,
      `train/${GROUP}/users.csv`,
      `batch/${GROUP}/${GROUP}-personalization/job_config.json`,
      `train/${GROUP}/config.json`,
    ]);
    expect(await keysUnder(`train/${GROUP}/`)).toEqual(uploaded.filter((k) => k?.startsWith('train/')).sort());
    expect(upload.out).toContain(`Run ${runId} started for dataset group ${GROUP}.`);
    // Plain progress lines (no terminal), then how the run ended.
    expect(upload.out.some((l) => /^\s+[\d.]+s {2}campaign:cli-shop-personalization-campaign {2}done/.test(l))).toBe(
      true,
    );
    expect(upload.out.at(-1)).toMatch(new RegExp(`^Run ${runId} SUCCEEDED after [\\d.]+ s\\.$`));
  });

  it('started the run with the uploaded parameter file as its trigger', async () => {
    const found = await readRun(h.state, runId);
    expect(found?.run).toMatchObject({
      datasetGroup: GROUP,
      status: 'SUCCEEDED',
      trigger: `upload s3://${h.bucket}/train/${GROUP}/config.json`,
    });
    // The parts folder was imported as the interactions data.
    const importJob = found?.steps.find((s) => s.stepId.startsWith('datasetImportJob') && s.name === 'interactions');
    expect(importJob?.status).toBe('DONE');
  });
});

describe('mpx runs watch', () => {
  it('--json prints one JSON line per change while the run runs, ending with the run’s SUCCEEDED', () => {
    expect(watch.err).toEqual([]);
    expect(watch.code).toBe(0);
    const events = watch.out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.at(-1)).toMatchObject({ event: 'run', runId, datasetGroup: GROUP, status: 'SUCCEEDED' });
    const steps = events.filter((e) => e.event === 'step');
    expect(steps.every((e) => e.runId === runId && typeof e.stepId === 'string' && typeof e.state === 'string')).toBe(
      true,
    );
    // Each step's last event says done; a step seen while it ran was reported again when it changed.
    const last = new Map(steps.map((e) => [e.stepId, e.state]));
    expect([...last.values()].every((state) => state === 'done')).toBe(true);
    expect(steps.length).toBeGreaterThan(last.size);
    expect(events.filter((e) => e.event === 'run').length).toBeGreaterThanOrEqual(1);
  });

  it('shows a finished run at once, with the stage defaulting to local when AWS_ENDPOINT_URL is set', async () => {
    const result = await mpx(['runs', 'watch', runId]);
    expect(result).toMatchObject({ code: 0, err: [] });
    expect(result.out[0]).toBe(
      `Run ${runId} (${GROUP}, upload s3://${h.bucket}/train/${GROUP}/config.json), started ${(await readRun(h.state, runId))?.run.startedAt}:`,
    );
    expect(result.out.some((l) => /solutionVersion:cli-shop-personalization {2}done \(polls \d+\)$/.test(l))).toBe(
      true,
    );
    expect(result.out.at(-1)).toMatch(/ SUCCEEDED after [\d.]+ s\.$/);
  });

  it('exits 1 for a run that does not exist, pointing at mpx runs list', async () => {
    const result = await mpx(['runs', 'watch', 'no-such-run', '--stage', 'local']);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual([
      `mpx runs watch: no run no-such-run in table ${h.cloud.outputs.RunsTableName} (npx mpx runs list shows the runs)`,
    ]);
  });

  it('exits 3 when there is no stack for the stage', async () => {
    const result = await mpx(['runs', 'watch', runId, '--stage', 'nope']);
    expect(result.code).toBe(3);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(/^mpx runs watch: no stack mpx-nope found \(.*does not exist\); pass --stage/);
  });
});

describe('--endpoint and --region', () => {
  it('find the local cloud’s stack with nothing exported but credentials, and the stage defaults to local', async () => {
    const exported = { endpoint: process.env.AWS_ENDPOINT_URL, region: process.env.AWS_REGION };
    delete process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_REGION;
    try {
      const listed = await mpx(['--endpoint', h.cloud.endpoint, '--region', h.cloud.region, 'runs', 'list', '--json']);
      expect(listed.err).toEqual([]);
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.out[0] as string)).toContainEqual(
        expect.objectContaining({ runId, datasetGroup: GROUP, status: 'SUCCEEDED' }),
      );
      const shown = await mpx(['runs', 'show', runId, '--endpoint', h.cloud.endpoint, '--region', h.cloud.region]);
      expect(shown.code).toBe(0);
      expect(shown.out[0]).toBe(
        `Run ${runId} (${GROUP}, upload s3://${h.bucket}/train/${GROUP}/config.json): SUCCEEDED`,
      );
      // main() puts the environment back: the options held for one command only.
      expect(process.env.AWS_ENDPOINT_URL).toBeUndefined();
    } finally {
      Object.assign(process.env, { AWS_ENDPOINT_URL: exported.endpoint, AWS_REGION: exported.region });
    }
  });

  it('runs show exits 1 for a run that does not exist, pointing at mpx runs list', async () => {
    expect(await mpx(['runs', 'show', 'no-such-run'])).toEqual({
      code: 1,
      out: [],
      err: [
        `mpx runs show: no run no-such-run in table ${h.cloud.outputs.RunsTableName} (npx mpx runs list shows the runs)`,
      ],
    });
  });
});

describe('a run that fails', () => {
  it('upload --wait and runs watch exit 1, naming the failed step and its reason', async () => {
    const group = 'cli-badcsv';
    const dir = join(root, group);
    await writeDataset(generateDataset({ users: 60, items: 30, interactions: 600, seed: 3 }), dir, {
      datasetGroup: group,
    });
    const csv = (await readFile(join(dir, 'interactions.csv'), 'utf8')).split('\n');
    csv[2] = 'u1,i1,not-a-timestamp,view';
    await writeFile(join(dir, 'interactions.csv'), csv.join('\n'));

    const uploaded = await mpx(['upload', dir, '--wait']);
    expect(uploaded.code).toBe(1);
    const failed = /^Run (\S+) FAILED after [\d.]+ s\.$/.exec(uploaded.out.at(-2) ?? '');
    expect(failed).not.toBeNull();
    expect(uploaded.out.at(-1)).toMatch(/^ {2}FAILED {2}datasetImportJob:interactions — .*not-a-timestamp/);

    const watched = await mpx(['runs', 'watch', failed?.[1] as string, '--json']);
    expect(watched.code).toBe(1);
    expect(JSON.parse(watched.out.at(-1) as string)).toMatchObject({ event: 'run', status: 'FAILED' });
  }, 60_000);
});

describe('mpx upload, refusing', () => {
  async function folderWith(name: string, config: string | undefined): Promise<string> {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'interactions.csv'), 'USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1\n');
    if (config !== undefined) await writeFile(join(dir, 'config.json'), config);
    return dir;
  }

  it('an invalid parameter file: every error as path: message, exit 2, nothing uploaded', async () => {
    const config = JSON.parse(await readFile(join(folder, 'config.json'), 'utf8'));
    config.datasetGroup.serviceConfig.name = 'cli-invalid';
    config.tags = [{ tagKey: 'team' }];
    config.solutions[0].campaigns[0].serviceConfig.minProvisionedTPS = 0;
    const dir = await folderWith('cli-invalid', JSON.stringify(config));
    const result = await mpx(['upload', dir]);
    expect(result.code).toBe(2);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual([
      `mpx upload: ${join(dir, 'config.json')} has 2 error(s), so nothing was uploaded; fix them and upload again (npx mpx validate ${join(dir, 'config.json')} checks it):`,
      '  tags[0].tagValue: is required',
      '  solutions[0].campaigns[0].serviceConfig.minProvisionedTPS: must be at least 1',
    ]);
    expect(await keysUnder('train/cli-invalid/')).toEqual([]);
  });

  it('a file that is not JSON, a folder without config.json, or no folder at all: exit 2', async () => {
    const broken = await mpx(['upload', await folderWith('cli-broken', '{ "datasetGroup": ')]);
    expect(broken.code).toBe(2);
    expect(broken.err[0]).toMatch(/has 1 error\(s\), so nothing was uploaded/);
    expect(broken.err[1]).toMatch(/^ {2}\(file\): invalid JSON/);

    const bare = await mpx(['upload', await folderWith('cli-bare', undefined)]);
    expect(bare.code).toBe(2);
    expect(bare.err).toEqual([
      `mpx upload: cannot read ${join(root, 'cli-bare', 'config.json')}: ENOENT (the folder must hold the parameter file config.json; npx mpx local generate-data --out <dir> writes an example)`,
    ]);

    const missing = await mpx(['upload', join(root, 'no-such-folder')]);
    expect(missing).toMatchObject({
      code: 2,
      err: [`mpx upload: ${join(root, 'no-such-folder')} is not a folder (pass the folder that holds config.json)`],
    });
  });

  it('a --dataset-group that cannot be a folder name: exit 2', async () => {
    const result = await mpx(['upload', folder, '--dataset-group', 'a/b']);
    expect(result.code).toBe(2);
    expect(result.err[0]).toMatch(/^mpx upload: --dataset-group "a\/b" must match/);
  });

  it('no stack for the stage: exit 3 after the local check, nothing uploaded', async () => {
    const config = (await readFile(join(folder, 'config.json'), 'utf8')).replaceAll(GROUP, 'cli-nostack');
    const result = await mpx(['upload', await folderWith('cli-nostack', config), '--stage', 'nope']);
    expect(result.code).toBe(3);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(/^mpx upload: no stack mpx-nope found/);
    expect(await keysUnder('train/cli-nostack/')).toEqual([]);
  });

  it('an unknown option: exit 2', async () => {
    expect((await mpx(['upload', folder, '--no-such-option'])).code).toBe(2);
  });
});

describe('mpx recommend', () => {
  const campaign = `${GROUP}-personalization-campaign`;

  it('prints rank, item and score lines from a campaign, by name', async () => {
    const result = await mpx(['recommend', '--campaign', campaign, '--user', 'u7']);
    expect(result).toMatchObject({ code: 0, err: [] });
    expect(result.out).toHaveLength(10);
    result.out.forEach((line, index) => {
      expect(line).toMatch(new RegExp(`^\\s*${index + 1} {2}i\\d+\\s+[\\d.e-]+$`));
    });
  });

  it('--json with -n, and related items from a SIMS campaign for --item', async () => {
    const result = await mpx(['recommend', '--campaign', campaign, '--user', 'u7', '-n', '5', '--json']);
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.out[0] as string);
    expect(answer.campaignArn).toMatch(new RegExp(`^arn:aws:personalize:.*:campaign/${campaign}$`));
    expect(answer.userId).toBe('u7');
    expect(answer.items).toHaveLength(5);
    expect(answer.items[0]).toMatchObject({ rank: 1, itemId: expect.stringMatching(/^i\d+$/) });

    const related = await mpx(['recommend', '--campaign', `${GROUP}-related-campaign`, '--item', 'i1', '-n', '3']);
    expect(related).toMatchObject({ code: 0, err: [] });
    expect(related.out).toHaveLength(3);
  });

  it('applies a filter with its values (JSON string, or an array shorthand)', async () => {
    const categoryOf = new Map(dataset.items.map((item) => [item.id, item.category]));
    for (const values of ['{"CATEGORY":"\\"books\\""}', '{"CATEGORY":["books"]}']) {
      const result = await mpx([
        'recommend',
        '--campaign',
        campaign,
        '--user',
        'u7',
        '--filter',
        `${GROUP}-in-category`,
        '--filter-values',
        values,
        '--json',
      ]);
      expect(result).toMatchObject({ code: 0, err: [] });
      const { items, filterArn } = JSON.parse(result.out[0] as string);
      expect(filterArn).toMatch(new RegExp(`:filter/${GROUP}-in-category$`));
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((i: { itemId: string }) => categoryOf.get(i.itemId) === 'books')).toBe(true);
    }
  });

  it('exits 1 for an unknown campaign, recommender or filter, with the closest names', async () => {
    const typo = await mpx(['recommend', '--campaign', `${GROUP}-personalisation-campaign`, '--user', 'u7']);
    expect(typo).toMatchObject({
      code: 1,
      out: [],
      err: [
        `mpx recommend: no campaign named ${GROUP}-personalisation-campaign in this account and region; did you mean ${campaign}? (aws personalize list-campaigns lists them)`,
      ],
    });
    const recommender = await mpx(['recommend', '--recommender', 'nope', '--user', 'u7']);
    expect(recommender.code).toBe(1);
    expect(recommender.err[0]).toMatch(/^mpx recommend: no recommender named nope .*list-recommenders/);
    const filter = await mpx(['recommend', '--campaign', campaign, '--user', 'u7', '--filter', 'nope']);
    expect(filter.code).toBe(1);
    expect(filter.err[0]).toMatch(/^mpx recommend: no filter named nope .*list-filters/);
  });

  it('exits 2 for bad usage: --filter-values that is not JSON, no campaign, -n out of range', async () => {
    const badJson = await mpx([
      'recommend',
      '--campaign',
      campaign,
      '--user',
      'u7',
      '--filter',
      `${GROUP}-in-category`,
      '--filter-values',
      '{CATEGORY: books}',
    ]);
    expect(badJson.code).toBe(2);
    expect(badJson.err[0]).toMatch(/^mpx recommend: --filter-values is not valid JSON/);
    expect((await mpx(['recommend', '--user', 'u7'])).code).toBe(2);
    expect((await mpx(['recommend', '--campaign', campaign, '--user', 'u7', '-n', '0'])).code).toBe(2);
  });

  it('exits 2 when Personalize refuses the input (a SIMS campaign without --item)', async () => {
    const result = await mpx(['recommend', '--campaign', `${GROUP}-related-campaign`, '--user', 'u7']);
    expect(result.code).toBe(2);
    expect(result.err[0]).toMatch(/^mpx recommend: Personalize refused the request: /);
  });
});
