import { CreateCampaignCommand, DescribeCampaignCommand, UpdateCampaignCommand } from '@aws-sdk/client-personalize';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResourceDesired } from '../../../shared/resources/desired.js';
import { ensureStep } from '../../../shared/resources/ensure.js';
import {
  alreadyExists,
  arnOf,
  ensureContext,
  inUse,
  invalidInput,
  limitExceeded,
  notFound,
  personalize,
  sent,
  TAGS,
  throttling,
} from './factories.js';

const CAMPAIGN_ARN = arnOf('campaign', 'up-live');
const OLD_VERSION = arnOf('solution', 'up/0aa11bb2');
const NEW_VERSION = arnOf('solution', 'up/9ff88ee7');
const inputs = { 'solutionVersion:up': NEW_VERSION };
const campaignConfig = { itemExplorationConfig: { explorationWeight: '0.3' }, enableMetadataWithRecommendations: true };
const desired: ResourceDesired = {
  kind: 'campaign',
  serviceConfig: { name: 'up-live', minProvisionedTPS: 2, campaignConfig, tags: TAGS },
};
/** An ACTIVE campaign serving the new version with the desired settings, plus `fields`. */
const existing = (fields: Record<string, unknown>) =>
  personalize.on(DescribeCampaignCommand).resolves({
    campaign: {
      campaignArn: CAMPAIGN_ARN,
      name: 'up-live',
      status: 'ACTIVE',
      solutionVersionArn: NEW_VERSION,
      minProvisionedTPS: 2,
      campaignConfig: {
        itemExplorationConfig: { explorationWeight: '0.3', explorationItemAgeCutOff: '30' },
        enableMetadataWithRecommendations: true,
        syncWithLatestSolutionVersion: false,
      },
      ...fields,
    },
  });

