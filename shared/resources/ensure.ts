import { failed, pending, type StepOutcome } from '../workflow/outcome.js';
import { ensureCampaign } from './campaign.js';
import { ensureDataset } from './dataset.js';
import { type EnsureContext, inputArn, inputArns, type ResourceDesired, versionInput } from './desired.js';
import { datasetGroupDriver, filterDriver, schemaDriver, solutionDriver } from './drivers.js';
import { ensureEventTracker } from './event-tracker.js';
import { ensureBatchInferenceJob, ensureBatchSegmentJob, ensureDatasetImportJob } from './jobs.js';
import { ensureNamed } from './named.js';
import { ensureRecommender } from './recommender.js';
import { isQuotaReached, isRetryableWait, RequestRejectedError } from './sdk-errors.js';
import { ensureSolutionVersion, solutionVersionName } from './solution-version.js';

/** The one entry point of the step runner into Personalize: a driver per resource kind, one error policy for all. */

export { isRetryableWait } from './sdk-errors.js';

/**
 * The outcome an error from a driver stands for, or undefined for a real fault.
 * Waiting is not an error (STYLE.md §5): throttling and Personalize's caps on
 * concurrent jobs re-poll instead of counting towards the DLQ; a request
 * Personalize rejects as invalid, or an account quota reached, fails the step
 * with Personalize's message.
 */
export function outcomeOfError(error: unknown): StepOutcome | undefined {
  if (isRetryableWait(error)) return pending('THROTTLED');
  if (error instanceof RequestRejectedError) return failed(error.message);
  if (isQuotaReached(error)) return failed(`Personalize quota reached: ${(error as Error).message}`);
  return undefined;
}

function ensureResource(desired: ResourceDesired, ctx: EnsureContext): Promise<StepOutcome> {
  const { personalize: client, scope, inputs } = ctx;
  switch (desired.kind) {
    case 'datasetGroup':
      return ensureNamed(datasetGroupDriver(client, scope), desired.serviceConfig);
    case 'schema':
      return ensureNamed(schemaDriver(client, scope), desired.serviceConfig);
    case 'dataset':
      return ensureDataset(client, {
        datasetGroupArn: inputArn(inputs, 'datasetGroup'),
        schemaArn: inputArn(inputs, 'schema'),
        datasetType: desired.datasetType,
        serviceConfig: desired.serviceConfig,
      });
    case 'datasetImportJob':
      return ensureDatasetImportJob(client, scope, {
        datasetArn: inputArn(inputs, 'dataset'),
        jobBaseName: desired.jobBaseName,
        dataLocation: desired.dataLocation,
        ...(desired.dataModifiedAt ? { dataModifiedAt: new Date(desired.dataModifiedAt) } : {}),
        roleArn: ctx.personalizeRoleArn,
        intentAt: ctx.intentAt,
        serviceConfig: desired.serviceConfig,
      });
    case 'eventTracker':
      return ensureEventTracker(client, {
        datasetGroupArn: inputArn(inputs, 'datasetGroup'),
        serviceConfig: desired.serviceConfig,
      });
    case 'filter':
      return ensureNamed(filterDriver(client, scope), {
        datasetGroupArn: inputArn(inputs, 'datasetGroup'),
        serviceConfig: desired.serviceConfig,
      });
    case 'solution':
      return ensureNamed(solutionDriver(client, scope), {
        datasetGroupArn: inputArn(inputs, 'datasetGroup'),
        serviceConfig: desired.serviceConfig,
      });
    case 'solutionVersion':
      return ensureSolutionVersion(
        client,
        {
          solutionArn: inputArn(inputs, 'solution'),
          name: solutionVersionName(ctx.runId, desired.solutionName),
          trainingMode: desired.trainingMode,
          ...(desired.tags ? { tags: desired.tags } : {}),
          force: desired.force === true,
          ...(desired.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: desired.maxAgeSeconds }),
          trainedOn: inputArns(inputs, 'datasetImportJob'),
        },
        ctx.intentAt,
      );
    case 'campaign':
      return ensureCampaign(client, scope, {
        solutionVersionArn: versionInput(inputs, desired.solutionName),
        serviceConfig: desired.serviceConfig,
        ...(desired.promotion ? { promotion: desired.promotion } : {}),
      });
    case 'recommender':
      return ensureRecommender(client, scope, {
        datasetGroupArn: inputArn(inputs, 'datasetGroup'),
        serviceConfig: desired.serviceConfig,
      });
    case 'batchInferenceJob':
    case 'batchSegmentJob': {
      const job = {
        solutionVersionArn: versionInput(inputs, desired.solutionName),
        jobBaseName: desired.jobBaseName,
        inputPath: desired.inputPath,
        outputPrefix: desired.outputPrefix,
        roleArn: ctx.personalizeRoleArn,
        intentAt: ctx.intentAt,
        force: desired.force === true,
        ...(desired.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: desired.maxAgeSeconds }),
      };
      return desired.kind === 'batchInferenceJob'
        ? ensureBatchInferenceJob(client, scope, { ...job, serviceConfig: desired.serviceConfig })
        : ensureBatchSegmentJob(client, scope, { ...job, serviceConfig: desired.serviceConfig });
    }
    default: {
      // Steps are read back from storage: a kind this build does not know is a fault, not a failure.
      const unknown: never = desired;
      throw new Error(`no driver for step ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Ensures the resource a step wants, once: creates it, reports it not ready,
 * done, or failed with Personalize's reason.
 * @throws SDK errors that are neither waits nor rejected requests (the step message is retried, then dead-lettered),
 * and an Error when a parent's ARN is missing from `ctx.inputs` (a planning fault).
 */
export async function ensureStep(desired: ResourceDesired, ctx: EnsureContext): Promise<StepOutcome> {
  try {
    return await ensureResource(desired, ctx);
  } catch (error) {
    const outcome = outcomeOfError(error);
    if (outcome) return outcome;
    throw error;
  }
}
