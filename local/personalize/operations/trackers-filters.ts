import { DATASETS_BY_ENTITY, type FilterDataset, parseFilterExpression } from '../../../shared/filters/parse.js';
import { checkDatasetSchema } from '../../../shared/personalize/dataset-schema.js';
import {
  arn,
  create,
  createTimeline,
  find,
  live,
  type Operation,
  type OperationContext,
  requireNew,
  requireStatus,
  startDelete,
} from '../context.js';
import { alreadyExists, invalidInput, limitExceeded } from '../errors.js';
import type { Resource } from '../model.js';
import { describeOperation, inDatasetGroup, listOperation } from './common.js';
import { datasetKindOf } from './datasets.js';

const FILTER_DATASET_TYPE: Readonly<Record<FilterDataset, string>> = {
  Interactions: 'interactions',
  Items: 'items',
  Users: 'users',
  Actions: 'actions',
  ActionInteractions: 'action_interactions',
};

/** Why a parsed filter cannot work in this dataset group, or undefined. Personalize fails such filters. */
function filterFailure(ctx: OperationContext, group: Resource, expression: string): string | undefined {
  const parsed = parseFilterExpression(expression);
  if (!parsed.ok) return undefined;
  const datasets = inDatasetGroup(ctx, 'dataset', group.arn);
  for (const part of parsed.filter.parts) {
    for (const condition of [...part.conditions, ...part.ifConditions]) {
      const datasetName =
        condition.dataset === 'CurrentUser'
          ? 'Users'
          : condition.dataset === 'CurrentItem'
            ? 'Items'
            : condition.dataset;
      if (
        condition.dataset !== 'CurrentUser' &&
        condition.dataset !== 'CurrentItem' &&
        !DATASETS_BY_ENTITY[part.entity].includes(condition.dataset)
      ) {
        return `Invalid filter expression: a filter on ${part.entity} cannot use the ${condition.dataset} dataset`;
      }
      const type = FILTER_DATASET_TYPE[datasetName as FilterDataset];
      const dataset = datasets.find((d) => datasetKindOf(d) === type);
      if (!dataset) return `Invalid filter expression: the dataset group has no ${datasetName} dataset`;
      const schema = ctx.store.resources.get(dataset.attributes.schemaArn as string);
      const check = checkDatasetSchema(schema?.attributes.schema);
      if (check.ok && !check.schema.fields.some((f) => f.name === condition.field)) {
        return `Invalid filter expression: the ${datasetName} dataset has no field ${condition.field}`;
      }
    }
  }
  return undefined;
}

export const eventTrackerOperations: Record<string, Operation> = {
  CreateEventTracker(input, ctx) {
    const group = find(ctx, input.datasetGroupArn, 'datasetGroup');
    requireStatus(ctx, group, ['ACTIVE'], 'creating an event tracker for it');
    if (inDatasetGroup(ctx, 'eventTracker', group.arn).length > 0) {
      throw alreadyExists(`The dataset group ${group.arn} already has an event tracker`);
    }
    const name = input.name as string;
    if (live(ctx, 'eventTracker').some((t) => t.name === name))
      throw alreadyExists(`An event tracker named ${name} already exists`);
    const eventTrackerArn = arn(ctx, 'eventTracker', ctx.ids.hex8());
    const trackingId = ctx.ids.uuid();
    create(ctx, {
      kind: 'eventTracker',
      arn: eventTrackerArn,
      name,
      datasetGroupArn: group.arn,
      timeline: createTimeline(ctx, 'eventTracker'),
      attributes: { trackingId, accountId: ctx.scope.account },
      tags: input.tags,
    });
    return { eventTrackerArn, trackingId };
  },

  DescribeEventTracker: describeOperation('eventTracker'),
  ListEventTrackers: listOperation('eventTracker', 'datasetGroupArn'),

  DeleteEventTracker(input, ctx) {
    const tracker = find(ctx, input.eventTrackerArn, 'eventTracker');
    requireStatus(ctx, tracker, ['ACTIVE', 'CREATE FAILED'], 'deleting it');
    startDelete(ctx, tracker);
    return {};
  },
};

export const filterOperations: Record<string, Operation> = {
  CreateFilter(input, ctx) {
    const group = find(ctx, input.datasetGroupArn, 'datasetGroup');
    requireStatus(ctx, group, ['ACTIVE'], 'creating a filter in it');
    const name = input.name as string;
    const filterArn = arn(ctx, 'filter', name);
    requireNew(ctx, 'filter', filterArn, name);
    const expression = input.filterExpression as string;
    const parsed = parseFilterExpression(expression);
    if (!parsed.ok) throw invalidInput(`Invalid filter expression at column ${parsed.column}: ${parsed.message}`);
    if (inDatasetGroup(ctx, 'filter', group.arn).length >= ctx.quotas.filtersPerDatasetGroup) {
      throw limitExceeded(`A dataset group can have at most ${ctx.quotas.filtersPerDatasetGroup} filters`);
    }
    const failure = filterFailure(ctx, group, expression);
    create(ctx, {
      kind: 'filter',
      arn: filterArn,
      name,
      datasetGroupArn: group.arn,
      timeline: createTimeline(ctx, 'filter', true),
      attributes: { filterExpression: expression },
      tags: input.tags,
    }).work = { finishedAt: ctx.now, result: failure ? { ok: false, failureReason: failure } : { ok: true } };
    return { filterArn };
  },

  DescribeFilter: describeOperation('filter'),
  ListFilters: listOperation('filter', 'datasetGroupArn'),

  DeleteFilter(input, ctx) {
    const filter = find(ctx, input.filterArn, 'filter');
    requireStatus(ctx, filter, ['ACTIVE', 'CREATE FAILED'], 'deleting it');
    startDelete(ctx, filter);
    return {};
  },
};
