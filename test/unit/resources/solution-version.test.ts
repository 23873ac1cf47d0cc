import {
  CreateSolutionVersionCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionVersionCommand,
  ListSolutionVersionsCommand,
  PersonalizeClient,
  PersonalizeServiceException,
} from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EnsureContext, ResourceDesired } from '../../../shared/resources/desired.js';
import { ensureStep } from '../../../shared/resources/ensure.js';
import { ensureSolutionVersion, solutionVersionName } from '../../../shared/resources/solution-version.js';

const personalize = mockClient(PersonalizeClient);
const SOLUTION = 'arn:aws:personalize:us-east-1:123456789012:solution/up';
const INTENT = new Date('2026-11-28T10:00:00Z');
const desired = { solutionArn: SOLUTION, name: 'up-run42', trainingMode: 'FULL' as const };
const version = (id: string, created: string) => ({
  solutionVersionArn: `${SOLUTION}/${id}`,
  creationDateTime: new Date(created),
});

describe('ensureSolutionVersion', () => {
  beforeEach(() => {
    personalize.reset();
    personalize.on(ListSolutionVersionsCommand).resolves({ solutionVersions: [] });
    personalize.on(CreateSolutionVersionCommand).resolves({ solutionVersionArn: `${SOLUTION}/new00001` });
  });

  it('creates the version with its deterministic name when none exists', async () => {
    const outcome = await ensureSolutionVersion(new PersonalizeClient({}), desired, INTENT);
    expect(outcome).toEqual({ type: 'pending', status: 'CREATE PENDING', arn: `${SOLUTION}/new00001`, created: true });
    expect(personalize).toHaveReceivedCommandWith(CreateSolutionVersionCommand, {
      solutionArn: SOLUTION,
      name: 'up-run42',
      trainingMode: 'FULL',
    });
  });

  it('finds the version a previous delivery created instead of training twice', async () => {
    personalize.on(ListSolutionVersionsCommand).resolves({
      solutionVersions: [version('old00001', '2026-11-27T00:00:00Z'), version('abc12345', '2026-11-28T10:00:05Z')],
    });
    personalize
      .on(DescribeSolutionVersionCommand, { solutionVersionArn: `${SOLUTION}/abc12345` })
      .resolves({ solutionVersion: { name: 'up-run42', status: 'CREATE IN_PROGRESS' } });
    const outcome = await ensureSolutionVersion(new PersonalizeClient({}), desired, INTENT);
    expect(outcome).toEqual({ type: 'pending', status: 'CREATE IN_PROGRESS', arn: `${SOLUTION}/abc12345` });
    expect(personalize).not.toHaveReceivedCommand(CreateSolutionVersionCommand);
    expect(personalize).toHaveReceivedCommandTimes(DescribeSolutionVersionCommand, 1);
  });

  it('reports the training failure with Personalize’s reason', async () => {
    personalize
      .on(ListSolutionVersionsCommand)
      .resolves({ solutionVersions: [version('abc12345', '2026-11-28T10:00:05Z')] });
    personalize.on(DescribeSolutionVersionCommand).resolves({
      solutionVersion: { name: 'up-run42', status: 'CREATE FAILED', failureReason: 'Insufficient training data' },
    });
    expect(await ensureSolutionVersion(new PersonalizeClient({}), desired, INTENT)).toEqual({
      type: 'failed',
      arn: `${SOLUTION}/abc12345`,
      reason: `solution version ${SOLUTION}/abc12345 is CREATE FAILED: Insufficient training data`,
    });
  });

  it('is done, without training again, when the version of its deterministic name is already ACTIVE', async () => {
    personalize
      .on(ListSolutionVersionsCommand)
      .resolves({ solutionVersions: [version('abc12345', '2026-11-28T10:00:05Z')] });
    personalize
      .on(DescribeSolutionVersionCommand, { solutionVersionArn: `${SOLUTION}/abc12345` })
      .resolves({ solutionVersion: { name: 'up-run42', status: 'ACTIVE' } });
    // Even a scheduled (forced) training: the ACTIVE version of this name is this very training.
    const outcome = await ensureSolutionVersion(new PersonalizeClient({}), { ...desired, force: true }, INTENT);
    expect(outcome).toEqual({ type: 'done', arn: `${SOLUTION}/abc12345` });
    expect(personalize).not.toHaveReceivedCommand(CreateSolutionVersionCommand);
  });

  it('does not adopt a version with another name', async () => {
    personalize
      .on(ListSolutionVersionsCommand)
      .resolves({ solutionVersions: [version('abc12345', '2026-11-28T10:00:05Z')] });
    personalize
      .on(DescribeSolutionVersionCommand)
      .resolves({ solutionVersion: { name: 'someone-else', status: 'ACTIVE' } });
    await ensureSolutionVersion(new PersonalizeClient({}), desired, INTENT);
    expect(personalize).toHaveReceivedCommandTimes(CreateSolutionVersionCommand, 1);
  });
});

