import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GenerateOptions, generateDataset } from '../../../local/personalize/data/generate.js';
import { GeneratedConfigError, writeDataset } from '../../../local/personalize/data/write.js';
import { importDataset } from '../../../local/personalize/import/csv-import.js';
import { CellProblem, canonicalCell, cellRules } from '../../../local/personalize/import/field-values.js';
import { validate } from '../../../shared/config/validate.js';
import { checkDatasetSchema, type DatasetSchema } from '../../../shared/personalize/dataset-schema.js';
import type { DatasetKind } from '../../../shared/personalize/recipes.js';
import { type S3Harness, startS3 } from '../../support/s3.js';

const OPTIONS: GenerateOptions = { users: 300, items: 200, interactions: 5_000, seed: 11 };
const FILES = ['interactions.csv', 'items.csv', 'users.csv', 'config.json'] as const;
const KINDS = { interactions: 'interactions.csv', items: 'items.csv', users: 'users.csv' } as const;

async function written(options: GenerateOptions, datasetGroup = 'shop'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mpx-generate-'));
  await writeDataset(generateDataset(options), dir, { datasetGroup });
  return dir;
}

async function bytesOf(dir: string): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(FILES.map(async (f) => [f, await readFile(join(dir, f), 'utf8')])));
}

/** The dataset schemas the written config.json declares, checked as Personalize checks them. */
async function schemasOf(dir: string): Promise<Record<keyof typeof KINDS, DatasetSchema>> {
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  const schemaOf = (kind: DatasetKind): DatasetSchema => {
    const check = checkDatasetSchema(config.datasets[kind].schema.serviceConfig.schema, kind);
    if (!check.ok) throw new Error(JSON.stringify(check.problems));
    return check.schema;
  };
  return { interactions: schemaOf('interactions'), items: schemaOf('items'), users: schemaOf('users') };
}

let dir: string;
beforeAll(async () => {
  dir = await written(OPTIONS);
});

describe('writeDataset', () => {
  it('writes the three CSVs and config.json flat into the folder, with their row counts and sizes', async () => {
    const dataset = generateDataset(OPTIONS);
    const out = await mkdtemp(join(tmpdir(), 'mpx-generate-'));
    const result = await writeDataset(dataset, join(out, 'nested'), { datasetGroup: 'shop' });
    expect(result.datasetGroup).toBe('shop');
    expect(result.files.map((f) => [f.name, f.rows])).toEqual([
      ['interactions.csv', 5_000],
      ['items.csv', 200],
      ['users.csv', 300],
      ['config.json', undefined],
    ]);
    for (const file of result.files) {
      const text = await readFile(file.path);
      expect(file.bytes).toBe(text.length);
      if (file.rows !== undefined) expect(text.toString().trimEnd().split('\n')).toHaveLength(file.rows + 1);
    }
  });

  it('writes the same bytes for the same seed', async () => {
    expect(await bytesOf(await written(OPTIONS))).toEqual(await bytesOf(dir));
  });

  it('writes different data for another seed, and the same config.json', async () => {
    const other = await bytesOf(await written({ ...OPTIONS, seed: 12 }));
    const same = await bytesOf(dir);
    for (const file of ['interactions.csv', 'items.csv', 'users.csv'] as const)
      expect(other[file]).not.toBe(same[file]);
    expect(other['config.json']).toBe(same['config.json']);
  });

  it('writes a parameter file that validates with no errors and no warnings', async () => {
    const result = validate(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('declares the datasets, event tracker, filters and solutions a retail benchmark needs', async () => {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(config.datasetGroup.serviceConfig.name).toBe('shop');
    expect(config.eventTracker.serviceConfig.name).toBe('shop-event-tracker');
    expect(
      config.filters.map((f: { serviceConfig: { filterExpression: string } }) => f.serviceConfig.filterExpression),
    ).toEqual([
      'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
      'INCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)',
    ]);
    const [personalization, related, popular] = config.solutions;
    expect(personalization.serviceConfig.recipeArn).toBe('arn:aws:personalize:::recipe/aws-user-personalization');
    expect(personalization.campaigns).toHaveLength(1);
    expect(personalization.batchInferenceJobs[0].workflowConfig.schedule).toBe('cron(0 3 * * ? *)');
    expect(related.serviceConfig.recipeArn).toBe('arn:aws:personalize:::recipe/aws-sims');
    expect(related.campaigns).toHaveLength(1);
    expect(popular.serviceConfig.recipeArn).toBe('arn:aws:personalize:::recipe/aws-popularity-count');
  });

  it.each(Object.entries(KINDS))(
    'writes %s with the header of its schema and only cells the schema accepts',
    async (kind, file) => {
      const schema = (await schemasOf(dir))[kind as keyof typeof KINDS];
      const rules = cellRules(schema, kind as DatasetKind);
      const [header, ...lines] = (await readFile(join(dir, file), 'utf8')).trimEnd().split('\n');
      expect(header).toBe(schema.fields.map((field) => field.name).join(','));
      const problems = lines.flatMap((line, row) =>
        line.split(',').flatMap((cell, column) => {
          const rule = rules[column];
          const outcome = rule ? canonicalCell(cell, rule) : new CellProblem('extra column');
          return outcome instanceof CellProblem || outcome !== cell ? [`row ${row + 2}: ${cell}`] : [];
        }),
      );
      expect(problems).toEqual([]);
    },
  );

  it('refuses a dataset group name that would make an invalid parameter file, and writes nothing', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'mpx-generate-')), 'never');
    const dataset = generateDataset(OPTIONS);
    await expect(writeDataset(dataset, out, { datasetGroup: 'my shop' })).rejects.toThrow(GeneratedConfigError);
    await expect(writeDataset(dataset, out, { datasetGroup: 'x'.repeat(36) })).rejects.toThrow(/63/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('the written CSVs in the Personalize emulator', () => {
  let s3: S3Harness;
  beforeAll(async () => {
    s3 = await startS3('data');
  });
  afterAll(async () => {
    await s3.stop();
  });

  it.each(Object.entries(KINDS))('imports %s with every row accepted', async (kind, file) => {
    const schema = (await schemasOf(dir))[kind as keyof typeof KINDS];
    await s3.put(`train/shop/${file}`, await readFile(join(dir, file)));
    const result = await importDataset({
      s3: s3.client,
      dataLocation: `s3://data/train/shop/${file}`,
      schema,
      kind: kind as DatasetKind,
      outFile: join(dir, `${kind}.imported.csv`),
    });
    expect(result).toMatchObject({ ok: true, rows: { interactions: 5_000, items: 200, users: 300 }[kind] });
  });
});

describe('examples/retail-data', () => {
  it('is exactly what the generator writes for 2000 users, 1000 items, 60000 interactions, seed 42', async () => {
    const example = fileURLToPath(new URL('../../../examples/retail-data/', import.meta.url));
    const regenerated = await written({ users: 2_000, items: 1_000, interactions: 60_000, seed: 42 }, 'retail-data');
    const shipped = await bytesOf(example);
    expect(await bytesOf(regenerated)).toEqual(shipped);
    const total = Object.values(shipped).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    expect(total).toBeLessThan(3 * 1024 * 1024);
  });
});
