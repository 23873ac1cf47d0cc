import { generateDataset } from '../../local/personalize/data/generate.js';
import type { GeneratedUpload } from './pipeline.js';

/**
 * A domain (ECOMMERCE) dataset group for integration tests: generated data in
 * the domain's column names and case-sensitive event types, and a parameter
 * file with interactions, items and users and two recommenders.
 */

export const RECOMMENDED_FOR_YOU = 'arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you';
export const POPULAR_BY_VIEWS = 'arn:aws:personalize:::recipe/aws-ecomm-popular-items-by-views';

/** ECOMMERCE event types are case-sensitive: View and Purchase drive the domain recipes. */
const ECOMMERCE_EVENT_TYPES = { view: 'View', click: 'AddToCart', purchase: 'Purchase' } as const;

const avro = (name: string, fields: readonly object[]) => ({
  type: 'record',
  name,
  namespace: 'com.amazonaws.personalize.schema',
  fields,
  version: '1.0',
});

/** A parameter file for an ECOMMERCE dataset group with three domain datasets and two recommenders. */
export function ecommerceParameterFile(g: string): Record<string, unknown> {
  const domain = 'ECOMMERCE';
  return {
    datasetGroup: { serviceConfig: { name: g, domain } },
    datasets: {
      serviceConfig: { importMode: 'FULL' },
      interactions: {
        dataset: { serviceConfig: { name: `${g}-interactions` } },
        schema: {
          serviceConfig: {
            name: `${g}-interactions-schema`,
            domain,
            schema: avro('Interactions', [
              { name: 'USER_ID', type: 'string' },
              { name: 'ITEM_ID', type: 'string' },
              { name: 'TIMESTAMP', type: 'long' },
              { name: 'EVENT_TYPE', type: 'string' },
            ]),
          },
        },
      },
      items: {
        dataset: { serviceConfig: { name: `${g}-items` } },
        schema: {
          serviceConfig: {
            name: `${g}-items-schema`,
            domain,
            schema: avro('Items', [
              { name: 'ITEM_ID', type: 'string' },
              { name: 'PRICE', type: 'float' },
              { name: 'CATEGORY_L1', type: 'string', categorical: true },
              { name: 'CREATION_TIMESTAMP', type: 'long' },
            ]),
          },
        },
      },
      users: {
        dataset: { serviceConfig: { name: `${g}-users` } },
        schema: {
          serviceConfig: {
            name: `${g}-users-schema`,
            domain,
            schema: avro('Users', [
              { name: 'USER_ID', type: 'string' },
              { name: 'AGE', type: 'int' },
              { name: 'MEMBERSHIP', type: 'string', categorical: true },
            ]),
          },
        },
      },
    },
    recommenders: [
      { serviceConfig: { name: `${g}-for-you`, recipeArn: RECOMMENDED_FOR_YOU } },
      { serviceConfig: { name: `${g}-popular-views`, recipeArn: POPULAR_BY_VIEWS } },
    ],
  };
}

const csv = (header: readonly string[], rows: Iterable<readonly (string | number)[]>): Buffer => {
  const lines = [header.join(',')];
  for (const row of rows) lines.push(row.join(','));
  return Buffer.from(`${lines.join('\n')}\n`);
};

/** Deterministic generated data (same seed, same bytes) in ECOMMERCE column names and event types. */
export function ecommerceUpload(datasetGroup: string, seed = 11): GeneratedUpload {
  const data = generateDataset({ users: 100, items: 60, interactions: 3000, seed });
  const { users, items } = data;
  const prefix = `train/${datasetGroup}`;
  const files = {
    [`${prefix}/interactions.csv`]: csv(
      ['USER_ID', 'ITEM_ID', 'TIMESTAMP', 'EVENT_TYPE'],
      (function* () {
        for (const row of data.interactions()) {
          yield [
            users[row.userIndex]?.id ?? '',
            items[row.itemIndex]?.id ?? '',
            row.timestamp,
            ECOMMERCE_EVENT_TYPES[row.eventType],
          ];
        }
      })(),
    ),
    [`${prefix}/items.csv`]: csv(
      ['ITEM_ID', 'PRICE', 'CATEGORY_L1', 'CREATION_TIMESTAMP'],
      items.map((item) => [item.id, item.price, item.category, item.creationTimestamp]),
    ),
    [`${prefix}/users.csv`]: csv(
      ['USER_ID', 'AGE', 'MEMBERSHIP'],
      users.map((user) => [user.id, user.age, user.segment]),
    ),
  };
  return { datasetGroup, config: ecommerceParameterFile(datasetGroup), files };
}
