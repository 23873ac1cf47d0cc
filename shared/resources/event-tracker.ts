import {
  CreateEventTrackerCommand,
  type PersonalizeClient,
  paginateListEventTrackers,
} from '@aws-sdk/client-personalize';
import type { ParameterFile } from '../config/types.js';
import { createdNow, done, failed, pending, type StepOutcome } from '../workflow/outcome.js';
import { drift } from './named.js';
import { isAlreadyExists, rejectable } from './sdk-errors.js';
import { outcomeOfStatus } from './status.js';

/**
 * Event tracker ARNs end in a random id, not the name, so the tracker is found
 * by listing its dataset group. A group has at most one tracker: one with
 * another name is drift, never a reason to create a second.
 */

export interface DesiredEventTracker {
  readonly datasetGroupArn: string;
  readonly serviceConfig: NonNullable<ParameterFile['eventTracker']>['serviceConfig'];
}

const LABEL = 'event tracker';

/**
 * Finds the group's tracker by name or creates it.
 * @throws RequestRejectedError when Personalize refuses the create as invalid; other SDK errors unchanged.
 */
export async function ensureEventTracker(
  client: PersonalizeClient,
  desired: DesiredEventTracker,
): Promise<StepOutcome> {
  const { datasetGroupArn, serviceConfig } = desired;
  const name = serviceConfig.name ?? '';
  const trackers = [];
  for await (const page of paginateListEventTrackers({ client }, { datasetGroupArn })) {
    trackers.push(...(page.eventTrackers ?? []));
  }
  const tracker = trackers.find((summary) => summary.name === name) ?? trackers[0];
  if (!tracker) {
    try {
      const created = await rejectable(LABEL, name, () =>
        client.send(new CreateEventTrackerCommand({ ...serviceConfig, datasetGroupArn })),
      );
      return createdNow(pending('CREATE PENDING', created.eventTrackerArn));
    } catch (error) {
      // Another delivery created it; the next poll finds it by listing.
      if (isAlreadyExists(error)) return pending('CREATE PENDING');
      throw error;
    }
  }
  const arn = tracker.eventTrackerArn ?? '';
  const differences = drift({ name }, { name: tracker.name });
  if (differences.length > 0) {
    return failed(
      `${LABEL} ${arn} differs from the parameter file: ${differences.join('; ')} (a dataset group has one event tracker)`,
      arn,
    );
  }
  const outcome = outcomeOfStatus(LABEL, arn, tracker.status, undefined);
  return outcome.type === 'done' ? done(arn) : outcome;
}
