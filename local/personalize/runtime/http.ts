import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Recipe } from '../../../shared/personalize/recipes.js';
import { readBodyText, sendJson } from '../../http-json.js';
import { PersonalizeApiError } from '../errors.js';

/**
 * The `personalize-runtime` API (REST JSON): POST /recommendations and
 * POST /personalize-ranking, as `@aws-sdk/client-personalize-runtime` sends
 * them. Validation and response shapes live here; models, filters and
 * metadata come from the emulator through `RuntimeBackend`.
 */

export interface Deployment {
  readonly arn: string;
  readonly recipe: Recipe;
  readonly datasetGroupArn: string;
  /** Campaign config: exploration for aws-user-personalization, metadata in answers. */
  readonly explorationWeight?: number;
  readonly explorationItemAgeCutOffDays?: number;
  readonly metadataEnabled: boolean;
}

export interface Scored {
  readonly id: string;
  readonly score?: number;
}

export interface RuntimeBackend {
  /** The ACTIVE campaign or recommender behind an ARN. @throws PersonalizeApiError (ResourceNotFound, InvalidInput) */
  deployment(arn: string): Promise<Deployment>;
  recommend(
    deployment: Deployment,
    query: { userId?: string; itemId?: string; numResults: number; keep: (itemId: string) => boolean },
  ): Promise<Scored[]>;
  rank(
    deployment: Deployment,
    userId: string,
    itemIds: readonly string[],
    keep: (itemId: string) => boolean,
  ): Promise<Scored[]>;
  /** A predicate for a filter ARN and its runtime values. @throws PersonalizeApiError */
  filter(
    deployment: Deployment,
    filterArn: string | undefined,
    filterValues: Record<string, string> | undefined,
    context: { userId?: string; itemId?: string },
  ): Promise<(itemId: string) => boolean>;
  metadata(deployment: Deployment, itemId: string, columns: readonly string[]): Promise<Record<string, string>>;
}

export const RUNTIME_PATHS = ['/recommendations', '/personalize-ranking', '/action-recommendations'];

export function isRuntimeRequest(req: IncomingMessage): boolean {
  return req.method === 'POST' && RUNTIME_PATHS.includes(new URL(req.url ?? '/', 'http://local').pathname);
}

const invalid = (message: string) => new PersonalizeApiError('InvalidInputException', message);

