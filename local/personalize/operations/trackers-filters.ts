import { type FilterDataset, type ParsedFilter, parseFilterExpression } from '../../../shared/filters/parse.js';
import type { DatasetSchema } from '../../../shared/personalize/dataset-schema.js';
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
import { checkFilterForDatasets } from '../filters/check.js';
import type { Resource } from '../model.js';
import { schemaOf } from '../work.js';
import { describeOperation, inDatasetGroup, listOperation } from './common.js';
import { datasetKindOf } from './datasets.js';

const FILTER_DATASETS: Readonly<Record<FilterDataset, string>> = {
  Interactions: 'interactions',
  Items: 'items',
  Users: 'users',
  Actions: 'actions',
  ActionInteractions: 'action_interactions',
};

/** Why a parsed filter cannot work in this dataset group (Personalize fails such filters), or undefined. */
function filterFailure(ctx: OperationContext, group: Resource, filter: ParsedFilter): string | undefined {
  const datasets = inDatasetGroup(ctx, 'dataset', group.arn);
  const schemas: Partial<Record<FilterDataset, DatasetSchema>> = {};
  for (const [name, kind] of Object.entries(FILTER_DATASETS) as [FilterDataset, string][]) {
    const dataset = datasets.find((d) => datasetKindOf(d) === kind);
    if (dataset) schemas[name] = schemaOf(ctx, dataset);
  }
  return checkFilterForDatasets(filter, schemas)[0];
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
    const failure = filterFailure(ctx, group, parsed.filter);
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
