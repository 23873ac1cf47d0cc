import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DatasetSchema } from '../../../shared/personalize/dataset-schema.js';
import { RECIPES } from '../../../shared/personalize/recipes.js';
import { loadTrainingData } from '../models/data.js';
import { offlineMetrics } from '../models/metrics.js';
import { deserializeModel, serializeModel } from '../models/model.js';
import { train } from '../models/train.js';

/** One training, as the worker thread runs it: load the data, train, write the model, compute offline metrics. */

export interface DatasetFilesInput {
  readonly files: string[];
  readonly schema: DatasetSchema;
}

export interface TrainJob {
  readonly recipe: string;
  readonly interactions: DatasetFilesInput;
  readonly items?: DatasetFilesInput;
  readonly users?: DatasetFilesInput;
  readonly hyperParameters: Record<string, string>;
  readonly seed: number;
  readonly eventType?: string;
  readonly eventValueThreshold?: number;
  readonly previousModelFile?: string;
  readonly modelFile: string;
  readonly metrics: boolean;
}

export interface TrainOutcome {
  readonly modelFile: string;
  readonly elapsedMs: number;
  readonly metrics?: Record<string, number>;
}

export async function runTrainJob(job: TrainJob): Promise<TrainOutcome> {
  const recipe = RECIPES.find((r) => r.name === job.recipe);
  if (!recipe) throw new Error(`unknown recipe ${job.recipe}`);
  const data = await loadTrainingData({
    interactions: job.interactions,
    ...(job.items ? { items: job.items } : {}),
    ...(job.users ? { users: job.users } : {}),
  });
  const previous = job.previousModelFile
    ? deserializeModel(new Uint8Array(await readFile(job.previousModelFile)))
    : undefined;
  const options = {
    recipe,
    hyperParameters: job.hyperParameters,
    seed: job.seed,
    ...(job.eventType !== undefined ? { eventType: job.eventType } : {}),
    ...(job.eventValueThreshold !== undefined ? { eventValueThreshold: job.eventValueThreshold } : {}),
  };
  const started = Date.now();
  const model = train(data, { ...options, ...(previous ? { previous } : {}) });
  await mkdir(dirname(job.modelFile), { recursive: true });
  await writeFile(job.modelFile, serializeModel(model));
  const elapsedMs = Date.now() - started;
  const metrics = job.metrics ? offlineMetrics(data, options) : undefined;
  return { modelFile: job.modelFile, elapsedMs, ...(metrics ? { metrics } : {}) };
}
