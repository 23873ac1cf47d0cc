import { describe, expect, it } from 'vitest';
import { validate } from '../../../shared/config/validate.js';
import { sampleWith, seedConfig, seedConfigText } from '../../fixtures/configs.js';

const project = [{ tagKey: 'project', tagValue: 'user-personalization' }];

describe('validate: the normalized config', () => {
  it('lets root tags flow to every taggable resource without tags of its own', () => {
    const config = validate(seedConfigText('seed-root-tags')).config;
    expect(config?.datasetGroup.serviceConfig.tags).toEqual(project);
    expect(config?.datasets.interactions.dataset.serviceConfig.tags).toEqual(project);
    expect(config?.eventTracker?.serviceConfig.tags).toEqual(project);
    expect(config?.solutions?.[0]?.serviceConfig.solutionVersion?.tags).toEqual(project);
  });

  it('keeps explicit tags instead of root tags, and does not pass solution tags to versions', () => {
    const config = validate(seedConfigText('seed-root-tags')).config;
    expect(config?.datasets.serviceConfig?.tags).toEqual([{ tagKey: 'datasets-key', tagValue: 'datasets-value' }]);
    expect(config?.solutions?.[0]?.serviceConfig.tags).toEqual([
      { tagKey: 'solution-key', tagValue: 'solution-value' },
    ]);
    expect(config?.solutions?.[0]?.serviceConfig.solutionVersion?.tags).toEqual(project);
  });

  it('lets an explicit empty list opt a resource out of root tags', () => {
    const doc = seedConfig('seed-root-tags');
    doc.eventTracker.serviceConfig.tags = [];
    expect(validate(JSON.stringify(doc)).config?.eventTracker?.serviceConfig.tags).toEqual([]);
  });

  it('accepts root "tags": [] (the deprecated solution crashed on it)', () => {
    const result = validate(sampleWith((d) => (d.tags = [])));
    expect(result.ok).toBe(true);
    expect(result.config?.datasetGroup.serviceConfig).not.toHaveProperty('tags');
  });

  it('fills in the defaults mpx relies on', () => {
    const config = validate(seedConfigText('seed-sample')).config;
    expect(config?.datasets.serviceConfig).toEqual({ importMode: 'FULL' });
    const up = config?.solutions?.[2];
    expect(up?.serviceConfig.solutionVersion).toEqual({ trainingMode: 'FULL' });
    expect(up?.serviceConfig.performAutoTraining).toBe(false);
    expect(up?.campaigns?.[0]?.serviceConfig.minProvisionedTPS).toBe(1);
  });

  it('defaults minProvisionedTPS to 1 when a campaign leaves it out', () => {
    const result = validate(sampleWith((d) => delete d.solutions[2].campaigns[0].serviceConfig.minProvisionedTPS));
    expect(result.config?.solutions?.[2]?.campaigns?.[0]?.serviceConfig.minProvisionedTPS).toBe(1);
  });

  it('returns a new value and leaves its input untouched', async () => {
    const { validateDocument } = await import('../../../shared/config/validate.js');
    const doc = seedConfig('seed-root-tags');
    const before = structuredClone(doc);
    const result = validateDocument(doc);
    expect(doc).toEqual(before);
    expect(result.config).not.toBe(doc);
  });
});
