import {
  CreateDatasetGroupCommand,
  CreateSolutionCommand,
  DescribeDatasetGroupCommand,
  DescribeSolutionCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import type { DatasetGroupConfig, SolutionConfig } from '../config/types.js';
import { describeOrUndefined, type NamedDriver } from './named.js';
import { type AccountScope, personalizeArn } from './scope.js';

/** Drivers for named resources: dataset groups and solutions (the others follow the same pattern). */

export function datasetGroupDriver(
  client: PersonalizeClient,
  scope: AccountScope,
): NamedDriver<DatasetGroupConfig['serviceConfig']> {
  return {
    label: 'dataset group',
    arn: (desired) => personalizeArn(scope, 'dataset-group', desired.name ?? ''),
    describe: async (datasetGroupArn) => {
      const found = await describeOrUndefined(() => client.send(new DescribeDatasetGroupCommand({ datasetGroupArn })));
      const group = found?.datasetGroup;
      return group
        ? {
            status: group.status,
            failureReason: group.failureReason,
            fields: { domain: group.domain, kmsKeyArn: group.kmsKeyArn, roleArn: group.roleArn },
          }
        : undefined;
    },
    create: async (desired) => (await client.send(new CreateDatasetGroupCommand(desired))).datasetGroupArn as string,
    desiredFields: (desired) => ({ domain: desired.domain, kmsKeyArn: desired.kmsKeyArn, roleArn: desired.roleArn }),
  };
}

export interface DesiredSolution {
  readonly datasetGroupArn: string;
  readonly serviceConfig: SolutionConfig['serviceConfig'];
}

export function solutionDriver(client: PersonalizeClient, scope: AccountScope): NamedDriver<DesiredSolution> {
  return {
    label: 'solution',
    arn: (desired) => personalizeArn(scope, 'solution', desired.serviceConfig.name ?? ''),
    describe: async (solutionArn) => {
      const found = await describeOrUndefined(() => client.send(new DescribeSolutionCommand({ solutionArn })));
      const solution = found?.solution;
      return solution
        ? {
            status: solution.status,
            datasetGroupArn: solution.datasetGroupArn,
            fields: { recipeArn: solution.recipeArn, eventType: solution.eventType, performHPO: solution.performHPO },
          }
        : undefined;
    },
    create: async ({ datasetGroupArn, serviceConfig }) => {
      // Every field of today's CreateSolution passes through; the version settings are the next step's.
      const { solutionVersion: _version, ...request } = serviceConfig;
      return (await client.send(new CreateSolutionCommand({ ...request, datasetGroupArn }))).solutionArn as string;
    },
    desiredFields: ({ serviceConfig }) => ({
      recipeArn: serviceConfig.recipeArn,
      eventType: serviceConfig.eventType,
      performHPO: serviceConfig.performHPO,
    }),
    datasetGroupArn: (desired) => desired.datasetGroupArn,
  };
}
