import { type Recipe, recipeByArn } from '../../../shared/personalize/recipes.js';
import {
  arn,
  create,
  createTimeline,
  find,
  invalidInputIf,
  live,
  type Operation,
  type OperationContext,
  requireNew,
  requireStatus,
  startDelete,
  statusOf,
} from '../context.js';
import { inUse, invalidInput, limitExceeded } from '../errors.js';
import { summarize } from '../kinds.js';
import { phases, settlesAt } from '../lifecycle.js';
import { PENDING_STATUSES, type Resource } from '../model.js';
import { describeOperation, inDatasetGroup, listOperation } from './common.js';
import { currentSegments } from './datasets.js';

/** The custom recipe a solution trains, or InvalidInputException. */
export function customRecipe(recipeArn: unknown): Recipe {
  const recipe = typeof recipeArn === 'string' ? recipeByArn(recipeArn) : undefined;
  if (!recipe) throw invalidInput(`Unknown recipe ${String(recipeArn)}`);
  if (recipe.domain)
    throw invalidInput(`${recipe.name} is a domain recipe: create a recommender with it instead of a solution`);
  return recipe;
}

export function recipeOfVersion(version: Resource): Recipe {
  return recipeByArn(version.attributes.recipeArn as string) as Recipe;
}

function latestVersion(ctx: OperationContext, solution: Resource): Resource | undefined {
  return live(ctx, 'solutionVersion').find((v) => v.parentArn === solution.arn);
}

/** Total hours the version spent training (in progress), once it has finished. */
function trainingHours(version: Resource, ctx: OperationContext): number | undefined {
  const end = settlesAt(version.timeline, version.work);
  const start = version.timeline[1]?.at;
  if (end === undefined || end > ctx.now || start === undefined || statusOf(version, ctx) !== 'ACTIVE')
    return undefined;
  return Math.round(((end - start) / 3_600_000) * 1000) / 1000;
}

/** When the newest data of the version's dataset group became ACTIVE (for UPDATE training). */
function newestDataAt(ctx: OperationContext, datasetGroupArn: string): number {
  let newest = 0;
  for (const dataset of inDatasetGroup(ctx, 'dataset', datasetGroupArn)) {
    for (const segment of currentSegments(ctx, dataset)) newest = Math.max(newest, segment.finishedAt);
  }
  return newest;
}

