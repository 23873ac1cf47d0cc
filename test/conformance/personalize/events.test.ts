import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateEventTrackerCommand,
  CreateSchemaCommand,
} from '@aws-sdk/client-personalize';
import { PersonalizeEventsClient, PutEventsCommand, PutItemsCommand } from '@aws-sdk/client-personalize-events';
import { afterEach, describe, expect, it } from 'vitest';
import { type PersonalizeHarness, startPersonalize, TEST_CREDENTIALS } from '../../support/personalize.js';
import { INTERACTIONS_SCHEMA, ITEMS_SCHEMA } from './fixtures.js';

/** The events API through @aws-sdk/client-personalize-events, served by the emulator: rows land in the datasets. */

let h: PersonalizeHarness | undefined;

afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

async function group(harness: PersonalizeHarness) {
  const c = harness.client;
  const { datasetGroupArn } = await c.send(new CreateDatasetGroupCommand({ name: 'shop' }));
  const interactions = await c.send(new CreateSchemaCommand({ name: 'i', schema: INTERACTIONS_SCHEMA }));
  const items = await c.send(new CreateSchemaCommand({ name: 'it', schema: ITEMS_SCHEMA }));
  await c.send(
    new CreateDatasetCommand({
      name: 'i',
      datasetGroupArn,
      datasetType: 'Interactions',
      schemaArn: interactions.schemaArn,
    }),
  );
  const { datasetArn: itemsArn } = await c.send(
    new CreateDatasetCommand({ name: 'it', datasetGroupArn, datasetType: 'Items', schemaArn: items.schemaArn }),
  );
  const { trackingId } = await c.send(new CreateEventTrackerCommand({ name: 't', datasetGroupArn }));
  return { datasetGroupArn: datasetGroupArn as string, itemsArn: itemsArn as string, trackingId: trackingId as string };
}

const eventsClient = (harness: PersonalizeHarness) =>
  new PersonalizeEventsClient({
    endpoint: harness.server.endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });

describe('the events API', () => {
  it('appends PutEvents and PutItems rows to the datasets, durably', async () => {
    h = await startPersonalize({ workers: {} });
    const { datasetGroupArn, itemsArn, trackingId } = await group(h);
    const events = eventsClient(h);
    await events.send(
      new PutEventsCommand({
        trackingId,
        userId: 'u1',
        sessionId: 's1',
        eventList: [
          { eventType: 'click', itemId: 'i1', sentAt: new Date('2026-01-01T00:00:00Z') },
          { eventType: 'purchase', itemId: 'i2', sentAt: new Date('2026-01-01T00:01:00Z') },
        ],
      }),
    );
    await events.send(
      new PutItemsCommand({
        datasetArn: itemsArn,
        items: [{ itemId: 'i1', properties: JSON.stringify({ genre: 'jazz', price: 9.5 }) }],
      }),
    );
    const view = await h.emulator.views.view(readContext(h), datasetGroupArn);
    expect(view.filterData.interactionsOf?.('u1').map((r) => [r.id, r.eventType])).toEqual([
      ['i1', 'click'],
      ['i2', 'purchase'],
    ]);
    expect(view.items.get('i1')).toEqual({ ITEM_ID: 'i1', GENRE: 'jazz', PRICE: 9.5 });
    events.destroy();

    await h.stop();
    const again = await startPersonalize({ workers: {}, dataDir: h.dataDir });
    h = again;
    const restored = await again.emulator.views.view(readContext(again), datasetGroupArn);
    expect(restored.filterData.interactionsOf?.('u1')).toHaveLength(2);
  });

  it('refuses an unknown tracking id with 404 and a bad event with 400, appending nothing', async () => {
    h = await startPersonalize({ workers: {} });
    const { trackingId, datasetGroupArn } = await group(h);
    const events = eventsClient(h);
    await expect(
      events.send(
        new PutEventsCommand({
          trackingId: 'nope',
          sessionId: 's',
          eventList: [{ eventType: 'click', itemId: 'i', sentAt: new Date() }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    await expect(
      events.send(
        new PutEventsCommand({
          trackingId,
          userId: 'u2',
          sessionId: 's',
          eventList: [
            { eventType: 'click', itemId: 'ok', sentAt: new Date() },
            { eventType: 'click', sentAt: new Date() },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidInputException' });
    const view = await h.emulator.views.view(readContext(h), datasetGroupArn);
    expect(view.filterData.interactionsOf?.('u2')).toEqual([]);
    events.destroy();
  });
});

function readContext(harness: PersonalizeHarness) {
  return harness.emulator.readContext();
}
