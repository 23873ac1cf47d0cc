import {
  CreateDatasetGroupCommand,
  CreateSolutionCommand,
  ListSolutionVersionsCommand,
} from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSolutionVersion } from '../../../shared/resources/solution-version.js';
import { type PersonalizeHarness, startPersonalize } from '../../support/personalize.js';

/** The solution-version driver against the emulator through the real SDK: a redelivered step never trains twice. */

let h: PersonalizeHarness;

beforeAll(async () => {
  h = await startPersonalize({ workers: {} });
});

afterAll(async () => {
  await h.dispose();
});

describe('ensureSolutionVersion on the emulator', () => {
  it('creates once, then finds the same version on every retry', async () => {
    const { datasetGroupArn } = await h.client.send(new CreateDatasetGroupCommand({ name: 'g' }));
    const { solutionArn } = await h.client.send(
      new CreateSolutionCommand({
        name: 'up',
        datasetGroupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
      }),
    );
    const desired = { solutionArn: solutionArn as string, name: 'up-run1', trainingMode: 'FULL' as const };
    const intent = new Date();
    const first = await ensureSolutionVersion(h.client, desired, intent);
    const second = await ensureSolutionVersion(h.client, desired, intent);
    await h.emulator.idle();
    const third = await ensureSolutionVersion(h.client, desired, intent);
    expect(first.type).toBe('pending');
    expect(second.arn).toBe(first.arn);
    expect(third).toEqual({ type: 'done', arn: first.arn });
    expect((await h.client.send(new ListSolutionVersionsCommand({ solutionArn }))).solutionVersions).toHaveLength(1);
  });
});
