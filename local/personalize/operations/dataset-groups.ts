import type { ResourceKind } from '../arns.js';
import {
  arn,
  create,
  createTimeline,
  find,
  invalidInputIf,
  live,
  type Operation,
  requireNew,
  requireStatus,
  startDelete,
} from '../context.js';
import { inUse, limitExceeded } from '../errors.js';
import { describeOperation, inDatasetGroup, listOperation } from './common.js';

const CHILDREN: readonly ResourceKind[] = ['dataset', 'solution', 'eventTracker', 'filter', 'recommender'];

export const datasetGroupOperations: Record<string, Operation> = {
  CreateDatasetGroup(input, ctx) {
    const name = input.name as string;
    const datasetGroupArn = arn(ctx, 'datasetGroup', name);
    requireNew(ctx, 'datasetGroup', datasetGroupArn, name);
    invalidInputIf(
      input.kmsKeyArn !== undefined && input.roleArn === undefined,
      'A roleArn is required when kmsKeyArn is set',
    );
    if (live(ctx, 'datasetGroup').length >= ctx.quotas.activeDatasetGroups) {
      throw limitExceeded(`You have reached the maximum number of dataset groups (${ctx.quotas.activeDatasetGroups})`);
    }
    create(ctx, {
      kind: 'datasetGroup',
      arn: datasetGroupArn,
      name,
      timeline: createTimeline(ctx, 'datasetGroup'),
      attributes: { roleArn: input.roleArn, kmsKeyArn: input.kmsKeyArn, domain: input.domain },
      tags: input.tags,
    });
    return { datasetGroupArn, ...(input.domain ? { domain: input.domain } : {}) };
  },

  DescribeDatasetGroup: describeOperation('datasetGroup'),
  ListDatasetGroups: listOperation('datasetGroup'),

  DeleteDatasetGroup(input, ctx) {
    const group = find(ctx, input.datasetGroupArn, 'datasetGroup');
    requireStatus(ctx, group, ['ACTIVE', 'CREATE FAILED'], 'deleting it');
    for (const kind of CHILDREN) {
      const child = inDatasetGroup(ctx, kind, group.arn)[0];
      if (child) throw inUse(`The dataset group ${group.arn} still holds ${child.arn}; delete its resources first`);
    }
    startDelete(ctx, group);
    return {};
  },
};
