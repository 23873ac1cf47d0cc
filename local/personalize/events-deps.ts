import type { OperationContext } from './context.js';
import { statusOf } from './context.js';
import type { EventsDataset, EventsDeps } from './events/operations.js';
import { exists, type Resource } from './model.js';
import { inDatasetGroup } from './operations/common.js';
import { datasetKindOf } from './operations/datasets.js';
import { appendStreamedRows } from './views.js';
import { schemaOf } from './work.js';

/** The events API's view of the emulator: trackers by tracking id, datasets by ARN, and where streamed rows go. */
export function eventsDeps(context: () => OperationContext, dataDir: string, commit: () => Promise<void>): EventsDeps {
  const datasetOf = (ctx: OperationContext, dataset: Resource | undefined): EventsDataset | undefined =>
    dataset ? { datasetArn: dataset.arn, schema: schemaOf(ctx, dataset), status: statusOf(dataset, ctx) } : undefined;
  return {
    resolveTracker(trackingId) {
      const ctx = context();
      const tracker = [...ctx.store.resources.values()].find(
        (r) => r.kind === 'eventTracker' && exists(r, ctx.now) && r.attributes.trackingId === trackingId,
      );
      if (!tracker) return undefined;
      const datasets = inDatasetGroup(ctx, 'dataset', tracker.datasetGroupArn as string);
      const interactions = datasetOf(
        ctx,
        datasets.find((d) => datasetKindOf(d) === 'interactions'),
      );
      const actionInteractions = datasetOf(
        ctx,
        datasets.find((d) => datasetKindOf(d) === 'action_interactions'),
      );
      return {
        datasetGroupArn: tracker.datasetGroupArn as string,
        status: statusOf(tracker, ctx),
        ...(interactions ? { interactions } : {}),
        ...(actionInteractions ? { actionInteractions } : {}),
      };
    },
    resolveDataset(datasetArn) {
      const ctx = context();
      const dataset = ctx.store.resources.get(datasetArn);
      if (dataset?.kind !== 'dataset' || !exists(dataset, ctx.now)) return undefined;
      return { ...(datasetOf(ctx, dataset) as EventsDataset), kind: datasetKindOf(dataset) };
    },
    async append(datasetArn, rows) {
      const ctx = context();
      const dataset = ctx.store.resources.get(datasetArn) as Resource;
      await appendStreamedRows(ctx, dataDir, dataset, schemaOf(ctx, dataset), rows);
      await commit();
    },
  };
}