describe('campaign driver', () => {
  beforeEach(() => {
    personalize.reset();
    personalize.on(DescribeCampaignCommand).rejects(notFound());
    personalize.on(CreateCampaignCommand).resolves({ campaignArn: CAMPAIGN_ARN });
    personalize.on(UpdateCampaignCommand).resolves({ campaignArn: CAMPAIGN_ARN });
  });

  it('creates a missing campaign on the solution version it was given, with every field of the file', async () => {
    const serviceConfig = { name: 'up-live', minProvisionedTPS: 2, campaignConfig, tags: TAGS, futureOption: 'on' };
    expect(await ensureStep({ kind: 'campaign', serviceConfig }, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      created: true,
      arn: CAMPAIGN_ARN,
    });
    expect(personalize).toHaveReceivedCommandWith(DescribeCampaignCommand, { campaignArn: CAMPAIGN_ARN });
    expect(sent(CreateCampaignCommand)).toEqual([{ ...serviceConfig, solutionVersionArn: NEW_VERSION }]);
  });

  it('waits for the campaign another delivery created', async () => {
    personalize.on(CreateCampaignCommand).rejects(alreadyExists());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      arn: CAMPAIGN_ARN,
    });
  });

  it('waits while Personalize creates it', async () => {
    existing({ status: 'CREATE IN_PROGRESS' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE IN_PROGRESS',
      arn: CAMPAIGN_ARN,
    });
  });

  it('is done when ACTIVE with what the file sets, whatever defaults Personalize added', async () => {
    existing({});
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'done', arn: CAMPAIGN_ARN });
    expect(personalize).not.toHaveReceivedCommand(UpdateCampaignCommand);
  });

  it('fails with Personalize’s failureReason when the create failed', async () => {
    existing({ status: 'CREATE FAILED', failureReason: 'Solution version is not ACTIVE' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: CAMPAIGN_ARN,
      reason: `campaign ${CAMPAIGN_ARN} is CREATE FAILED: Solution version is not ACTIVE`,
    });
  });

  it('rolls out a new solution version with UpdateCampaign, never sending tags (REFERENCE.md defect 4)', async () => {
    existing({ solutionVersionArn: OLD_VERSION });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'UPDATE PENDING',
      created: true,
      arn: CAMPAIGN_ARN,
    });
    expect(sent(UpdateCampaignCommand)).toEqual([
      { campaignArn: CAMPAIGN_ARN, solutionVersionArn: NEW_VERSION, minProvisionedTPS: 2, campaignConfig },
    ]);
    expect(sent(UpdateCampaignCommand)[0]).not.toHaveProperty('tags');
  });

  it('updates a changed minProvisionedTPS or campaignConfig key', async () => {
    existing({ minProvisionedTPS: 1 });
    await ensureStep(desired, ensureContext(inputs));
    expect(personalize).toHaveReceivedCommandWith(UpdateCampaignCommand, { minProvisionedTPS: 2 });

    personalize.resetHistory();
    existing({ campaignConfig: { itemExplorationConfig: { explorationWeight: '0.1' } } });
    await ensureStep(desired, ensureContext(inputs));
    expect(personalize).toHaveReceivedCommandWith(UpdateCampaignCommand, { campaignConfig });
  });

  it('leaves out of the update what the file does not set', async () => {
    const bare: ResourceDesired = { kind: 'campaign', serviceConfig: { name: 'up-live', tags: TAGS } };
    existing({ solutionVersionArn: OLD_VERSION });
    await ensureStep(bare, ensureContext(inputs));
    expect(sent(UpdateCampaignCommand)).toEqual([{ campaignArn: CAMPAIGN_ARN, solutionVersionArn: NEW_VERSION }]);
  });

  it('waits while an update runs', async () => {
    existing({
      solutionVersionArn: OLD_VERSION,
      latestCampaignUpdate: { solutionVersionArn: NEW_VERSION, status: 'CREATE IN_PROGRESS' },
    });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'UPDATE IN_PROGRESS',
      arn: CAMPAIGN_ARN,
    });
    expect(personalize).not.toHaveReceivedCommand(UpdateCampaignCommand);
  });

  it('is done when the latest update is ACTIVE with the desired values', async () => {
    existing({
      solutionVersionArn: OLD_VERSION,
      latestCampaignUpdate: { solutionVersionArn: NEW_VERSION, minProvisionedTPS: 2, status: 'ACTIVE' },
    });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'done', arn: CAMPAIGN_ARN });
  });

  it('fails with the update’s failureReason when the latest update failed', async () => {
    existing({
      solutionVersionArn: OLD_VERSION,
      latestCampaignUpdate: {
        solutionVersionArn: NEW_VERSION,
        status: 'CREATE FAILED',
        failureReason: 'Insufficient capacity for minProvisionedTPS',
      },
    });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: CAMPAIGN_ARN,
      reason: `campaign update of ${CAMPAIGN_ARN} is CREATE FAILED: Insufficient capacity for minProvisionedTPS`,
    });
    expect(personalize).not.toHaveReceivedCommand(UpdateCampaignCommand);
  });

  it('tries again when a later run wants another version than the update that failed', async () => {
    existing({
      solutionVersionArn: OLD_VERSION,
      latestCampaignUpdate: { solutionVersionArn: arnOf('solution', 'up/55555555'), status: 'CREATE FAILED' },
    });
    expect(await ensureStep(desired, ensureContext(inputs))).toMatchObject({
      type: 'pending',
      status: 'UPDATE PENDING',
      created: true,
    });
    expect(personalize).toHaveReceivedCommandWith(UpdateCampaignCommand, { solutionVersionArn: NEW_VERSION });
  });

  it('waits for the update another delivery started', async () => {
    existing({ solutionVersionArn: OLD_VERSION });
    personalize.on(UpdateCampaignCommand).rejects(inUse());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'UPDATE IN_PROGRESS',
      arn: CAMPAIGN_ARN,
    });
  });

  it('fails with Personalize’s message when the update is rejected as invalid', async () => {
    existing({ solutionVersionArn: OLD_VERSION });
    personalize
      .on(UpdateCampaignCommand)
      .rejects(invalidInput('The solution version belongs to another dataset group'));
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      reason: 'campaign up-live: The solution version belongs to another dataset group',
    });
  });

  it('waits when Personalize’s cap on campaigns is reached', async () => {
    personalize.on(CreateCampaignCommand).rejects(limitExceeded());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });

  it('waits when throttled', async () => {
    personalize.on(DescribeCampaignCommand).rejects(throttling());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });
});

describe('which version a campaign serves', () => {
  it('is its own solution’s, even when the step also waited for other versions (the reference policy)', async () => {
    const { versionInput } = await import('../../../shared/resources/desired.js');
    const inputs = {
      'solutionVersion:ranking': 'arn:ranking/v1',
      'solutionVersion:up': 'arn:up/v7',
    };
    expect(versionInput(inputs, 'up')).toBe('arn:up/v7');
    expect(versionInput({ 'solutionVersion:up': 'arn:up/v7' }, undefined)).toBe('arn:up/v7');
  });
});
