import type { DatasetSchema } from '../../../shared/personalize/dataset-schema.js';
import type { DatasetKind } from '../../../shared/personalize/recipes.js';
import { inUse, invalidInput, notFound } from '../errors.js';
import type { DatasetValue } from '../import/field-values.js';
import { buildRow, readProperties } from './records.js';
import { type JsonObject, RequestChecker } from './validate.js';

/**
 * The personalize-events operations over a parsed JSON body: validate like
 * Personalize (shape, per-call limits, schema), then hand typed rows in schema
 * order to the emulator. Nothing is appended unless the whole call is valid.
 */

/** A dataset events go to: its ARN and schema. */
export interface EventsDataset {
  readonly datasetArn: string;
  readonly schema: DatasetSchema;
  /** The dataset's status; anything but ACTIVE answers ResourceInUseException. Absent = ACTIVE. */
  readonly status?: string;
}

/** What an event tracker's tracking id leads to. */
export interface ResolvedTracker {
  readonly datasetGroupArn: string;
  /** The tracker's status; anything but ACTIVE answers ResourceInUseException. Absent = ACTIVE. */
  readonly status?: string;
  /** The dataset group's Interactions dataset, if it has one (PutEvents). */
  readonly interactions?: EventsDataset;
  /** The dataset group's Action interactions dataset, if it has one (PutActionInteractions). */
  readonly actionInteractions?: EventsDataset;
}

/** What a dataset ARN leads to (PutItems, PutUsers, PutActions). */
export interface ResolvedDataset extends EventsDataset {
  readonly kind: DatasetKind;
}

/** What the events API needs from the emulator. */
export interface EventsDeps {
  /** The tracker with this tracking id, or undefined when there is none (or it was deleted). */
  resolveTracker(trackingId: string): ResolvedTracker | undefined | Promise<ResolvedTracker | undefined>;
  /** The dataset with this ARN, or undefined when there is none. */
  resolveDataset(datasetArn: string): ResolvedDataset | undefined | Promise<ResolvedDataset | undefined>;
  /**
   * Adds rows (values in the schema's field order, null for absent) to a dataset.
   * They must be visible to filters as soon as this resolves.
   */
  append(datasetArn: string, rows: DatasetValue[][]): void | Promise<void>;
}

export type EventsOperation = 'PutEvents' | 'PutItems' | 'PutUsers' | 'PutActions' | 'PutActionInteractions';

/** Request paths → operations, as the SDK sends them (`POST /events`...). */
export const EVENTS_PATHS: Readonly<Record<string, EventsOperation>> = {
  '/events': 'PutEvents',
  '/items': 'PutItems',
  '/users': 'PutUsers',
  '/actions': 'PutActions',
  '/action-interactions': 'PutActionInteractions',
};

/** Per-call limits (PERSONALIZE.md quotas; lengths from the API reference). */
export const MAX_RECORDS_PER_CALL = 10;
const ID_MAX = 256;
const EVENT_PROPERTIES_MAX = 1024;
const ITEM_PROPERTIES_MAX = 24262;
const USER_PROPERTIES_MAX = 4096;
const RECOMMENDATION_ID_MAX = 40;
const IMPRESSION_MAX = 50;
const ARN_PATTERN = /^arn:([a-z\d-]+):personalize:.*:.*:.+$/;

/**
 * Runs one operation.
 *
 * @throws PersonalizeApiError InvalidInputException (400) for invalid input, ResourceNotFoundException
 * (404) for unknown trackers and datasets, ResourceInUseException (409) for ones that are not ACTIVE.
 */
export async function runEventsOperation(operation: EventsOperation, body: unknown, deps: EventsDeps): Promise<void> {
  const check = new RequestChecker();
  const input = check.object(body, 'body') ?? {};
  check.done();
  switch (operation) {
    case 'PutEvents':
    case 'PutActionInteractions':
      return putInteractions(operation, input, deps);
    case 'PutItems':
      return putMetadata(input, deps, { member: 'items', id: 'itemId', kind: 'items', max: ITEM_PROPERTIES_MAX });
    case 'PutUsers':
      return putMetadata(input, deps, { member: 'users', id: 'userId', kind: 'users', max: USER_PROPERTIES_MAX });
    case 'PutActions':
      return putMetadata(input, deps, { member: 'actions', id: 'actionId', kind: 'actions', max: ITEM_PROPERTIES_MAX });
  }
}

const ID_FIELD_BY_KIND: Readonly<Partial<Record<DatasetKind, string>>> = {
  items: 'ITEM_ID',
  users: 'USER_ID',
  actions: 'ACTION_ID',
};

