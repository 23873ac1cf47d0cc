import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  PersonalizeEventsClient,
  PutActionInteractionsCommand,
  PutEventsCommand,
  PutItemsCommand,
  PutUsersCommand,
} from '@aws-sdk/client-personalize-events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEventsHttpHandler, isEventsRequest } from '../../../local/personalize/events/http.js';
import type { EventsDeps, ResolvedDataset, ResolvedTracker } from '../../../local/personalize/events/operations.js';
import type { DatasetValue } from '../../../local/personalize/import/field-values.js';
import { checkDatasetSchema, type DatasetSchema } from '../../../shared/personalize/dataset-schema.js';
import type { DatasetKind } from '../../../shared/personalize/recipes.js';

// --- fakes -----------------------------------------------------------------

function schemaOf(name: string, kind: DatasetKind, fields: Record<string, unknown>[]): DatasetSchema {
  const check = checkDatasetSchema({ type: 'record', name, fields }, kind);
  if (!check.ok) throw new Error(JSON.stringify(check.problems));
  return check.schema;
}

const GROUP = 'arn:aws:personalize:us-east-1:000000000000:dataset-group/shop';
const INTERACTIONS_ARN = 'arn:aws:personalize:us-east-1:000000000000:dataset/shop/INTERACTIONS';
const ITEMS_ARN = 'arn:aws:personalize:us-east-1:000000000000:dataset/shop/ITEMS';
const USERS_ARN = 'arn:aws:personalize:us-east-1:000000000000:dataset/shop/USERS';
const PENDING_ARN = 'arn:aws:personalize:us-east-1:000000000000:dataset/other/ITEMS';
const TRACKING_ID = 'tracking-1';

const INTERACTIONS = schemaOf('Interactions', 'interactions', [
  { name: 'USER_ID', type: 'string' },
  { name: 'ITEM_ID', type: 'string' },
  { name: 'TIMESTAMP', type: 'long' },
  { name: 'EVENT_TYPE', type: 'string' },
  { name: 'EVENT_VALUE', type: ['null', 'float'] },
  { name: 'IMPRESSION', type: ['null', 'string'] },
  { name: 'RECOMMENDATION_ID', type: ['null', 'string'] },
  { name: 'DEVICE', type: ['null', 'string'], categorical: true },
]);
const SLIM_INTERACTIONS = schemaOf('Slim', 'interactions', [
  { name: 'USER_ID', type: 'string' },
  { name: 'ITEM_ID', type: 'string' },
  { name: 'TIMESTAMP', type: 'long' },
  { name: 'EVENT_TYPE', type: 'string' },
]);
const ITEMS = schemaOf('Items', 'items', [
  { name: 'ITEM_ID', type: 'string' },
  { name: 'GENRE', type: 'string', categorical: true },
  { name: 'NUMBER_OF_RATINGS', type: ['null', 'int'] },
  { name: 'ON_SALE', type: ['null', 'boolean'] },
]);
const USERS = schemaOf('Users', 'users', [
  { name: 'USER_ID', type: 'string' },
  { name: 'AGE', type: ['null', 'int'] },
  { name: 'MEMBERSHIP', type: ['null', 'string'], categorical: true },
]);

const appended = new Map<string, DatasetValue[][]>();

const TRACKERS: Record<string, ResolvedTracker> = {
  [TRACKING_ID]: { datasetGroupArn: GROUP, interactions: { datasetArn: INTERACTIONS_ARN, schema: INTERACTIONS } },
  'no-interactions': { datasetGroupArn: GROUP },
  creating: { datasetGroupArn: GROUP, status: 'CREATE IN_PROGRESS' },
  slim: { datasetGroupArn: GROUP, interactions: { datasetArn: INTERACTIONS_ARN, schema: SLIM_INTERACTIONS } },
};
const DATASETS: Record<string, ResolvedDataset> = {
  [ITEMS_ARN]: { datasetArn: ITEMS_ARN, kind: 'items', schema: ITEMS, status: 'ACTIVE' },
  [USERS_ARN]: { datasetArn: USERS_ARN, kind: 'users', schema: USERS },
  [PENDING_ARN]: { datasetArn: PENDING_ARN, kind: 'items', schema: ITEMS, status: 'CREATE PENDING' },
};

