import type { ResourceKind } from '../arns.js';
import { find, live, type Operation, type OperationContext, paginate } from '../context.js';
import { describe, KINDS, summarize } from '../kinds.js';
import type { Resource } from '../model.js';

/** Describe<Kind>: `{<kind>: {...}}` for the ARN in `<arnKey>`. */
export function describeOperation(
  kind: ResourceKind,
  extra: (resource: Resource, ctx: OperationContext) => Record<string, unknown> = () => ({}),
): Operation {
  const info = KINDS[kind];
  return (input, ctx) => {
    const resource = find(ctx, input[info.arnKey], kind);
    return { [info.describeKey]: describe(resource, ctx.now, extra(resource, ctx)) };
  };
}

/**
 * List<Kinds>, newest first, paginated; `filterKey` names the request member
 * that narrows the list (datasetGroupArn, datasetArn, solutionArn...), matched
 * against the resource's dataset group or parent.
 */
export function listOperation(
  kind: ResourceKind,
  filterKey?: string,
  extra: (resource: Resource, ctx: OperationContext) => Record<string, unknown> = () => ({}),
): Operation {
  const info = KINDS[kind];
  return (input, ctx) => {
    let items = live(ctx, kind);
    const filter = filterKey ? input[filterKey] : undefined;
    if (typeof filter === 'string') {
      items = items.filter((r) => (filterKey === 'datasetGroupArn' ? r.datasetGroupArn : r.parentArn) === filter);
    }
    const { page, nextToken } = paginate(items, input);
    return {
      [info.listKey]: page.map((resource) => summarize(resource, ctx.now, extra(resource, ctx))),
      ...(nextToken ? { nextToken } : {}),
    };
  };
}

/** Live resources of a kind that belong to a dataset group. */
export function inDatasetGroup(ctx: OperationContext, kind: ResourceKind, datasetGroupArn: string): Resource[] {
  return live(ctx, kind).filter((r) => r.datasetGroupArn === datasetGroupArn);
}
