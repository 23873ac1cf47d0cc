import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { expect, it } from 'vitest';
import { startServices } from './harness.js';

/**
 * A transaction the process died in the middle of: some of its writes reached
 * LevelDB, the intent file holds the items as they were before. The next start
 * puts them back, so the transaction is either whole or absent.
 */
it('undoes a TransactWriteItems interrupted by a crash at the next start', async () => {
  const first = await startServices();
  await first.dynamodb.send(
    new CreateTableCommand({
      TableName: 'state',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  await first.documents.send(new PutCommand({ TableName: 'state', Item: { pk: 'counter', open: 2 } }));
  // Half of a transaction {counter.open 2→1, put step#b} had been applied when the process died.
  await first.documents.send(new PutCommand({ TableName: 'state', Item: { pk: 'counter', open: 1 } }));
  await first.documents.send(new PutCommand({ TableName: 'state', Item: { pk: 'step#b', status: 'READY' } }));
  await first.stop();
  await writeFile(
    join(first.dataDir, 'dynamodb', 'transaction-intent.json'),
    JSON.stringify([
      { TableName: 'state', Key: { pk: { S: 'counter' } }, Item: { pk: { S: 'counter' }, open: { N: '2' } } },
      { TableName: 'state', Key: { pk: { S: 'step#b' } } },
    ]),
  );

  const second = await startServices({ dataDir: first.dataDir });
  try {
    const counter = await second.documents.send(new GetCommand({ TableName: 'state', Key: { pk: 'counter' } }));
    const step = await second.documents.send(new GetCommand({ TableName: 'state', Key: { pk: 'step#b' } }));

    expect(counter.Item).toEqual({ pk: 'counter', open: 2 });
    expect(step.Item).toBeUndefined();
  } finally {
    await second.dispose();
  }
});