const deps: EventsDeps = {
  resolveTracker: (trackingId) => TRACKERS[trackingId],
  resolveDataset: async (datasetArn) => DATASETS[datasetArn],
  append: (datasetArn, rows) => {
    appended.set(datasetArn, [...(appended.get(datasetArn) ?? []), ...rows]);
  },
};

let server: Server;
let client: PersonalizeEventsClient;

beforeAll(async () => {
  const handler = createEventsHttpHandler(deps);
  server = createServer((req, res) => {
    if (!isEventsRequest(req)) {
      res.writeHead(418).end();
      return;
    }
    void handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new PersonalizeEventsClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => appended.clear());

// --- factories -------------------------------------------------------------

const SENT_AT = new Date('2026-01-02T03:04:05.678Z');
const SENT_AT_SECONDS = Math.floor(SENT_AT.getTime() / 1000);

const anEvent = (overrides: Record<string, unknown> = {}) => ({
  eventType: 'click',
  itemId: 'i1',
  sentAt: SENT_AT,
  ...overrides,
});

const putEvents = (overrides: Record<string, unknown> = {}) =>
  client.send(
    new PutEventsCommand({
      trackingId: TRACKING_ID,
      userId: 'u1',
      sessionId: 's1',
      eventList: [anEvent()],
      ...overrides,
    } as never),
  );

async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

// --- PutEvents ---------------------------------------------------------------

describe('PutEvents', () => {
  it('appends one interactions row per event, in schema order, with typed values', async () => {
    await putEvents({
      eventList: [
        anEvent({
          eventValue: 4.5,
          impression: ['i1', 'i2', 'i3'],
          recommendationId: 'rec-1',
          properties: JSON.stringify({ device: 'phone' }),
        }),
        anEvent({ eventType: 'purchase', itemId: 'i2' }),
      ],
    });
    expect(appended.get(INTERACTIONS_ARN)).toEqual([
      ['u1', 'i1', SENT_AT_SECONDS, 'click', 4.5, 'i1|i2|i3', 'rec-1', 'phone'],
      ['u1', 'i2', SENT_AT_SECONDS, 'purchase', null, null, null, null],
    ]);
  });

  it('records an anonymous event under its session id', async () => {
    await putEvents({ userId: undefined, sessionId: 'anonymous-session' });
    expect(appended.get(INTERACTIONS_ARN)?.[0]?.[0]).toBe('anonymous-session');
  });

  it('answers ResourceNotFoundException (404) for an unknown tracking id', async () => {
    expect(await failure(putEvents({ trackingId: 'nope' }))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'Could not find an event tracker with tracking ID nope',
    });
  });

  it('answers ResourceNotFoundException when the dataset group has no Interactions dataset', async () => {
    const error = await failure(putEvents({ trackingId: 'no-interactions' }));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe(
      `The dataset group ${GROUP} has no Interactions dataset: create one before recording events`,
    );
  });

  it('answers ResourceInUseException (409) while the tracker is not ACTIVE', async () => {
    expect(await failure(putEvents({ trackingId: 'creating' }))).toEqual({
      name: 'ResourceInUseException',
      status: 409,
      message:
        'The event tracker with tracking ID creating is not ACTIVE (status CREATE IN_PROGRESS); try again when it is',
    });
  });

  it.each([
    [
      'more than 10 events',
      { eventList: Array.from({ length: 11 }, () => anEvent()) },
      /^1 validation error detected: Value '.*' at 'eventList' failed to satisfy constraint: Member must have length less than or equal to 10$/,
    ],
    [
      'no events',
      { eventList: [] },
      /^1 validation error detected: Value '\[\]' at 'eventList' failed to satisfy constraint: Member must have length greater than or equal to 1$/,
    ],
    [
      'a missing sessionId',
      { sessionId: undefined },
      /^1 validation error detected: Value null at 'sessionId' failed to satisfy constraint: Member must not be null$/,
    ],
    [
      'an empty eventType and a long recommendationId',
      { eventList: [anEvent({ eventType: '', recommendationId: 'r'.repeat(41) })] },
      /^2 validation errors detected: Value '' at 'eventList.1.member.eventType' .*greater than or equal to 1; Value 'r+' at 'eventList.1.member.recommendationId' .*less than or equal to 40$/,
    ],
    [
      'properties that are not JSON',
      { eventList: [anEvent({ properties: '{device' })] },
      /^Invalid properties at eventList\[0\]: not valid JSON$/,
    ],
    [
      'a property the schema does not have',
      { eventList: [anEvent({ properties: '{"colour":"red"}' })] },
      /^Invalid properties at eventList\[0\]: "colour" is not a field of schema Interactions; properties use camelCase field names \(.*device\)$/,
    ],
    [
      'a property set by a request member',
      { eventList: [anEvent({ properties: '{"itemId":"i9"}' })] },
      /^Invalid properties at eventList\[0\]: "itemId" is set by itemId, not in properties$/,
    ],
    [
      'a missing itemId',
      { eventList: [anEvent({ itemId: undefined })] },
      /^Invalid value at eventList\[0\]: ITEM_ID is missing, but ITEM_ID is required in every interactions record$/,
    ],
    [
      'a sentAt in milliseconds',
      { eventList: [anEvent({ sentAt: new Date(SENT_AT.getTime() * 1000) })] },
      /^Invalid value at eventList\[0\]: TIMESTAMP: ".*" looks like milliseconds: TIMESTAMP must be in Unix epoch seconds$/,
    ],
  ])('refuses %s with InvalidInputException (400)', async (_, overrides, message) => {
    const error = await failure(putEvents(overrides));
    expect(error.name).toBe('InvalidInputException');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
    expect(appended.size).toBe(0);
  });

  it('refuses a member the schema has no column for', async () => {
    const error = await failure(putEvents({ trackingId: 'slim', eventList: [anEvent({ eventValue: 1 })] }));
    expect(error.message).toBe(
      'Invalid eventValue at eventList[0]: the Interactions schema Slim has no EVENT_VALUE field to hold it',
    );
  });

  it('appends nothing when one event of the call is invalid', async () => {
    await failure(putEvents({ eventList: [anEvent(), anEvent({ itemId: undefined })] }));
    expect(appended.size).toBe(0);
  });
});

// --- PutItems / PutUsers --------------------------------------------------------

describe('PutItems and PutUsers', () => {
  it('PutItems maps camelCase properties to UPPER_SNAKE fields and converts types', async () => {
    await client.send(
      new PutItemsCommand({
        datasetArn: ITEMS_ARN,
        items: [
          { itemId: 'i1', properties: JSON.stringify({ genre: 'Comedy|Drama', numberOfRatings: '12', onSale: true }) },
          { itemId: 'i2', properties: JSON.stringify({ genre: 'Horror', numberOfRatings: 3 }) },
        ],
      }),
    );
    expect(appended.get(ITEMS_ARN)).toEqual([
      ['i1', 'Comedy|Drama', 12, true],
      ['i2', 'Horror', 3, null],
    ]);
  });

  it('PutUsers appends user rows', async () => {
    await client.send(
      new PutUsersCommand({
        datasetArn: USERS_ARN,
        users: [{ userId: 'u1', properties: '{"age": 30, "membership": "gold"}' }],
      }),
    );
    expect(appended.get(USERS_ARN)).toEqual([['u1', 30, 'gold']]);
  });

  it('answers ResourceNotFoundException for an unknown dataset', async () => {
    const arn = 'arn:aws:personalize:us-east-1:000000000000:dataset/none/ITEMS';
    expect(await failure(client.send(new PutItemsCommand({ datasetArn: arn, items: [{ itemId: 'i1' }] })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: `Could not find resource: ${arn}`,
    });
  });

  it('answers ResourceInUseException for a dataset that is not ACTIVE yet', async () => {
    const error = await failure(
      client.send(
        new PutItemsCommand({ datasetArn: PENDING_ARN, items: [{ itemId: 'i1', properties: '{"genre":"x"}' }] }),
      ),
    );
    expect(error).toEqual({
      name: 'ResourceInUseException',
      status: 409,
      message: `The dataset ${PENDING_ARN} is not ACTIVE (status CREATE PENDING); try again when it is`,
    });
  });

  it.each([
    [
      'more than 10 items',
      { items: Array.from({ length: 11 }, (_, n) => ({ itemId: `i${n}`, properties: '{"genre":"x"}' })) },
      /^1 validation error detected: Value '.*' at 'items' failed to satisfy constraint: Member must have length less than or equal to 10$/,
    ],
    [
      'a dataset ARN that is not an ARN',
      { datasetArn: 'items' },
      /^1 validation error detected: Value 'items' at 'datasetArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:/,
    ],
    [
      'an empty item id',
      { items: [{ itemId: '', properties: '{"genre":"x"}' }] },
      /^1 validation error detected: Value '' at 'items.1.member.itemId' failed to satisfy constraint: Member must have length greater than or equal to 1$/,
    ],
    [
      'a missing required field',
      { items: [{ itemId: 'i1', properties: '{"numberOfRatings": 1}' }] },
      /^Invalid value at items\[0\]: GENRE is missing, but GENRE is not nullable in schema Items$/,
    ],
    [
      'a value of the wrong type',
      { items: [{ itemId: 'i1', properties: '{"genre":"x","numberOfRatings":"many"}' }] },
      /^Invalid value at items\[0\]: NUMBER_OF_RATINGS: "many" is not an integer \(type int\)$/,
    ],
    [
      'a number for a string field',
      { items: [{ itemId: 'i1', properties: '{"genre":7}' }] },
      /^Invalid value at items\[0\]: GENRE must be a string, not 7$/,
    ],
    [
      'UPPER_SNAKE property names',
      { items: [{ itemId: 'i1', properties: '{"GENRE":"x"}' }] },
      /^Invalid properties at items\[0\]: "GENRE" is not a field of schema Items; properties use camelCase field names \(genre, numberOfRatings, onSale\)$/,
    ],
    [
      'properties that are not an object',
      { items: [{ itemId: 'i1', properties: '["x"]' }] },
      /^Invalid properties at items\[0\]: must be a JSON object/,
    ],
  ])('PutItems refuses %s with InvalidInputException', async (_, overrides, message) => {
    const error = await failure(
      client.send(new PutItemsCommand({ datasetArn: ITEMS_ARN, items: [{ itemId: 'i1' }], ...overrides })),
    );
    expect(error.name).toBe('InvalidInputException');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
    expect(appended.size).toBe(0);
  });

  it('PutUsers to an Items dataset is an InvalidInputException', async () => {
    const error = await failure(client.send(new PutUsersCommand({ datasetArn: ITEMS_ARN, users: [{ userId: 'u1' }] })));
    expect(error.message).toBe(`The dataset ${ITEMS_ARN} holds Items data; users go to a Users dataset`);
  });
});

describe('routing', () => {
  it('PutActionInteractions answers ResourceNotFoundException when the group has no Action interactions dataset', async () => {
    const error = await failure(
      client.send(
        new PutActionInteractionsCommand({
          trackingId: TRACKING_ID,
          actionInteractions: [{ actionId: 'a1', sessionId: 's1', timestamp: SENT_AT, eventType: 'TAKEN' }],
        }),
      ),
    );
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toContain('has no Action interactions dataset');
  });
});