function text(value: unknown, name: string, required = false): string | undefined {
  if (value === undefined || value === null) {
    if (required)
      throw invalid(
        `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
      );
    return undefined;
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) {
    throw invalid(
      `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must have length between 1 and 256`,
    );
  }
  return value;
}

function numResults(value: unknown): number {
  if (value === undefined) return 25;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 500) {
    throw invalid(
      `1 validation error detected: Value '${String(value)}' at 'numResults' failed to satisfy constraint: Member must have value between 0 and 500`,
    );
  }
  return value === 0 ? 25 : (value as number);
}

function filterValues(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('filterValues must be a map of strings');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 25) throw invalid('filterValues can have at most 25 entries');
  for (const [key, v] of entries) if (typeof v !== 'string') throw invalid(`filterValues.${key} must be a string`);
  return value as Record<string, string>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBodyText(req);
  if (body.trim() === '') return {};
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // falls through
  }
  throw invalid('The request body is not a JSON object');
}

async function recommendations(input: Record<string, unknown>, backend: RuntimeBackend) {
  const campaignArn = text(input.campaignArn, 'campaignArn');
  const recommenderArn = text(input.recommenderArn, 'recommenderArn');
  if ((campaignArn === undefined) === (recommenderArn === undefined))
    throw invalid('Provide exactly one of campaignArn and recommenderArn');
  const deployment = await backend.deployment((campaignArn ?? recommenderArn) as string);
  const userId = text(input.userId, 'userId');
  const itemId = text(input.itemId, 'itemId');
  const type = deployment.recipe.recipeType;
  if (deployment.recipe.needsUserId && type !== 'PERSONALIZED_ACTIONS' && userId === undefined) {
    throw invalid(`${deployment.recipe.name} needs a userId`);
  }
  if (type === 'RELATED_ITEMS' && itemId === undefined) throw invalid(`${deployment.recipe.name} needs an itemId`);
  if (type === 'PERSONALIZED_RANKING') throw invalid('Use GetPersonalizedRanking with a personalized-ranking campaign');
  if (type === 'USER_SEGMENTATION')
    throw invalid(`${deployment.recipe.name} solution versions answer batch segment jobs only`);
  if (type === 'PERSONALIZED_ACTIONS') throw invalid('Use GetActionRecommendations with a next-best-action campaign');
  const columns = metadataColumns(input.metadataColumns, deployment);
  const keep = await backend.filter(deployment, text(input.filterArn, 'filterArn'), filterValues(input.filterValues), {
    ...(userId ? { userId } : {}),
    ...(itemId ? { itemId } : {}),
  });
  const items = await backend.recommend(deployment, {
    ...(userId ? { userId } : {}),
    ...(itemId ? { itemId } : {}),
    numResults: numResults(input.numResults),
    keep,
  });
  const itemList = [];
  for (const item of items) {
    itemList.push({
      itemId: item.id,
      ...(item.score !== undefined && deployment.recipe.scored ? { score: item.score } : {}),
      ...(columns.length > 0 ? { metadata: await backend.metadata(deployment, item.id, columns) } : {}),
    });
  }
  return { itemList, recommendationId: `RID-${randomUUID()}` };
}

function metadataColumns(value: unknown, deployment: Deployment): string[] {
  if (value === undefined) return [];
  const columns = Object.values(value as Record<string, string[]>).flat();
  if (columns.length > 0 && !deployment.metadataEnabled) {
    throw invalid('metadataColumns needs enableMetadataWithRecommendations in the campaign config');
  }
  return columns;
}

async function ranking(input: Record<string, unknown>, backend: RuntimeBackend) {
  const campaignArn = text(input.campaignArn, 'campaignArn', true) as string;
  const userId = text(input.userId, 'userId', true) as string;
  const list = input.inputList;
  if (!Array.isArray(list) || list.length === 0 || list.length > 500 || list.some((i) => typeof i !== 'string')) {
    throw invalid('inputList must hold between 1 and 500 item ids');
  }
  const deployment = await backend.deployment(campaignArn);
  if (deployment.recipe.recipeType !== 'PERSONALIZED_RANKING') {
    throw invalid(
      `GetPersonalizedRanking needs a personalized-ranking campaign; ${deployment.recipe.name} is ${deployment.recipe.recipeType}`,
    );
  }
  const columns = metadataColumns(input.metadataColumns, deployment);
  const keep = await backend.filter(deployment, text(input.filterArn, 'filterArn'), filterValues(input.filterValues), {
    userId,
  });
  const ranked = await backend.rank(deployment, userId, list as string[], keep);
  const personalizedRanking = [];
  for (const item of ranked) {
    personalizedRanking.push({
      itemId: item.id,
      ...(item.score !== undefined ? { score: item.score } : {}),
      ...(columns.length > 0 ? { metadata: await backend.metadata(deployment, item.id, columns) } : {}),
    });
  }
  return { personalizedRanking, recommendationId: `RID-${randomUUID()}` };
}

async function actionRecommendations(input: Record<string, unknown>, backend: RuntimeBackend) {
  const campaignArn = text(input.campaignArn, 'campaignArn', true) as string;
  const userId = text(input.userId, 'userId', true) as string;
  const deployment = await backend.deployment(campaignArn);
  if (deployment.recipe.recipeType !== 'PERSONALIZED_ACTIONS') {
    throw invalid(
      `GetActionRecommendations needs a next-best-action campaign; ${deployment.recipe.name} is ${deployment.recipe.recipeType}`,
    );
  }
  const keep = await backend.filter(deployment, text(input.filterArn, 'filterArn'), filterValues(input.filterValues), {
    userId,
  });
  const actions = await backend.recommend(deployment, { userId, numResults: numResults(input.numResults), keep });
  return {
    actionList: actions.map((a) => ({ actionId: a.id, ...(a.score !== undefined ? { score: a.score } : {}) })),
    recommendationId: `RID-${randomUUID()}`,
  };
}

const send = (res: ServerResponse, status: number, body: unknown, errorType?: string) =>
  sendJson(res, status, body, 'application/json', errorType);

const STATUS: Readonly<Record<string, number>> = { ResourceNotFoundException: 404, InvalidInputException: 400 };

export function createRuntimeHttpHandler(backend: RuntimeBackend) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const path = new URL(req.url ?? '/', 'http://local').pathname;
      const input = await readBody(req);
      if (path === '/recommendations') return send(res, 200, await recommendations(input, backend));
      if (path === '/personalize-ranking') return send(res, 200, await ranking(input, backend));
      if (path === '/action-recommendations') return send(res, 200, await actionRecommendations(input, backend));
      throw invalid(`The local Personalize runtime does not serve ${path}`);
    } catch (error) {
      const apiError =
        error instanceof PersonalizeApiError
          ? error
          : new PersonalizeApiError('InternalFailure', (error as Error).message);
      send(res, STATUS[apiError.type] ?? apiError.httpStatus, { message: apiError.message }, apiError.type);
    }
  };
}
