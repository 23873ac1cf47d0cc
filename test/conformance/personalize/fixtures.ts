/** Schemas as the Personalize API takes them (Avro JSON text). */

export const INTERACTIONS_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Interactions',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
    { name: 'EVENT_TYPE', type: 'string' },
  ],
  version: '1.0',
});

export const ITEMS_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Items',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'ITEM_ID', type: 'string' },
    { name: 'GENRE', type: 'string', categorical: true },
    { name: 'PRICE', type: ['null', 'float'] },
  ],
  version: '1.0',
});

export const USERS_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Users',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'AGE', type: 'int' },
  ],
  version: '1.0',
});
