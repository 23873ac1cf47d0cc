import { type Recipe, recipeByArn } from '../../../shared/personalize/recipes.js';
import {
  arn,
  create,
  createTimeline,
  find,
  invalidInputIf,
  type Operation,
  type OperationContext,
  requireNew,
  requireStatus,
  startDelete,
} from '../context.js';
import { inUse, invalidInput, limitExceeded } from '../errors.js';
import { describeUpdate } from '../kinds.js';
import { phases } from '../lifecycle.js';
import { effectiveAttributes, PENDING_STATUSES, type Resource, updateStatus } from '../model.js';
import { describeOperation, inDatasetGroup, listOperation } from './common.js';
import { recipeOfVersion } from './solutions.js';

/** An update in flight blocks another update or a delete (ResourceInUseException). */
export function requireNoUpdateInProgress(ctx: OperationContext, resource: Resource): void {
  const update = resource.update;
  if (update && PENDING_STATUSES.includes(updateStatus(update, ctx.now).status)) {
    throw inUse(`${resource.arn} is being updated; wait until the update is ACTIVE`);
  }
}

/** Starts an update whose attributes apply when it becomes ACTIVE. */
export function startUpdate(
  ctx: OperationContext,
  resource: Resource,
  attributes: Record<string, unknown>,
  phase: 'campaignUpdate' | 'recommenderUpdate',
): void {
  resource.attributes = effectiveAttributes(resource, ctx.now);
  resource.update = {
    attributes,
    createdAt: ctx.now,
    timeline: phases(ctx.now, ctx.profile[phase], ['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE']),
  };
  resource.changedAt = ctx.now;
  ctx.mutated = true;
}

function deployableVersion(ctx: OperationContext, solutionVersionArn: unknown): { version: Resource; recipe: Recipe } {
  const version = find(ctx, solutionVersionArn, 'solutionVersion');
  requireStatus(ctx, version, ['ACTIVE'], 'deploying it');
  const recipe = recipeOfVersion(version);
  invalidInputIf(
    !recipe.supportsCampaign,
    `${recipe.name} solution versions cannot be deployed in a campaign; use batch segment jobs`,
  );
  return { version, recipe };
}

function checkCampaignConfig(recipe: Recipe, config: unknown): void {
  const exploration = (config as { itemExplorationConfig?: unknown } | undefined)?.itemExplorationConfig;
  invalidInputIf(
    exploration !== undefined && recipe.name !== 'aws-user-personalization',
    `itemExplorationConfig is only supported for aws-user-personalization, not ${recipe.name}`,
  );
}

export const campaignOperations: Record<string, Operation> = {
  CreateCampaign(input, ctx) {
    const { version, recipe } = deployableVersion(ctx, input.solutionVersionArn);
    checkCampaignConfig(recipe, input.campaignConfig);
    const name = input.name as string;
    const campaignArn = arn(ctx, 'campaign', name);
    requireNew(ctx, 'campaign', campaignArn, name);
    if (
      inDatasetGroup(ctx, 'campaign', version.datasetGroupArn as string).length >= ctx.quotas.campaignsPerDatasetGroup
    ) {
      throw limitExceeded(`A dataset group can have at most ${ctx.quotas.campaignsPerDatasetGroup} campaigns`);
    }
    create(ctx, {
      kind: 'campaign',
      arn: campaignArn,
      name,
      datasetGroupArn: version.datasetGroupArn as string,
      parentArn: version.parentArn as string,
      timeline: createTimeline(ctx, 'campaign'),
      attributes: {
        solutionVersionArn: version.arn,
        minProvisionedTPS: input.minProvisionedTPS ?? 1,
        campaignConfig: input.campaignConfig ?? {},
      },
      tags: input.tags,
    });
    return { campaignArn };
  },

  DescribeCampaign: describeOperation('campaign', (campaign, ctx) => {
    const latest = describeUpdate(campaign, ctx.now, 'CampaignUpdateSummary');
    return latest ? { latestCampaignUpdate: latest } : {};
  }),
  ListCampaigns: listOperation('campaign', 'solutionArn'),

  UpdateCampaign(input, ctx) {
    const campaign = find(ctx, input.campaignArn, 'campaign');
    requireStatus(ctx, campaign, ['ACTIVE'], 'updating it');
    requireNoUpdateInProgress(ctx, campaign);
    const current = effectiveAttributes(campaign, ctx.now);
    const target = input.solutionVersionArn ?? current.solutionVersionArn;
    const { version, recipe } = deployableVersion(ctx, target);
    if (version.datasetGroupArn !== campaign.datasetGroupArn) {
      throw invalidInput(`The solution version ${version.arn} belongs to another dataset group`);
    }
    checkCampaignConfig(recipe, input.campaignConfig ?? current.campaignConfig);
    startUpdate(
      ctx,
      campaign,
      {
        solutionVersionArn: version.arn,
        minProvisionedTPS: input.minProvisionedTPS ?? current.minProvisionedTPS,
        campaignConfig: input.campaignConfig ?? current.campaignConfig,
      },
      'campaignUpdate',
    );
    campaign.parentArn = version.parentArn as string;
    return { campaignArn: campaign.arn };
  },

  DeleteCampaign(input, ctx) {
    const campaign = find(ctx, input.campaignArn, 'campaign');
    requireStatus(ctx, campaign, ['ACTIVE', 'CREATE FAILED'], 'deleting it');
    requireNoUpdateInProgress(ctx, campaign);
    startDelete(ctx, campaign);
    return {};
  },
};

