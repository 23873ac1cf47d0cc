import {
  CreateBatchInferenceJobRequest$,
  CreateBatchSegmentJobRequest$,
  CreateCampaignRequest$,
  CreateDatasetGroupRequest$,
  CreateDatasetImportJobRequest$,
  CreateDatasetRequest$,
  CreateEventTrackerRequest$,
  CreateFilterRequest$,
  CreateRecommenderRequest$,
  CreateSchemaRequest$,
  CreateSolutionRequest$,
  CreateSolutionVersionRequest$,
  Domain,
  ImportMode,
} from '@aws-sdk/client-personalize';
import { z } from 'zod';
import { checkDatasetSchema } from '../personalize/dataset-schema.js';
import type { DatasetKind } from '../personalize/recipes.js';
import { RECIPES, recipeByArn } from '../personalize/recipes.js';
import { zodFromStructure } from '../personalize/sdk-shape.js';
import { parseScheduleExpression } from '../schedules/aws-schedule.js';
import { parseMaxAge } from './max-age.js';

/**
 * The parameter-file contract: every section of the deprecated solution's file
 * (REFERENCE.md "Keep"), with each `serviceConfig` accepting exactly the fields
 * of today's Personalize Create* request minus those mpx fills in itself.
 * Local rules (names, ARNs, schedules, durations, Avro schemas) live here;
 * rules that look across sections live in `rules.ts`.
 */

export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;
export const MAX_NAME_LENGTH = 63;
export const MAX_TAGS = 50;

export const OFFLINE_METRICS = [
  'coverage',
  'mean_reciprocal_rank_at_25',
  'normalized_discounted_cumulative_gain_at_5',
  'normalized_discounted_cumulative_gain_at_10',
  'normalized_discounted_cumulative_gain_at_25',
  'precision_at_5',
  'precision_at_10',
  'precision_at_25',
] as const;

export const DATASET_KINDS: readonly DatasetKind[] = [
  'interactions',
  'items',
  'users',
  'actions',
  'action_interactions',
];

