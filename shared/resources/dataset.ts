import {
  CreateDatasetCommand,
  DescribeDatasetCommand,
  type PersonalizeClient,
  paginateListDatasets,
} from '@aws-sdk/client-personalize';
import type { DatasetConfig } from '../config/types.js';
import type { DatasetKind } from '../personalize/recipes.js';
import { createdNow, done, failed, pending, type StepOutcome } from '../workflow/outcome.js';
import { describeOrUndefined, drift } from './named.js';
import { isAlreadyExists, rejectable } from './sdk-errors.js';
import { outcomeOfStatus } from './status.js';

/**
 * A dataset group holds at most one dataset per type, and a dataset's ARN is
 * built from the group and the type, not from its name — so the dataset is
 * found by listing its group for the type, and its name is one more field that
 * can drift.
 */

export interface DesiredDataset {
  readonly datasetGroupArn: string;
  readonly schemaArn: string;
  readonly datasetType: DatasetKind;
  readonly serviceConfig: DatasetConfig['dataset']['serviceConfig'];
}

const LABEL = 'dataset';

export async function findDatasetArn(client: PersonalizeClient, desired: DesiredDataset): Promise<string | undefined> {
  const type = desired.datasetType.toLowerCase();
  for await (const page of paginateListDatasets({ client }, { datasetGroupArn: desired.datasetGroupArn })) {
    // Personalize takes dataset types in any case and reports them as it likes.
    const match = page.datasets?.find((summary) => summary.datasetType?.toLowerCase() === type);
    if (match?.datasetArn) return match.datasetArn;
  }
  return undefined;
}

/**
 * Finds the group's dataset of the desired type or creates it.
 * @throws RequestRejectedError when Personalize refuses the create as invalid; other SDK errors unchanged.
 */
export async function ensureDataset(client: PersonalizeClient, desired: DesiredDataset): Promise<StepOutcome> {
  const arn = await findDatasetArn(client, desired);
  const dataset = arn
    ? (await describeOrUndefined(() => client.send(new DescribeDatasetCommand({ datasetArn: arn }))))?.dataset
    : undefined;
  if (!arn || !dataset) {
    const { serviceConfig, datasetType, datasetGroupArn, schemaArn } = desired;
    try {
      const created = await rejectable(LABEL, serviceConfig.name ?? '', () =>
        client.send(new CreateDatasetCommand({ ...serviceConfig, datasetType, datasetGroupArn, schemaArn })),
      );
      return createdNow(pending('CREATE PENDING', created.datasetArn));
    } catch (error) {
      // Another delivery created it; the next poll finds it by listing.
      if (isAlreadyExists(error)) return pending('CREATE PENDING', arn);
      throw error;
    }
  }
  const differences = drift(
    { name: desired.serviceConfig.name, schemaArn: desired.schemaArn },
    { name: dataset.name, schemaArn: dataset.schemaArn },
  );
  if (differences.length > 0) {
    return failed(`${LABEL} ${arn} differs from the parameter file: ${differences.join('; ')}`, arn);
  }
  const outcome = outcomeOfStatus(LABEL, arn, dataset.status, undefined);
  return outcome.type === 'done' ? done(arn) : outcome;
}
