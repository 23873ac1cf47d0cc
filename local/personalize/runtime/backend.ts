import { readFile } from 'node:fs/promises';
import { parseFilterExpression } from '../../../shared/filters/parse.js';
import { type Recipe, recipeByArn } from '../../../shared/personalize/recipes.js';
import { find, type OperationContext, statusOf } from '../context.js';
import { notFound } from '../errors.js';
import { compileFilter } from '../filters/evaluate.js';
import { effectiveAttributes, type Resource } from '../model.js';
import { deserializeModel, type Model, rankItems, recommendItems, recommendUsers } from '../models/model.js';
import type { DatasetViews } from '../views.js';
import type { BatchBackend } from './batch.js';
import type { Deployment, RuntimeBackend, Scored } from './http.js';

/**
 * The emulator behind the runtime and batch jobs: deployments resolve to the
 * model of the solution version a campaign serves now (a campaign update
 * switches models atomically when it becomes ACTIVE), or a recommender's own
 * model; filters evaluate against the dataset group's current data.
 */

const MAX_LOADED_MODELS = 16;

interface Loaded {
  readonly deployment: Deployment;
  readonly modelFile: string;
}

export class ModelBackend implements RuntimeBackend, BatchBackend {
  private readonly models = new Map<string, Promise<Model>>();
  private readonly byDeployment = new Map<string, string>();

  constructor(
    private readonly context: () => OperationContext,
    private readonly views: DatasetViews,
  ) {}

  /** Loaded models, least recently used first; old versions fall out instead of piling up in memory. */
  private model(file: string): Promise<Model> {
    let model = this.models.get(file);
    if (model) {
      this.models.delete(file);
    } else {
      model = readFile(file).then((bytes) => deserializeModel(new Uint8Array(bytes)));
      model.catch(() => this.models.delete(file));
    }
    this.models.set(file, model);
    for (const oldest of this.models.keys()) {
      if (this.models.size <= MAX_LOADED_MODELS) break;
      this.models.delete(oldest);
    }
    return model;
  }

  private resolve(ctx: OperationContext, arn: string): Loaded {
    const resource = find(ctx, arn, 'campaign', 'recommender', 'solutionVersion');
    if (statusOf(resource, ctx) !== 'ACTIVE') throw notFound(`${arn} is not ACTIVE`);
    if (resource.kind === 'recommender') {
      return {
        deployment: this.describe(resource, recipeByArn(resource.attributes.recipeArn as string) as Recipe, {}),
        modelFile: resource.internal?.modelFile as string,
      };
    }
    const attributes = resource.kind === 'campaign' ? effectiveAttributes(resource, ctx.now) : resource.attributes;
    const version =
      resource.kind === 'campaign' ? find(ctx, attributes.solutionVersionArn, 'solutionVersion') : resource;
    const recipe = recipeByArn(version.attributes.recipeArn as string) as Recipe;
    const config = (attributes.campaignConfig ?? {}) as {
      itemExplorationConfig?: Record<string, string>;
      enableMetadataWithRecommendations?: boolean;
    };
    return { deployment: this.describe(resource, recipe, config), modelFile: version.internal?.modelFile as string };
  }

  private describe(
    resource: Resource,
    recipe: Recipe,
    config: { itemExplorationConfig?: Record<string, string>; enableMetadataWithRecommendations?: boolean },
  ): Deployment {
    const exploration = config.itemExplorationConfig;
    return {
      arn: resource.arn,
      recipe,
      datasetGroupArn: resource.datasetGroupArn as string,
      metadataEnabled: config.enableMetadataWithRecommendations === true,
      ...(exploration?.explorationWeight !== undefined
        ? { explorationWeight: Number(exploration.explorationWeight) }
        : {}),
      ...(exploration?.explorationItemAgeCutOff !== undefined
        ? { explorationItemAgeCutOffDays: Number(exploration.explorationItemAgeCutOff) }
        : {}),
    };
  }

  async deployment(arn: string): Promise<Deployment> {
    const loaded = this.resolve(this.context(), arn);
    if (!loaded.modelFile) throw notFound(`${arn} has no trained model`);
    this.byDeployment.set(arn, loaded.modelFile);
    return loaded.deployment;
  }

  private async modelOf(deployment: Deployment): Promise<Model> {
    const file = this.byDeployment.get(deployment.arn) ?? this.resolve(this.context(), deployment.arn).modelFile;
    return this.model(file);
  }

  async recommend(
    deployment: Deployment,
    query: { userId?: string; itemId?: string; numResults: number; keep: (itemId: string) => boolean },
  ): Promise<Scored[]> {
    const model = await this.modelOf(deployment);
    return recommendItems(model, {
      ...(query.userId ? { userId: query.userId } : {}),
      ...(query.itemId ? { itemId: query.itemId } : {}),
      numResults: query.numResults,
      exclude: (id: string) => !query.keep(id),
      ...(deployment.explorationWeight !== undefined ? { explorationWeight: deployment.explorationWeight } : {}),
      ...(deployment.explorationItemAgeCutOffDays !== undefined
        ? { explorationItemAgeCutOffDays: deployment.explorationItemAgeCutOffDays }
        : {}),
    }).map((r) => ({ id: r.itemId, ...(r.score !== undefined ? { score: r.score } : {}) }));
  }

  async rank(
    deployment: Deployment,
    userId: string,
    itemIds: readonly string[],
    keep: (itemId: string) => boolean,
  ): Promise<Scored[]> {
    const model = await this.modelOf(deployment);
    return rankItems(model, userId, itemIds.filter(keep)).map((r) => ({ id: r.itemId, score: r.score }));
  }

  async segment(
    deployment: Deployment,
    query: { itemId?: string; itemAttributes?: string },
    numResults: number,
  ): Promise<Scored[]> {
    const model = await this.modelOf(deployment);
    const target =
      query.itemAttributes !== undefined
        ? { itemAttributes: query.itemAttributes }
        : { itemId: query.itemId as string };
    return recommendUsers(model, target, numResults).map((u) => ({ id: u.userId, score: u.score }));
  }

  async filter(
    deployment: Deployment,
    filterArn: string | undefined,
    filterValues: Record<string, string> | undefined,
    context: { userId?: string; itemId?: string },
  ): Promise<(itemId: string) => boolean> {
    if (filterArn === undefined) return () => true;
    const ctx = this.context();
    const filter = find(ctx, filterArn, 'filter');
    if (statusOf(filter, ctx) !== 'ACTIVE') throw notFound(`The filter ${filterArn} is not ACTIVE`);
    const parsed = parseFilterExpression(filter.attributes.filterExpression as string);
    if (!parsed.ok) throw notFound(`The filter ${filterArn} cannot be used`);
    const view = await this.views.view(ctx, deployment.datasetGroupArn);
    return compileFilter({
      filter: parsed.filter,
      entity:
        deployment.recipe.recipeType === 'USER_SEGMENTATION'
          ? 'UserID'
          : deployment.recipe.recipeType === 'PERSONALIZED_ACTIONS'
            ? 'ActionID'
            : 'ItemID',
      data: view.filterData,
      userId: context.userId,
      itemId: context.itemId,
      filterValues,
    });
  }

  async metadata(deployment: Deployment, itemId: string, columns: readonly string[]): Promise<Record<string, string>> {
    const view = await this.views.view(this.context(), deployment.datasetGroupArn);
    const record = view.items.get(itemId) ?? {};
    return Object.fromEntries(
      columns.filter((c) => record[c] !== undefined && record[c] !== null).map((c) => [c, String(record[c])]),
    );
  }
}
