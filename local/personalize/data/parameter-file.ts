/**
 * The parameter file that goes with a generated data set: the three datasets'
 * schemas (matching the CSV headers the writer produces) and the resources a
 * retail benchmark needs. Every resource name starts with the dataset group
 * name, because Personalize names are unique per account and region.
 */

const NAMESPACE = 'com.amazonaws.personalize.schema';

/** Interactions CSV columns, in order. */
export const INTERACTION_FIELDS = [
  { name: 'USER_ID', type: 'string' },
  { name: 'ITEM_ID', type: 'string' },
  { name: 'TIMESTAMP', type: 'long' },
  { name: 'EVENT_TYPE', type: 'string' },
] as const;

/** Items CSV columns, in order. */
export const ITEM_FIELDS = [
  { name: 'ITEM_ID', type: 'string' },
  { name: 'CATEGORY', type: 'string', categorical: true },
  { name: 'PRICE', type: 'float' },
  { name: 'CREATION_TIMESTAMP', type: 'long' },
] as const;

/** Users CSV columns, in order. */
export const USER_FIELDS = [
  { name: 'USER_ID', type: 'string' },
  { name: 'AGE', type: 'int' },
  { name: 'SEGMENT', type: 'string', categorical: true },
] as const;

/**
 * Longest dataset group name whose derived names all fit Personalize's 63
 * characters; the tightest is the batch job's `<group>-nightly_YYYY_MM_DD_HH_MM_SS`.
 */
export const MAX_DATASET_GROUP_NAME_LENGTH = 63 - '-nightly_YYYY_MM_DD_HH_MM_SS'.length;

const schema = (name: string, fields: readonly object[]) => ({
  type: 'record',
  name,
  namespace: NAMESPACE,
  fields,
  version: '1.0',
});

/**
 * The parameter file (as a JSON value) for a generated data set uploaded under
 * `train/<datasetGroup>/`: interactions, items and users; an event tracker; a
 * filter that excludes purchased items and one that includes the items of the
 * `$CATEGORY` parameter; a user-personalization solution with a campaign and a
 * nightly batch inference job; a SIMS solution with a campaign; a
 * popularity-count solution. Checked by `validate()` in the tests.
 */
export function datasetParameterFile(datasetGroup: string): Record<string, unknown> {
  const g = datasetGroup;
  return {
    datasetGroup: {
      serviceConfig: { name: g },
      workflowConfig: { schedules: { import: 'cron(0 1 * * ? *)' } },
    },
    datasets: {
      serviceConfig: { importMode: 'FULL' },
      interactions: {
        dataset: { serviceConfig: { name: `${g}-interactions` } },
        schema: {
          serviceConfig: { name: `${g}-interactions-schema`, schema: schema('Interactions', INTERACTION_FIELDS) },
        },
      },
      items: {
        dataset: { serviceConfig: { name: `${g}-items` } },
        schema: { serviceConfig: { name: `${g}-items-schema`, schema: schema('Items', ITEM_FIELDS) } },
      },
      users: {
        dataset: { serviceConfig: { name: `${g}-users` } },
        schema: { serviceConfig: { name: `${g}-users-schema`, schema: schema('Users', USER_FIELDS) } },
      },
    },
    eventTracker: { serviceConfig: { name: `${g}-event-tracker` } },
    filters: [
      {
        serviceConfig: {
          name: `${g}-not-purchased`,
          filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
        },
      },
      {
        serviceConfig: {
          name: `${g}-in-category`,
          filterExpression: 'INCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)',
        },
      },
    ],
    solutions: [
      {
        serviceConfig: {
          name: `${g}-personalization`,
          recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
          solutionVersion: { trainingMode: 'FULL' },
        },
        workflowConfig: { schedules: { full: 'cron(0 2 ? * 1 *)' } },
        campaigns: [{ serviceConfig: { name: `${g}-personalization-campaign`, minProvisionedTPS: 1 } }],
        batchInferenceJobs: [
          {
            serviceConfig: { jobName: `${g}-nightly`, numResults: 25 },
            workflowConfig: { schedule: 'cron(0 3 * * ? *)' },
          },
        ],
      },
      {
        serviceConfig: { name: `${g}-related`, recipeArn: 'arn:aws:personalize:::recipe/aws-sims' },
        workflowConfig: { schedules: { full: 'cron(0 4 ? * 1 *)' } },
        campaigns: [{ serviceConfig: { name: `${g}-related-campaign` } }],
      },
      {
        serviceConfig: { name: `${g}-popular`, recipeArn: 'arn:aws:personalize:::recipe/aws-popularity-count' },
        workflowConfig: { schedules: { full: 'cron(0 5 ? * 1 *)' } },
      },
    ],
  };
}