export const recommenderOperations: Record<string, Operation> = {
  CreateRecommender(input, ctx) {
    const group = find(ctx, input.datasetGroupArn, 'datasetGroup');
    requireStatus(ctx, group, ['ACTIVE'], 'creating a recommender in it');
    const domain = group.attributes.domain as string | undefined;
    invalidInputIf(!domain, `Recommenders need a domain dataset group; ${group.arn} has no domain`);
    const recipe = typeof input.recipeArn === 'string' ? recipeByArn(input.recipeArn) : undefined;
    invalidInputIf(recipe?.domain !== domain, `${String(input.recipeArn)} is not a ${String(domain)} recipe`);
    const name = input.name as string;
    const recommenderArn = arn(ctx, 'recommender', name);
    requireNew(ctx, 'recommender', recommenderArn, name);
    if (inDatasetGroup(ctx, 'recommender', group.arn).length >= ctx.quotas.recommendersPerDatasetGroup) {
      throw limitExceeded(`A dataset group can have at most ${ctx.quotas.recommendersPerDatasetGroup} recommenders`);
    }
    create(ctx, {
      kind: 'recommender',
      arn: recommenderArn,
      name,
      datasetGroupArn: group.arn,
      timeline: createTimeline(ctx, 'recommender', true),
      attributes: {
        recipeArn: input.recipeArn,
        recommenderConfig: input.recommenderConfig ?? { minRecommendationRequestsPerSecond: 1 },
      },
      tags: input.tags,
      work: true,
    });
    return { recommenderArn };
  },

  DescribeRecommender: describeOperation('recommender', (recommender, ctx) => {
    const latest = describeUpdate(recommender, ctx.now, 'RecommenderUpdateSummary');
    const modelMetrics = recommender.internal?.metrics;
    return { ...(latest ? { latestRecommenderUpdate: latest } : {}), ...(modelMetrics ? { modelMetrics } : {}) };
  }),
  ListRecommenders: listOperation('recommender', 'datasetGroupArn'),

  UpdateRecommender(input, ctx) {
    const recommender = find(ctx, input.recommenderArn, 'recommender');
    requireStatus(ctx, recommender, ['ACTIVE'], 'updating it');
    requireNoUpdateInProgress(ctx, recommender);
    startUpdate(ctx, recommender, { recommenderConfig: input.recommenderConfig }, 'recommenderUpdate');
    return { recommenderArn: recommender.arn };
  },

  StopRecommender(input, ctx) {
    const recommender = find(ctx, input.recommenderArn, 'recommender');
    requireStatus(ctx, recommender, ['ACTIVE'], 'stopping it');
    requireNoUpdateInProgress(ctx, recommender);
    recommender.timeline = [
      ...recommender.timeline,
      ...phases(ctx.now, ctx.profile.recommenderStop, ['STOP PENDING', 'STOP IN_PROGRESS', 'INACTIVE']),
    ];
    recommender.changedAt = ctx.now;
    ctx.mutated = true;
    return { recommenderArn: recommender.arn };
  },

  StartRecommender(input, ctx) {
    const recommender = find(ctx, input.recommenderArn, 'recommender');
    requireStatus(ctx, recommender, ['INACTIVE'], 'starting it');
    recommender.timeline = [
      ...recommender.timeline,
      ...phases(ctx.now, ctx.profile.recommenderStart, ['START PENDING', 'START IN_PROGRESS', 'ACTIVE']),
    ];
    recommender.changedAt = ctx.now;
    ctx.mutated = true;
    return { recommenderArn: recommender.arn };
  },

  DeleteRecommender(input, ctx) {
    const recommender = find(ctx, input.recommenderArn, 'recommender');
    requireStatus(ctx, recommender, ['ACTIVE', 'INACTIVE', 'CREATE FAILED'], 'deleting it');
    requireNoUpdateInProgress(ctx, recommender);
    startDelete(ctx, recommender);
    return {};
  },
};