const DATASET_TYPE_NAMES: Readonly<Record<DatasetKind, string>> = {
  interactions: 'Interactions',
  items: 'Items',
  users: 'Users',
  actions: 'Actions',
  action_interactions: 'Action interactions',
};

interface MetadataCall {
  readonly member: 'items' | 'users' | 'actions';
  readonly id: 'itemId' | 'userId' | 'actionId';
  readonly kind: DatasetKind;
  readonly max: number;
}

async function putMetadata(input: JsonObject, deps: EventsDeps, call: MetadataCall): Promise<void> {
  const check = new RequestChecker();
  check.noUnknownMembers(input, ['datasetArn', call.member], '');
  const datasetArn = check.patterned(input, 'datasetArn', 'datasetArn', ID_MAX, ARN_PATTERN);
  const list = check.list(input, call.member, call.member, 1, MAX_RECORDS_PER_CALL, true) ?? [];
  const records = list.map((element, index) => {
    const path = `${call.member}.${index + 1}.member`;
    const record = check.object(element, path);
    if (!record) return undefined;
    check.noUnknownMembers(record, [call.id, 'properties'], path);
    const id = check.string(record, call.id, `${path}.${call.id}`, 1, ID_MAX, true);
    const properties = check.string(record, 'properties', `${path}.properties`, 1, call.max, false);
    return { id, properties };
  });
  check.done();
  const dataset = await deps.resolveDataset(datasetArn as string);
  if (!dataset) throw notFound(`Could not find resource: ${datasetArn}`);
  const expected = DATASET_TYPE_NAMES[call.kind];
  if (dataset.kind !== call.kind) {
    throw invalidInput(
      `The dataset ${datasetArn} holds ${DATASET_TYPE_NAMES[dataset.kind]} data; ${call.member} go to a ${expected} dataset`,
    );
  }
  requireActive(dataset.status, `The dataset ${datasetArn}`);
  const idField = ID_FIELD_BY_KIND[call.kind] as string;
  const rows = records.map((record, index) => {
    const at = `${call.member}[${index}]`;
    const values = readProperties(record?.properties, dataset.schema, { [idField]: call.id }, at);
    values.set(idField, record?.id);
    return buildRow(values, dataset.schema, call.kind, at);
  });
  await deps.append(dataset.datasetArn, rows);
}

function requireActive(status: string | undefined, subject: string): void {
  if (status !== undefined && status !== 'ACTIVE') {
    throw inUse(`${subject} is not ACTIVE (status ${status}); try again when it is`);
  }
}

interface InteractionInput {
  readonly id: string | undefined;
  readonly eventType: string | undefined;
  readonly timestamp: number | undefined;
  readonly eventValue: number | undefined;
  readonly recommendationId: string | undefined;
  readonly impression: readonly string[] | undefined;
  readonly attributionSource: string | undefined;
  readonly properties: string | undefined;
}

const EVENT_MEMBERS = [
  'eventId',
  'eventType',
  'eventValue',
  'itemId',
  'properties',
  'sentAt',
  'recommendationId',
  'impression',
  'metricAttribution',
];
const ACTION_INTERACTION_MEMBERS = [
  'actionId',
  'userId',
  'sessionId',
  'timestamp',
  'eventType',
  'eventId',
  'recommendationId',
  'impression',
  'properties',
];

function readImpression(check: RequestChecker, record: JsonObject, path: string): string[] | undefined {
  const list = check.list(record, 'impression', `${path}.impression`, 1, IMPRESSION_MAX, false);
  if (!list) return undefined;
  const ids: string[] = [];
  list.forEach((id, index) => {
    const value = check.string({ id }, 'id', `${path}.impression.${index + 1}.member`, 1, ID_MAX, true);
    if (value !== undefined) ids.push(value);
  });
  return ids;
}