describe('ensureStep on a solution version: throttling is a wait, not a failure', () => {
  const throttled = () =>
    new PersonalizeServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      message: 'Rate exceeded',
      $metadata: {},
    });
  const step: ResourceDesired = { kind: 'solutionVersion', solutionName: 'up', trainingMode: 'FULL' };
  const context: EnsureContext = {
    personalize: new PersonalizeClient({ region: 'us-east-1' }),
    scope: { region: 'us-east-1', account: '123456789012' },
    personalizeRoleArn: 'arn:aws:iam::123456789012:role/mpx-personalize',
    inputs: { 'solution:up': SOLUTION },
    intentAt: INTENT,
    runId: 'run-42',
  };

  beforeEach(() => {
    personalize.reset();
    personalize.on(ListSolutionVersionsCommand).resolves({ solutionVersions: [] });
    personalize.on(CreateSolutionVersionCommand).resolves({ solutionVersionArn: `${SOLUTION}/new00001` });
  });

  it('waits (THROTTLED) when CreateSolutionVersion is throttled', async () => {
    personalize.on(CreateSolutionVersionCommand).rejects(throttled());
    expect(await ensureStep(step, context)).toEqual({ type: 'pending', status: 'THROTTLED' });
    expect(personalize).toHaveReceivedCommandWith(CreateSolutionVersionCommand, { name: 'up-run42' });
  });

  it('waits (THROTTLED) when DescribeSolutionVersion is throttled', async () => {
    personalize
      .on(ListSolutionVersionsCommand)
      .resolves({ solutionVersions: [version('abc12345', '2026-11-28T10:00:05Z')] });
    personalize.on(DescribeSolutionVersionCommand).rejects(throttled());
    expect(await ensureStep(step, context)).toEqual({ type: 'pending', status: 'THROTTLED' });
    expect(personalize).toHaveReceivedCommandWith(DescribeSolutionVersionCommand, {
      solutionVersionArn: `${SOLUTION}/abc12345`,
    });
    expect(personalize).not.toHaveReceivedCommand(CreateSolutionVersionCommand);
  });
});

describe('solutionVersionName', () => {
  it('is deterministic and within 63 characters', () => {
    expect(solutionVersionName('run-2026-11-28-abc', 'up')).toBe(solutionVersionName('run-2026-11-28-abc', 'up'));
    expect(solutionVersionName('01JD8ZQ7XK3M4N5P6Q7R8S9T0V', 's'.repeat(63)).length).toBeLessThanOrEqual(63);
  });
});

describe('ensureSolutionVersion: train only when something changed', () => {
  const IMPORT = 'arn:aws:personalize:us-east-1:123456789012:dataset-import-job/shop-interactions_2026_11_28_09_00_00';
  const active = (id: string, created: string) => ({
    solutionVersionArn: `${SOLUTION}/${id}`,
    status: 'ACTIVE',
    creationDateTime: new Date(created),
  });
  beforeEach(() => {
    personalize.reset();
    personalize.on(CreateSolutionVersionCommand).resolves({ solutionVersionArn: `${SOLUTION}/new00001` });
    personalize.on(DescribeSolutionVersionCommand).resolves({ solutionVersion: { name: 'someone-else' } });
  });

  it('re-uses the latest ACTIVE version when no import is newer and it is within maxAge', async () => {
    personalize.on(ListSolutionVersionsCommand).resolves({
      solutionVersions: [active('v1', '2026-11-01T00:00:00Z'), active('v2', '2026-11-20T00:00:00Z')],
    });
    personalize
      .on(DescribeDatasetImportJobCommand)
      .resolves({ datasetImportJob: { creationDateTime: new Date('2026-11-10T00:00:00Z') } });
    const outcome = await ensureSolutionVersion(
      new PersonalizeClient({}),
      { ...desired, trainedOn: [IMPORT], maxAgeSeconds: 30 * 86_400 },
      INTENT,
    );
    expect(outcome).toEqual({
      type: 'done',
      arn: `${SOLUTION}/v2`,
      note: 're-used: no new data since this version and it is within maxAge',
    });
    expect(personalize).not.toHaveReceivedCommand(CreateSolutionVersionCommand);
  });

  it.each([
    ['an import newer than the latest version', { trainedOn: [IMPORT] }, '2026-11-28T09:00:00Z'],
    ['a latest version older than maxAge', { maxAgeSeconds: 86_400 }, '2026-11-10T00:00:00Z'],
    ['a schedule', { force: true }, '2026-11-10T00:00:00Z'],
  ])('trains for %s', async (_why, fields, importCreated) => {
    personalize.on(ListSolutionVersionsCommand).resolves({ solutionVersions: [active('v2', '2026-11-20T00:00:00Z')] });
    personalize
      .on(DescribeDatasetImportJobCommand)
      .resolves({ datasetImportJob: { creationDateTime: new Date(importCreated) } });
    const outcome = await ensureSolutionVersion(new PersonalizeClient({}), { ...desired, ...fields }, INTENT);
    expect(outcome).toMatchObject({ type: 'pending', created: true });
  });

  it('trains FULL when asked for UPDATE but the solution has no ACTIVE version yet', async () => {
    personalize.on(ListSolutionVersionsCommand).resolves({ solutionVersions: [] });
    await ensureSolutionVersion(new PersonalizeClient({}), { ...desired, trainingMode: 'UPDATE' }, INTENT);
    expect(personalize).toHaveReceivedCommandWith(CreateSolutionVersionCommand, { trainingMode: 'FULL' });
  });
});
