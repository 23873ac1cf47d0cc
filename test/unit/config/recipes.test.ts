import { describe, expect, it } from 'vitest';
import { RECIPES } from '../../../shared/personalize/recipes.js';

describe('recipe facts', () => {
  it('asks for a userId only where recommendations are personal', () => {
    const anonymous = RECIPES.filter((r) => r.recipeType === 'USER_PERSONALIZATION' && !r.needsUserId).map(
      (r) => r.name,
    );
    expect(anonymous.sort()).toEqual([
      'aws-ecomm-popular-items-by-purchases',
      'aws-ecomm-popular-items-by-views',
      'aws-popularity-count',
      'aws-trending-now',
      'aws-vod-most-popular',
      'aws-vod-trending-now',
    ]);
  });
});
