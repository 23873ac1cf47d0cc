import {
  type Campaign,
  type CampaignUpdateSummary,
  CreateCampaignCommand,
  DescribeCampaignCommand,
  type PersonalizeClient,
  UpdateCampaignCommand,
} from '@aws-sdk/client-personalize';
import type { CampaignConfig } from '../config/types.js';
import { createdNow, pending, type StepOutcome } from '../workflow/outcome.js';
import { describeOrUndefined, leaves } from './named.js';
import { type AccountScope, personalizeArn } from './scope.js';
import { isAlreadyExists, isInUse, rejectable } from './sdk-errors.js';
import { reconcile } from './updatable.js';

/**
 * A campaign serves one solution version; rolling out a retrained version is
 * an UpdateCampaign, which is how every retraining reaches users.
 */

export interface DesiredCampaign {
  readonly solutionVersionArn: string;
  readonly serviceConfig: CampaignConfig['serviceConfig'];
}

const LABEL = 'campaign';

const deployedFields = (source: Campaign | CampaignUpdateSummary) =>
  leaves({
    solutionVersionArn: source.solutionVersionArn,
    minProvisionedTPS: source.minProvisionedTPS,
    campaignConfig: source.campaignConfig,
  });

/**
 * Creates the campaign, waits for it, or updates it to the desired solution
 * version, minProvisionedTPS and campaignConfig keys.
 * @throws RequestRejectedError when Personalize refuses the create or update as invalid; other SDK errors unchanged.
 */
export async function ensureCampaign(
  client: PersonalizeClient,
  scope: AccountScope,
  desired: DesiredCampaign,
): Promise<StepOutcome> {
  const { serviceConfig, solutionVersionArn } = desired;
  const name = serviceConfig.name ?? '';
  const campaignArn = personalizeArn(scope, 'campaign', name);
  const campaign = (await describeOrUndefined(() => client.send(new DescribeCampaignCommand({ campaignArn }))))
    ?.campaign;
  if (!campaign) {
    try {
      const created = await rejectable(LABEL, name, () =>
        client.send(new CreateCampaignCommand({ ...serviceConfig, solutionVersionArn })),
      );
      return createdNow(pending('CREATE PENDING', created.campaignArn ?? campaignArn));
    } catch (error) {
      if (isAlreadyExists(error)) return pending('CREATE PENDING', campaignArn);
      throw error;
    }
  }
  const { minProvisionedTPS, campaignConfig } = serviceConfig;
  const latest = campaign.latestCampaignUpdate;
  const decision = reconcile(
    LABEL,
    campaignArn,
    {
      status: campaign.status,
      failureReason: campaign.failureReason,
      fields: deployedFields(campaign),
      ...(latest
        ? {
            latestUpdate: {
              status: latest.status,
              failureReason: latest.failureReason,
              fields: deployedFields(latest),
            },
          }
        : {}),
    },
    leaves({ solutionVersionArn, minProvisionedTPS, campaignConfig }),
  );
  if (decision.type === 'outcome') return decision.outcome;
  try {
    // Never tags: UpdateCampaign does not take them, and sending them failed every tagged campaign on retrain (REFERENCE.md defect 4).
    const update = {
      campaignArn,
      solutionVersionArn,
      ...(minProvisionedTPS !== undefined ? { minProvisionedTPS } : {}),
      ...(campaignConfig !== undefined ? { campaignConfig } : {}),
    };
    await rejectable(LABEL, name, () => client.send(new UpdateCampaignCommand(update)));
  } catch (error) {
    // Another delivery of this step started the update first.
    if (isInUse(error)) return pending('UPDATE IN_PROGRESS', campaignArn);
    throw error;
  }
  return createdNow(pending('UPDATE PENDING', campaignArn));
}
