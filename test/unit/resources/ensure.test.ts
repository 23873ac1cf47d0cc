import {
  CreateDatasetGroupCommand,
  CreateSolutionVersionCommand,
  DescribeDatasetGroupCommand,
  LimitExceededException,
  ListSolutionVersionsCommand,
  PersonalizeServiceException,
} from '@aws-sdk/client-personalize';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResourceDesired } from '../../../shared/resources/desired.js';
import { ensureStep, isRetryableWait, outcomeOfError } from '../../../shared/resources/ensure.js';
import { RequestRejectedError } from '../../../shared/resources/sdk-errors.js';
import { solutionVersionName } from '../../../shared/resources/solution-version.js';
import {
  alreadyExists,
  arnOf,
  ensureContext,
  invalidInput,
  limitExceeded,
  notFound,
  personalize,
  RUN_ID,
  sent,
  TAGS,
  throttling,
} from './factories.js';

const groupStep: ResourceDesired = { kind: 'datasetGroup', serviceConfig: { name: 'shop' } };
const accessDenied = () =>
  new PersonalizeServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    message: 'not authorized',
    $metadata: {},
  });

const quotaReached = () =>
  new LimitExceededException({ message: 'You have reached the maximum number of dataset groups (5)', $metadata: {} });

describe('isRetryableWait', () => {
  it.each([
    ['ThrottlingException', throttling('ThrottlingException'), true],
    ['TooManyRequestsException', throttling('TooManyRequestsException'), true],
    ['LimitExceededException (caps on concurrent jobs and trainings)', limitExceeded(), true],
    ['LimitExceededException (a quota on how many may exist)', quotaReached(), false],
    ['InvalidInputException', invalidInput('bad'), false],
    ['ResourceNotFoundException', notFound(), false],
    ['ResourceAlreadyExistsException', alreadyExists(), false],
    ['AccessDeniedException', accessDenied(), false],
    ['a plain Error', new Error('ThrottlingException'), false],
    ['a non-error', 'ThrottlingException', false],
  ])('%s → %s', (_name, error, wait) => {
    expect(isRetryableWait(error)).toBe(wait);
  });
});

describe('outcomeOfError', () => {
  it('makes a wait of throttling', () => {
    expect(outcomeOfError(throttling())).toEqual({ type: 'pending', status: 'THROTTLED' });
  });

  it('makes a failure of a rejected request, naming the resource and Personalize’s message', () => {
    const rejected = new RequestRejectedError('filter', 'unseen', invalidInput('Invalid filter expression'));
    expect(outcomeOfError(rejected)).toEqual({ type: 'failed', reason: 'filter unseen: Invalid filter expression' });
  });

  it('makes a failure of an account quota, which waiting never clears', () => {
    expect(outcomeOfError(quotaReached())).toEqual({
      type: 'failed',
      reason: 'Personalize quota reached: You have reached the maximum number of dataset groups (5)',
    });
  });

  it('leaves every other error to propagate', () => {
    expect(outcomeOfError(accessDenied())).toBeUndefined();
    expect(outcomeOfError(invalidInput('not from a create'))).toBeUndefined();
  });
});

describe('ensureStep', () => {
  beforeEach(() => {
    personalize.reset();
    personalize.on(DescribeDatasetGroupCommand).rejects(notFound());
    personalize.on(CreateDatasetGroupCommand).resolves({ datasetGroupArn: arnOf('dataset-group', 'shop') });
  });

  it('propagates a real fault so the message is retried and, in the end, dead-lettered', async () => {
    personalize.on(DescribeDatasetGroupCommand).rejects(accessDenied());
    await expect(ensureStep(groupStep, ensureContext())).rejects.toThrow('not authorized');
  });

  it('propagates InvalidInputException from anything but a create or update (a fault of mpx, not of the file)', async () => {
    personalize.on(DescribeDatasetGroupCommand).rejects(invalidInput('datasetGroupArn is malformed'));
    await expect(ensureStep(groupStep, ensureContext())).rejects.toThrow('datasetGroupArn is malformed');
  });

  it('throws when a parent’s ARN is missing from the inputs (a planning fault)', async () => {
    const filter: ResourceDesired = { kind: 'filter', serviceConfig: { name: 'f', filterExpression: 'x' } };
    await expect(ensureStep(filter, ensureContext())).rejects.toThrow('missing input: no finished datasetGroup step');
  });

  it('throws for a step kind it has no driver for', async () => {
    const stored = JSON.parse('{"kind":"dataDeletionJob"}') as ResourceDesired;
    await expect(ensureStep(stored, ensureContext())).rejects.toThrow('no driver for step {"kind":"dataDeletionJob"}');
  });

  it('trains a solution version of the input solution under a name fixed by the run, with the version’s own tags', async () => {
    const SOLUTION_ARN = arnOf('solution', 'up');
    // An UPDATE training needs an ACTIVE version to update; a schedule forces it.
    personalize.on(ListSolutionVersionsCommand).resolves({
      solutionVersions: [
        { solutionVersionArn: `${SOLUTION_ARN}/f0f0f0f0`, status: 'ACTIVE', creationDateTime: new Date('2026-11-01') },
      ],
    });
    personalize.on(CreateSolutionVersionCommand).resolves({ solutionVersionArn: `${SOLUTION_ARN}/0aa11bb2` });
    const step: ResourceDesired = {
      kind: 'solutionVersion',
      solutionName: 'up',
      trainingMode: 'UPDATE',
      tags: TAGS,
      force: true,
    };
    expect(await ensureStep(step, ensureContext({ 'solution:up': SOLUTION_ARN }))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      created: true,
      arn: `${SOLUTION_ARN}/0aa11bb2`,
    });
    expect(sent(CreateSolutionVersionCommand)).toEqual([
      { solutionArn: SOLUTION_ARN, name: solutionVersionName(RUN_ID, 'up'), trainingMode: 'UPDATE', tags: TAGS },
    ]);
  });

  it('waits when Personalize’s cap on concurrent trainings is reached', async () => {
    personalize.on(ListSolutionVersionsCommand).resolves({ solutionVersions: [] });
    personalize.on(CreateSolutionVersionCommand).rejects(limitExceeded());
    const step: ResourceDesired = { kind: 'solutionVersion', solutionName: 'up', trainingMode: 'FULL' };
    expect(await ensureStep(step, ensureContext({ 'solution:up': arnOf('solution', 'up') }))).toEqual({
      type: 'pending',
      status: 'THROTTLED',
    });
  });
});
