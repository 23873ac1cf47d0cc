import { CreateEventTrackerCommand, ListEventTrackersCommand } from '@aws-sdk/client-personalize';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResourceDesired } from '../../../shared/resources/desired.js';
import { ensureStep } from '../../../shared/resources/ensure.js';
import {
  alreadyExists,
  arnOf,
  DATASET_GROUP_ARN,
  ensureContext,
  personalize,
  sent,
  TAGS,
  throttling,
} from './factories.js';

const TRACKER_ARN = arnOf('event-tracker', '4f1c2b9a');
const inputs = { datasetGroup: DATASET_GROUP_ARN };
const desired: ResourceDesired = { kind: 'eventTracker', serviceConfig: { name: 'shop-tracker', tags: TAGS } };
const listed = (fields: Record<string, unknown>) =>
  personalize
    .on(ListEventTrackersCommand)
    .resolves({ eventTrackers: [{ name: 'shop-tracker', eventTrackerArn: TRACKER_ARN, ...fields }] });

describe('eventTracker driver', () => {
  beforeEach(() => {
    personalize.reset();
    personalize.on(ListEventTrackersCommand).resolves({ eventTrackers: [] });
    personalize.on(CreateEventTrackerCommand).resolves({ eventTrackerArn: TRACKER_ARN, trackingId: 'tid' });
  });

  it('creates the group’s missing tracker', async () => {
    const serviceConfig = { name: 'shop-tracker', tags: TAGS, futureOption: 'on' };
    expect(await ensureStep({ kind: 'eventTracker', serviceConfig }, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      created: true,
      arn: TRACKER_ARN,
    });
    expect(personalize).toHaveReceivedCommandWith(ListEventTrackersCommand, { datasetGroupArn: DATASET_GROUP_ARN });
    expect(sent(CreateEventTrackerCommand)).toEqual([
      { name: 'shop-tracker', tags: TAGS, futureOption: 'on', datasetGroupArn: DATASET_GROUP_ARN },
    ]);
  });

  it('finds the tracker by name (its ARN is a random id) and waits while it is created', async () => {
    listed({ status: 'CREATE IN_PROGRESS' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE IN_PROGRESS',
      arn: TRACKER_ARN,
    });
    expect(personalize).not.toHaveReceivedCommand(CreateEventTrackerCommand);
  });

  it('is done when ACTIVE', async () => {
    listed({ status: 'ACTIVE' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'done', arn: TRACKER_ARN });
  });

  it('fails when Personalize could not create it', async () => {
    listed({ status: 'CREATE FAILED' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: TRACKER_ARN,
      reason: `event tracker ${TRACKER_ARN} is CREATE FAILED: Personalize gave no reason`,
    });
  });

  it('fails when the group already has a tracker of another name, instead of creating a second', async () => {
    listed({ status: 'ACTIVE', name: 'legacy-tracker' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: TRACKER_ARN,
      reason: `event tracker ${TRACKER_ARN} differs from the parameter file: name: expected "shop-tracker", found "legacy-tracker" (a dataset group has one event tracker)`,
    });
    expect(personalize).not.toHaveReceivedCommand(CreateEventTrackerCommand);
  });

  it('waits for the tracker another delivery created', async () => {
    personalize.on(CreateEventTrackerCommand).rejects(alreadyExists());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'CREATE PENDING' });
  });

  it('waits when throttled', async () => {
    personalize.on(ListEventTrackersCommand).rejects(throttling());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });
});
