import type { Tag } from '@aws-sdk/client-personalize';
import type { ResourceKind } from '../arns.js';
import { checkTags, find, type Operation } from '../context.js';
import { PersonalizeApiError } from '../errors.js';

const TAGGABLE: ResourceKind[] = [
  'datasetGroup',
  'dataset',
  'datasetImportJob',
  'eventTracker',
  'filter',
  'solution',
  'solutionVersion',
  'campaign',
  'recommender',
  'batchInferenceJob',
  'batchSegmentJob',
];

export const tagOperations: Record<string, Operation> = {
  TagResource(input, ctx) {
    const resource = find(ctx, input.resourceArn, ...TAGGABLE);
    const merged = new Map(resource.tags.map((t) => [t.tagKey, t]));
    for (const tag of input.tags as Tag[]) merged.set(tag.tagKey, tag);
    resource.tags = checkTags(ctx, [...merged.values()]);
    ctx.mutated = true;
    return {};
  },

  UntagResource(input, ctx) {
    const resource = find(ctx, input.resourceArn, ...TAGGABLE);
    const keys = input.tagKeys as string[];
    if (keys.length > ctx.quotas.tagsPerResource) {
      throw new PersonalizeApiError(
        'TooManyTagKeysException',
        `At most ${ctx.quotas.tagsPerResource} tag keys can be removed at once`,
      );
    }
    resource.tags = resource.tags.filter((tag) => !keys.includes(tag.tagKey as string));
    ctx.mutated = true;
    return {};
  },

  ListTagsForResource(input, ctx) {
    return { tags: find(ctx, input.resourceArn, ...TAGGABLE).tags };
  },
};