export function nameProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters (it has ${value.length})`;
  if (!NAME_PATTERN.test(value)) {
    return 'must match ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*$ (letters, digits, "-" and "_", starting with a letter or digit)';
  }
  return undefined;
}

const checked = (check: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const message = check(value);
    if (message) ctx.addIssue({ code: 'custom', message, input: value });
  });

export const resourceName = checked(nameProblem);

const ARN_SHAPES = {
  role: {
    pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    example: 'arn:aws:iam::123456789012:role/name',
  },
  kms: {
    pattern: /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/-]+$/,
    example: 'arn:aws:kms:us-east-1:123456789012:key/<key id>',
  },
  filter: {
    pattern: /^arn:aws[a-z-]*:personalize:[a-z0-9-]+:\d{12}:filter\/[a-zA-Z0-9][a-zA-Z0-9\-_]*$/,
    example: 'arn:aws:personalize:us-east-1:123456789012:filter/name',
  },
} as const;

const arn = (kind: keyof typeof ARN_SHAPES) =>
  checked((value) =>
    ARN_SHAPES[kind].pattern.test(value) ? undefined : `must be a ${kind} ARN like ${ARN_SHAPES[kind].example}`,
  );

const knownRecipeArn = (which: 'custom' | 'domain') =>
  checked((value) => {
    const recipe = recipeByArn(value);
    if (recipe && (which === 'domain') === (recipe.domain !== undefined)) return undefined;
    const names = RECIPES.filter((r) => (which === 'domain') === (r.domain !== undefined)).map((r) => r.name);
    return `is not a ${which} Personalize recipe ARN: use arn:aws:personalize:::recipe/<name> with one of ${names.join(', ')}`;
  });

const tag = z.strictObject({ tagKey: z.string().min(1).max(128), tagValue: z.string().max(256) });
export const tagList = z.array(tag).max(MAX_TAGS, { message: `at most ${MAX_TAGS} tags are allowed` });

export const schedule = checked((value) => {
  if (value === 'delete') return undefined;
  const parsed = parseScheduleExpression(value);
  if (!parsed.ok) return parsed.message;
  if (parsed.schedule.kind === 'at') return 'must be "delete", a cron(...) or a rate(...) expression';
  return undefined;
});

export const maxAge = checked((value) => {
  const parsed = parseMaxAge(value);
  return parsed.ok ? undefined : parsed.message;
});

const sdk = zodFromStructure;

const datasetGroupSection = z.strictObject({
  serviceConfig: sdk(CreateDatasetGroupRequest$, {
    override: {
      name: resourceName,
      roleArn: arn('role'),
      kmsKeyArn: arn('kms'),
      domain: z.enum(Object.values(Domain) as [string, ...string[]]),
      tags: tagList,
    },
  }),
  workflowConfig: z
    .strictObject({
      schedules: z.strictObject({ import: schedule.optional() }).optional(),
      maxAge: maxAge.optional(),
    })
    .optional(),
});

const importDefaults = sdk(CreateDatasetImportJobRequest$, {
  omit: ['datasetArn', 'dataSource', 'roleArn'],
  optional: ['jobName'],
  override: {
    jobName: resourceName,
    importMode: z.enum(Object.values(ImportMode) as [string, ...string[]]),
    tags: tagList,
  },
});

function datasetSection(kind: DatasetKind) {
  const avro = z.unknown().superRefine((value, ctx) => {
    if (value === undefined) return;
    const check = checkDatasetSchema(value, kind);
    if (check.ok) return;
    for (const problem of check.problems) {
      ctx.addIssue({
        code: 'custom',
        message: problem.message,
        path: [...problem.path],
      });
    }
  });
  return z.strictObject({
    dataset: z.strictObject({
      serviceConfig: sdk(CreateDatasetRequest$, {
        omit: ['schemaArn', 'datasetGroupArn', 'datasetType'],
        override: { name: resourceName, tags: tagList },
      }),
    }),
    schema: z.strictObject({
      serviceConfig: sdk(CreateSchemaRequest$, {
        override: {
          name: resourceName,
          schema: avro.refine((value) => value !== undefined, { message: 'is required' }),
          domain: z.enum(Object.values(Domain) as [string, ...string[]]),
        },
      }),
    }),
  });
}

const datasetsSection = z.strictObject({
  serviceConfig: importDefaults.optional(),
  interactions: datasetSection('interactions'),
  items: datasetSection('items').optional(),
  users: datasetSection('users').optional(),
  actions: datasetSection('actions').optional(),
  action_interactions: datasetSection('action_interactions').optional(),
});

const batchWorkflow = z
  .strictObject({
    schedule: schedule.optional(),
    maxAge: maxAge.optional(),
  })
  .optional();

const batchInferenceJob = z.strictObject({
  serviceConfig: sdk(CreateBatchInferenceJobRequest$, {
    omit: ['solutionVersionArn', 'jobInput', 'jobOutput', 'roleArn'],
    optional: ['jobName'],
    override: { jobName: resourceName, filterArn: arn('filter'), numResults: z.int().min(1).max(500), tags: tagList },
  }),
  workflowConfig: batchWorkflow,
});

const batchSegmentJob = z.strictObject({
  serviceConfig: sdk(CreateBatchSegmentJobRequest$, {
    omit: ['solutionVersionArn', 'jobInput', 'jobOutput', 'roleArn'],
    optional: ['jobName'],
    override: {
      jobName: resourceName,
      filterArn: arn('filter'),
      numResults: z.int().min(1).max(5_000_000),
      tags: tagList,
    },
  }),
  workflowConfig: batchWorkflow,
});

const campaign = z.strictObject({
  serviceConfig: sdk(CreateCampaignRequest$, {
    omit: ['solutionVersionArn'],
    override: {
      name: resourceName,
      minProvisionedTPS: z.int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1' }),
      tags: tagList,
    },
  }),
  workflowConfig: z.strictObject({ maxAge: maxAge.optional() }).optional(),
});

const solutionVersion = sdk(CreateSolutionVersionRequest$, {
  omit: ['solutionArn'],
  override: { name: resourceName, trainingMode: z.enum(['FULL', 'UPDATE']), tags: tagList },
});

const solution = z.strictObject({
  serviceConfig: sdk(CreateSolutionRequest$, {
    omit: ['datasetGroupArn'],
    override: { name: resourceName, recipeArn: knownRecipeArn('custom'), tags: tagList },
    required: ['recipeArn'],
    extend: { solutionVersion: solutionVersion.optional() },
  }),
  workflowConfig: z
    .strictObject({
      schedules: z.strictObject({ full: schedule.optional(), update: schedule.optional() }).optional(),
      maxAge: maxAge.optional(),
      promotion: z
        .strictObject({
          metric: z.enum(OFFLINE_METRICS),
          minRatio: z.number().positive({ message: 'must be greater than 0' }),
        })
        .optional(),
    })
    .optional(),
  campaigns: z.array(campaign).optional(),
  batchInferenceJobs: z.array(batchInferenceJob).optional(),
  batchSegmentJobs: z.array(batchSegmentJob).optional(),
});

const recommender = z.strictObject({
  serviceConfig: sdk(CreateRecommenderRequest$, {
    omit: ['datasetGroupArn'],
    override: { name: resourceName, recipeArn: knownRecipeArn('domain'), tags: tagList },
  }),
});

export const parameterFileSchema = z.strictObject({
  tags: tagList.optional(),
  datasetGroup: datasetGroupSection,
  datasets: datasetsSection,
  eventTracker: z
    .strictObject({
      serviceConfig: sdk(CreateEventTrackerRequest$, {
        omit: ['datasetGroupArn'],
        override: { name: resourceName, tags: tagList },
      }),
    })
    .optional(),
  filters: z
    .array(
      z.strictObject({
        serviceConfig: sdk(CreateFilterRequest$, {
          omit: ['datasetGroupArn'],
          override: { name: resourceName, tags: tagList },
        }),
      }),
    )
    .optional(),
  solutions: z.array(solution).optional(),
  recommenders: z.array(recommender).optional(),
});
