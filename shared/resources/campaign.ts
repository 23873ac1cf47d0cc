import {
  type Campaign,
  type CampaignUpdateSummary,
  CreateCampaignCommand,
  DescribeCampaignCommand,
  GetSolutionMetricsCommand,
  type PersonalizeClient,
  UpdateCampaignCommand,
} from '@aws-sdk/client-personalize';
import type { CampaignConfig } from '../config/types.js';
import { createdNow, doneWithNote, pending, type StepOutcome } from '../workflow/outcome.js';
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
  /** A new version reaches the campaign only if its metric is ≥ minRatio × the current version's. */
  readonly promotion?: { readonly metric: string; readonly minRatio: number };
}

export type PromotionVerdict =
  | { readonly promote: true; readonly note?: string }
  | { readonly promote: false; readonly note: string };

/** Whether a campaign step's note says the gate held a new version back (the run must say so, even when quiet). */
export const isHeldPromotion = (note: string | undefined): boolean => note?.startsWith('held') === true;

/** The promotion gate (pure): both versions' values of the gate's metric decide. Notes of held versions start with "held". */
export function promotionVerdict(
  promotion: { readonly metric: string; readonly minRatio: number },
  candidate: { readonly arn: string; readonly value: number | undefined },
  current: { readonly arn: string; readonly value: number | undefined },
): PromotionVerdict {
  const { metric, minRatio } = promotion;
  if (current.value === undefined) return { promote: true, note: `promoted: the current version has no ${metric}` };
  if (candidate.value === undefined)
    return { promote: false, note: `held: ${candidate.arn} has no ${metric} to compare with ${current.arn}` };
  const threshold = minRatio * current.value;
  const values = `${metric} ${candidate.value.toFixed(4)} vs ${current.value.toFixed(4)} × ${minRatio} = ${threshold.toFixed(4)}`;
  return candidate.value >= threshold
    ? { promote: true, note: `promoted ${candidate.arn}: ${values}` }
    : { promote: false, note: `held ${candidate.arn}, the campaign stays on ${current.arn}: ${values}` };
}

export async function metricOf(client: PersonalizeClient, solutionVersionArn: string, metric: string) {
  const { metrics } = await client.send(new GetSolutionMetricsCommand({ solutionVersionArn }));
  return metrics?.[metric];
}

const LABEL = 'campaign';

export const deployedFields = (source: Campaign | CampaignUpdateSummary) =>
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
  let promoted: string | undefined;
  const current = campaign.solutionVersionArn;
  if (desired.promotion && current && current !== solutionVersionArn) {
    const verdict = promotionVerdict(
      desired.promotion,
      { arn: solutionVersionArn, value: await metricOf(client, solutionVersionArn, desired.promotion.metric) },
      { arn: current, value: await metricOf(client, current, desired.promotion.metric) },
    );
    if (!verdict.promote) return doneWithNote(campaignArn, verdict.note);
    promoted = verdict.note;
  }
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
  return {
    type: 'pending',
    status: 'UPDATE PENDING',
    arn: campaignArn,
    created: true,
    ...(promoted ? { note: promoted } : {}),
  };
}