export const solutionOperations: Record<string, Operation> = {
  CreateSolution(input, ctx) {
    const group = find(ctx, input.datasetGroupArn, 'datasetGroup');
    requireStatus(ctx, group, ['ACTIVE'], 'creating a solution in it');
    invalidInputIf(
      input.recipeArn === undefined && input.performAutoML !== true,
      'A recipeArn is required unless performAutoML is true',
    );
    const recipe = customRecipe(input.recipeArn ?? 'arn:aws:personalize:::recipe/aws-user-personalization');
    const name = input.name as string;
    const solutionArn = arn(ctx, 'solution', name);
    requireNew(ctx, 'solution', solutionArn, name);
    if (inDatasetGroup(ctx, 'solution', group.arn).length >= ctx.quotas.solutionsPerDatasetGroup) {
      throw limitExceeded(`A dataset group can have at most ${ctx.quotas.solutionsPerDatasetGroup} solutions`);
    }
    const performAutoTraining = input.performAutoTraining ?? true;
    const solutionConfig = (input.solutionConfig ?? {}) as Record<string, unknown>;
    create(ctx, {
      kind: 'solution',
      arn: solutionArn,
      name,
      datasetGroupArn: group.arn,
      timeline: createTimeline(ctx, 'solution'),
      attributes: {
        recipeArn: `arn:aws:personalize:::recipe/${recipe.name}`,
        performHPO: input.performHPO ?? false,
        performAutoML: input.performAutoML ?? false,
        performAutoTraining,
        performIncrementalUpdate: input.performIncrementalUpdate ?? false,
        eventType: input.eventType,
        solutionConfig: performAutoTraining
          ? { autoTrainingConfig: { schedulingExpression: 'rate(7 days)' }, ...solutionConfig }
          : solutionConfig,
      },
      tags: input.tags,
    });
    return { solutionArn };
  },

  DescribeSolution: describeOperation('solution', (solution, ctx) => {
    const version = latestVersion(ctx, solution);
    return version ? { latestSolutionVersion: summarize(version, ctx.now) } : {};
  }),
  ListSolutions: listOperation('solution', 'datasetGroupArn'),

  DeleteSolution(input, ctx) {
    const solution = find(ctx, input.solutionArn, 'solution');
    requireStatus(ctx, solution, ['ACTIVE', 'CREATE FAILED'], 'deleting it');
    const campaign = live(ctx, 'campaign').find((c) => c.parentArn === solution.arn);
    if (campaign) throw inUse(`The solution ${solution.arn} is deployed by the campaign ${campaign.arn}`);
    const training = live(ctx, 'solutionVersion').find(
      (v) => v.parentArn === solution.arn && PENDING_STATUSES.includes(statusOf(v, ctx)),
    );
    if (training) throw inUse(`The solution ${solution.arn} has a version in training: ${training.arn}`);
    startDelete(ctx, solution);
    return {};
  },

  CreateSolutionVersion(input, ctx) {
    const solution = find(ctx, input.solutionArn, 'solution');
    requireStatus(ctx, solution, ['ACTIVE'], 'training it');
    const recipe = customRecipe(solution.attributes.recipeArn);
    const trainingMode = (input.trainingMode ?? 'FULL') as string;
    invalidInputIf(
      !['FULL', 'UPDATE'].includes(trainingMode),
      `trainingMode must be FULL or UPDATE, not ${trainingMode}`,
    );
    if (trainingMode === 'UPDATE') {
      invalidInputIf(!recipe.allowsUpdate, `${recipe.name} does not support trainingMode UPDATE`);
      const active = live(ctx, 'solutionVersion').find(
        (v) => v.parentArn === solution.arn && statusOf(v, ctx) === 'ACTIVE',
      );
      invalidInputIf(
        !active,
        'There should be an active solution version with training mode set to FULL before training mode UPDATE',
      );
      invalidInputIf(
        active !== undefined && newestDataAt(ctx, solution.datasetGroupArn as string) <= active.createdAt,
        'There should be updates to at least one dataset after last active solution version with training mode set to FULL',
      );
    }
    const pending = live(ctx, 'solutionVersion').filter((v) => PENDING_STATUSES.includes(statusOf(v, ctx)));
    if (pending.length >= ctx.quotas.pendingSolutionVersions) {
      throw limitExceeded(
        `More than ${ctx.quotas.pendingSolutionVersions} resources with PENDING or IN_PROGRESS status.`,
      );
    }
    const solutionVersionArn = arn(ctx, 'solutionVersion', `${solution.name}/${ctx.ids.hex8()}`);
    create(ctx, {
      kind: 'solutionVersion',
      arn: solutionVersionArn,
      name: (input.name as string | undefined) ?? '',
      datasetGroupArn: solution.datasetGroupArn as string,
      parentArn: solution.arn,
      timeline: createTimeline(ctx, 'solutionVersion', true),
      attributes: {
        solutionArn: solution.arn,
        performHPO: solution.attributes.performHPO,
        performAutoML: solution.attributes.performAutoML,
        performIncrementalUpdate: solution.attributes.performIncrementalUpdate,
        recipeArn: solution.attributes.recipeArn,
        eventType: solution.attributes.eventType,
        solutionConfig: solution.attributes.solutionConfig,
        trainingMode,
        trainingType: 'MANUAL',
      },
      tags: input.tags,
      work: true,
    });
    return { solutionVersionArn };
  },

  DescribeSolutionVersion: describeOperation('solutionVersion', (version, ctx) => {
    const hours = trainingHours(version, ctx);
    const tuned = version.internal?.tunedHPOParams;
    return {
      ...(hours !== undefined ? { trainingHours: hours } : {}),
      ...(tuned ? { tunedHPOParams: tuned } : {}),
    };
  }),
  ListSolutionVersions: listOperation('solutionVersion', 'solutionArn'),

  StopSolutionVersionCreation(input, ctx) {
    const version = find(ctx, input.solutionVersionArn, 'solutionVersion');
    requireStatus(ctx, version, ['CREATE PENDING', 'CREATE IN_PROGRESS'], 'stopping it');
    const past = version.timeline.filter((step) => step.at <= ctx.now && !step.afterWork);
    version.timeline = [
      ...past,
      ...phases(ctx.now, ctx.profile.stopSolutionVersion, ['CREATE STOPPING', 'CREATE STOPPING', 'CREATE STOPPED']),
    ];
    version.work = {
      finishedAt: ctx.now,
      result: { ok: false, failureReason: 'Stopped by StopSolutionVersionCreation' },
    };
    ctx.stopWork(version);
    version.changedAt = ctx.now;
    ctx.mutated = true;
    return {};
  },

  GetSolutionMetrics(input, ctx) {
    const version = find(ctx, input.solutionVersionArn, 'solutionVersion');
    requireStatus(ctx, version, ['ACTIVE'], 'reading its metrics');
    const metrics = version.internal?.metrics as Record<string, number> | undefined;
    return { solutionVersionArn: version.arn, ...(metrics ? { metrics } : {}) };
  },
};