async function putInteractions(
  operation: 'PutEvents' | 'PutActionInteractions',
  input: JsonObject,
  deps: EventsDeps,
): Promise<void> {
  const events = operation === 'PutEvents';
  const listMember = events ? 'eventList' : 'actionInteractions';
  const check = new RequestChecker();
  check.noUnknownMembers(
    input,
    events ? ['trackingId', 'userId', 'sessionId', 'eventList'] : ['trackingId', listMember],
    '',
  );
  const trackingId = check.string(input, 'trackingId', 'trackingId', 1, ID_MAX, true);
  const userId = events ? check.string(input, 'userId', 'userId', 1, ID_MAX, false) : undefined;
  const sessionId = events ? check.string(input, 'sessionId', 'sessionId', 1, ID_MAX, true) : undefined;
  const list = check.list(input, listMember, listMember, 1, MAX_RECORDS_PER_CALL, true) ?? [];
  const records = list.map((element, index) => {
    const path = `${listMember}.${index + 1}.member`;
    const record = check.object(element, path);
    if (!record) return undefined;
    check.noUnknownMembers(record, events ? EVENT_MEMBERS : ACTION_INTERACTION_MEMBERS, path);
    check.string(record, 'eventId', `${path}.eventId`, 1, ID_MAX, false);
    let attributionSource: string | undefined;
    if (events && record.metricAttribution !== undefined) {
      const attribution = check.object(record.metricAttribution, `${path}.metricAttribution`);
      if (attribution) {
        attributionSource = check.string(
          attribution,
          'eventAttributionSource',
          `${path}.metricAttribution.eventAttributionSource`,
          1,
          1024,
          true,
        );
      }
    }
    const parsed: InteractionInput & { userId: string | undefined; sessionId: string | undefined } = {
      id: check.string(
        record,
        events ? 'itemId' : 'actionId',
        `${path}.${events ? 'itemId' : 'actionId'}`,
        1,
        ID_MAX,
        !events,
      ),
      eventType: check.string(record, 'eventType', `${path}.eventType`, 1, ID_MAX, true),
      timestamp: check.number(
        record,
        events ? 'sentAt' : 'timestamp',
        `${path}.${events ? 'sentAt' : 'timestamp'}`,
        true,
      ),
      eventValue: events ? check.number(record, 'eventValue', `${path}.eventValue`, false) : undefined,
      recommendationId: check.string(
        record,
        'recommendationId',
        `${path}.recommendationId`,
        1,
        RECOMMENDATION_ID_MAX,
        false,
      ),
      impression: readImpression(check, record, path),
      attributionSource,
      properties: check.string(record, 'properties', `${path}.properties`, 1, EVENT_PROPERTIES_MAX, false),
      userId: events ? userId : check.string(record, 'userId', `${path}.userId`, 1, ID_MAX, false),
      sessionId: events ? sessionId : check.string(record, 'sessionId', `${path}.sessionId`, 1, ID_MAX, true),
    };
    return parsed;
  });
  check.done();

  const tracker = await deps.resolveTracker(trackingId as string);
  if (!tracker) throw notFound(`Could not find an event tracker with tracking ID ${trackingId}`);
  requireActive(tracker.status, `The event tracker with tracking ID ${trackingId}`);
  const dataset = events ? tracker.interactions : tracker.actionInteractions;
  const datasetType = events ? 'Interactions' : 'Action interactions';
  if (!dataset) {
    throw notFound(
      `The dataset group ${tracker.datasetGroupArn} has no ${datasetType} dataset: create one before recording ${events ? 'events' : 'action interactions'}`,
    );
  }
  requireActive(dataset.status, `The ${datasetType} dataset ${dataset.datasetArn}`);
  const kind: DatasetKind = events ? 'interactions' : 'action_interactions';
  const idField = events ? 'ITEM_ID' : 'ACTION_ID';
  const fieldNames = new Set(dataset.schema.fields.map((f) => f.name));
  const rows = records.map((record, index) => {
    const at = `${listMember}[${index}]`;
    const r = record as NonNullable<typeof record>;
    const members: Record<string, [string, unknown]> = {
      USER_ID: ['userId', r.userId ?? r.sessionId],
      [idField]: [events ? 'itemId' : 'actionId', r.id],
      TIMESTAMP: [events ? 'sentAt' : 'timestamp', r.timestamp === undefined ? undefined : Math.floor(r.timestamp)],
      EVENT_TYPE: ['eventType', r.eventType],
      EVENT_VALUE: ['eventValue', r.eventValue],
      IMPRESSION: ['impression', r.impression?.join('|')],
      RECOMMENDATION_ID: ['recommendationId', r.recommendationId],
      EVENT_ATTRIBUTION_SOURCE: ['metricAttribution', r.attributionSource],
    };
    const reserved = Object.fromEntries(Object.entries(members).map(([field, [member]]) => [field, member]));
    const values = readProperties(r.properties, dataset.schema, reserved, at);
    for (const [field, [member, value]] of Object.entries(members)) {
      if (value === undefined) continue;
      if (!fieldNames.has(field)) {
        // USER_ID/ITEM_ID/TIMESTAMP are always in the schema; the others are optional columns.
        throw invalidInput(
          `Invalid ${member} at ${at}: the ${datasetType} schema ${dataset.schema.name} has no ${field} field to hold it`,
        );
      }
      values.set(field, value);
    }
    return buildRow(values, dataset.schema, kind, at);
  });
  await deps.append(dataset.datasetArn, rows);
}
