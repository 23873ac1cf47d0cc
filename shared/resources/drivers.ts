import {
  CreateDatasetGroupCommand,
  CreateFilterCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  DescribeDatasetGroupCommand,
  DescribeFilterCommand,
  DescribeSchemaCommand,
  DescribeSolutionCommand,
  type Domain,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import type { DatasetConfig, DatasetGroupConfig, ParameterFile, SolutionConfig } from '../config/types.js';
import { describeOrUndefined, type NamedDriver } from './named.js';
import { type AccountScope, personalizeArn } from './scope.js';

/** Drivers for the resources `ensureNamed` handles whole: found by the ARN their name implies, never updated. */

export function datasetGroupDriver(
  client: PersonalizeClient,
  scope: AccountScope,
): NamedDriver<DatasetGroupConfig['serviceConfig']> {
  return {
    label: 'dataset group',
    name: (desired) => desired.name ?? '',
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
    create: async (desired) => (await client.send(new CreateDatasetGroupCommand(desired))).datasetGroupArn,
    desiredFields: (desired) => ({ domain: desired.domain, kmsKeyArn: desired.kmsKeyArn, roleArn: desired.roleArn }),
  };
}

export type DesiredSchema = DatasetConfig['schema']['serviceConfig'];

/** The file may give the Avro schema as an object or as the JSON text the API takes. */
const avroValue = (schema: unknown): unknown => {
  if (typeof schema !== 'string') return schema;
  try {
    return JSON.parse(schema) as unknown;
  } catch {
    return schema;
  }
};

const avroText = (schema: unknown): string => (typeof schema === 'string' ? schema : JSON.stringify(schema));

export function schemaDriver(client: PersonalizeClient, scope: AccountScope): NamedDriver<DesiredSchema> {
  return {
    label: 'schema',
    name: (desired) => desired.name,
    arn: (desired) => personalizeArn(scope, 'schema', desired.name),
    describe: async (schemaArn) => {
      const found = await describeOrUndefined(() => client.send(new DescribeSchemaCommand({ schemaArn })));
      const schema = found?.schema;
      // Schemas have no status: one that exists is ready.
      return schema
        ? { status: 'ACTIVE', fields: { schema: avroValue(schema.schema), domain: schema.domain } }
        : undefined;
    },
    create: async (desired) => {
      // The config types `domain` as any string; validation keeps it to Personalize's domains.
      const request = { ...desired, schema: avroText(desired.schema), domain: desired.domain as Domain | undefined };
      return (await client.send(new CreateSchemaCommand(request))).schemaArn;
    },
    desiredFields: (desired) => ({ schema: avroValue(desired.schema), domain: desired.domain }),
  };
}

export interface DesiredFilter {
  readonly datasetGroupArn: string;
  readonly serviceConfig: NonNullable<ParameterFile['filters']>[number]['serviceConfig'];
}

export function filterDriver(client: PersonalizeClient, scope: AccountScope): NamedDriver<DesiredFilter> {
  return {
    label: 'filter',
    name: (desired) => desired.serviceConfig.name ?? '',
    arn: (desired) => personalizeArn(scope, 'filter', desired.serviceConfig.name ?? ''),
    describe: async (filterArn) => {
      const found = await describeOrUndefined(() => client.send(new DescribeFilterCommand({ filterArn })));
      const filter = found?.filter;
      return filter
        ? {
            status: filter.status,
            failureReason: filter.failureReason,
            datasetGroupArn: filter.datasetGroupArn,
            fields: { filterExpression: filter.filterExpression },
          }
        : undefined;
    },
    create: async ({ datasetGroupArn, serviceConfig }) =>
      (await client.send(new CreateFilterCommand({ ...serviceConfig, datasetGroupArn }))).filterArn,
    desiredFields: ({ serviceConfig }) => ({ filterExpression: serviceConfig.filterExpression }),
    datasetGroupArn: (desired) => desired.datasetGroupArn,
  };
}

export interface DesiredSolution {
  readonly datasetGroupArn: string;
  readonly serviceConfig: SolutionConfig['serviceConfig'];
}

export function solutionDriver(client: PersonalizeClient, scope: AccountScope): NamedDriver<DesiredSolution> {
  return {
    label: 'solution',
    name: (desired) => desired.serviceConfig.name ?? '',
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
      return (await client.send(new CreateSolutionCommand({ ...request, datasetGroupArn }))).solutionArn;
    },
    desiredFields: ({ serviceConfig }) => ({
      recipeArn: serviceConfig.recipeArn,
      eventType: serviceConfig.eventType,
      performHPO: serviceConfig.performHPO,
    }),
    datasetGroupArn: (desired) => desired.datasetGroupArn,
  };
}
