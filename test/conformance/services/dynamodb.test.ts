import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  TransactionCanceledException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServicesHarness, startServices } from './harness.js';

let h: ServicesHarness;
const TABLE = 'runs';

beforeAll(async () => {
  h = await startServices();
  await h.dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'status', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
});

afterAll(async () => {
  await h.dispose();
});

const get = async (pk: string, sk = 'meta') =>
  (await h.documents.send(new GetCommand({ TableName: TABLE, Key: { pk, sk } }))).Item;

describe('tables', () => {
  it('are ACTIVE, with their index, as soon as CreateTable is answered', async () => {
    const { Table } = await h.dynamodb.send(new DescribeTableCommand({ TableName: TABLE }));

    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.IndexStatus])).toEqual([['byStatus', 'ACTIVE']]);
  });
});

describe('conditional writes', () => {
  it('reject a second create of the same item with ConditionalCheckFailedException', async () => {
    const create = () =>
      h.documents.send(
        new PutCommand({
          TableName: TABLE,
          Item: { pk: 'lock#dsg', sk: 'meta', owner: 'run-1' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );

    await create();

    await expect(create()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  });
});

describe('UpdateItem with ADD', () => {
  it('counts every concurrent increment', async () => {
    await Promise.all(
      Array.from({ length: 25 }, () =>
        h.documents.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: { pk: 'counter', sk: 'meta' },
            UpdateExpression: 'ADD hits :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        ),
      ),
    );

    expect((await get('counter'))?.hits).toBe(25);
  });
});

describe('TransactWriteItems', () => {
  it('applies every action when every condition holds', async () => {
    await h.documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'run#1', sk: 'meta', open: 2 } }));

    await h.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: TABLE,
              Key: { pk: 'run#1', sk: 'meta' },
              ConditionExpression: '#o > :z',
              ExpressionAttributeNames: { '#o': 'open' },
              ExpressionAttributeValues: { ':z': 0 },
            },
          },
          {
            Put: {
              TableName: TABLE,
              Item: { pk: 'run#1', sk: 'step#a', status: 'DONE' },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: TABLE,
              Key: { pk: 'run#2', sk: 'meta' },
              UpdateExpression: 'SET #s = :s',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':s': 'QUEUED' },
            },
          },
        ],
      }),
    );

    expect(await get('run#1', 'step#a')).toEqual({ pk: 'run#1', sk: 'step#a', status: 'DONE' });
    expect((await get('run#2'))?.status).toBe('QUEUED');
    expect(await get('run#1')).toEqual({ pk: 'run#1', sk: 'meta', open: 2 });
  });

  it('applies nothing and gives one reason per action when a condition fails', async () => {
    await h.documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'run#3', sk: 'meta', open: 1 } }));

    const failure = await h.documents
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: TABLE,
                Key: { pk: 'run#3', sk: 'meta' },
                UpdateExpression: 'ADD #o :minus',
                ExpressionAttributeNames: { '#o': 'open' },
                ExpressionAttributeValues: { ':minus': -1 },
              },
            },
            { Put: { TableName: TABLE, Item: { pk: 'run#3', sk: 'step#b', status: 'READY' } } },
            {
              ConditionCheck: {
                TableName: TABLE,
                Key: { pk: 'run#3', sk: 'lock' },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ],
        }),
      )
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TransactionCanceledException);
    expect((failure as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
      'None',
      'None',
      'ConditionalCheckFailed',
    ]);
    expect(await get('run#3')).toEqual({ pk: 'run#3', sk: 'meta', open: 1 });
    expect(await get('run#3', 'step#b')).toBeUndefined();
  });

  it('returns the item that failed its condition when asked (ALL_OLD)', async () => {
    await h.documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'run#4', sk: 'meta', state: 'RUNNING' } }));

    const failure = (await h.documents
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: TABLE,
                Key: { pk: 'run#4', sk: 'meta' },
                ConditionExpression: '#s = :done',
                ExpressionAttributeNames: { '#s': 'state' },
                ExpressionAttributeValues: { ':done': 'DONE' },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      )
      .catch((error: unknown) => error)) as TransactionCanceledException;

    expect(failure.CancellationReasons?.[0]?.Item?.state).toEqual({ S: 'RUNNING' });
    expect(await get('run#4')).toBeDefined();
  });

  it('refuses two actions on the same item', async () => {
    await expect(
      h.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: { pk: 'dup', sk: 'meta' } } },
            { Delete: { TableName: TABLE, Key: { sk: 'meta', pk: 'dup' } } },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    expect(await get('dup')).toBeUndefined();
  });

  it('applies a request once per ClientRequestToken', async () => {
    const write = () =>
      h.documents.send(
        new TransactWriteCommand({
          ClientRequestToken: 'token-1',
          TransactItems: [
            {
              Update: {
                TableName: TABLE,
                Key: { pk: 'idem', sk: 'meta' },
                UpdateExpression: 'ADD n :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );

    await write();
    await write();

    expect((await get('idem'))?.n).toBe(1);
  });
});

describe('TransactGetItems', () => {
  it('reads several items at once, absent ones as empty', async () => {
    await h.documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'tg', sk: 'meta', v: 1 } }));

    const { Responses } = await h.documents.send(
      new TransactGetCommand({
        TransactItems: [
          { Get: { TableName: TABLE, Key: { pk: 'tg', sk: 'meta' } } },
          { Get: { TableName: TABLE, Key: { pk: 'tg', sk: 'absent' } } },
        ],
      }),
    );

    expect(Responses).toEqual([{ Item: { pk: 'tg', sk: 'meta', v: 1 } }, {}]);
  });
});

describe('global secondary index', () => {
  it('answers queries on the index key', async () => {
    await h.documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'gsi#1', sk: 'meta', status: 'FAILED' } }));
    await h.documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'gsi#2', sk: 'meta', status: 'FAILED' } }));

    const { Items } = await h.documents.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: 'byStatus',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'FAILED' },
      }),
    );

    expect(Items?.map((i) => i.pk).sort()).toEqual(['gsi#1', 'gsi#2']);
  });
});

describe('time to live', () => {
  it('is accepted by UpdateTimeToLive and reported by DescribeTimeToLive', async () => {
    const before = await h.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));

    const updated = await h.dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: TABLE,
        TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
      }),
    );
    const after = await h.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));

    expect(before.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'DISABLED' });
    expect(updated.TimeToLiveSpecification).toEqual({ Enabled: true, AttributeName: 'expiresAt' });
    expect(after.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('refuses to enable it twice, and answers ResourceNotFoundException for a missing table', async () => {
    await expect(
      h.dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: TABLE,
          TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      h.dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: 'nope',
          TimeToLiveSpecification: { Enabled: true, AttributeName: 'x' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('deletes items whose TTL has passed and keeps the others', async () => {
    const now = Math.floor(Date.now() / 1000);
    await h.documents.send(
      new PutCommand({ TableName: TABLE, Item: { pk: 'ttl#old', sk: 'meta', expiresAt: now - 60 } }),
    );
    await h.documents.send(
      new PutCommand({ TableName: TABLE, Item: { pk: 'ttl#new', sk: 'meta', expiresAt: now + 3600 } }),
    );
    await h.documents.send(
      new PutCommand({ TableName: TABLE, Item: { pk: 'ttl#text', sk: 'meta', expiresAt: 'soon' } }),
    );

    await h.services.sweepExpiredItems();

    expect(await get('ttl#old')).toBeUndefined();
    expect(await get('ttl#new')).toBeDefined();
    expect(await get('ttl#text')).toBeDefined();
  });
});
