import {
  CreateCampaignCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  type CreateDatasetGroupCommandInput,
  CreateDatasetImportJobCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  CreateRecommenderCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DeleteDatasetGroupCommand,
  DeleteSchemaCommand,
  DeleteSolutionCommand,
  DescribeCampaignCommand,
  DescribeDatasetGroupCommand,
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
  ListDatasetGroupsCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-personalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hang, type PersonalizeHarness, startPersonalize } from '../../support/personalize.js';
import { INTERACTIONS_SCHEMA, ITEMS_SCHEMA } from './fixtures.js';

let h: PersonalizeHarness;

beforeEach(async () => {
  h = await startPersonalize({
    workers: {},
    quotas: {
      activeDatasetGroups: 3,
      solutionsPerDatasetGroup: 2,
      pendingSolutionVersions: 2,
      filtersPerDatasetGroup: 1,
    },
  });
});

afterEach(async () => {
  await h.dispose();
});

/** Sends any command; these tests look only at errors and a few output fields. */
const send = (command: unknown) => h.client.send(command as never) as unknown as Promise<Record<string, unknown>>;

async function group(name = 'shop', domain?: 'ECOMMERCE'): Promise<string> {
  const { datasetGroupArn } = await h.client.send(
    new CreateDatasetGroupCommand({ name, ...(domain ? { domain } : {}) }),
  );
  const { schemaArn } = await h.client.send(
    new CreateSchemaCommand({
      name: `${name}-interactions`,
      schema: INTERACTIONS_SCHEMA,
      ...(domain ? { domain } : {}),
    }),
  );
  await h.client.send(
    new CreateDatasetCommand({ name: `${name}-interactions`, datasetGroupArn, datasetType: 'Interactions', schemaArn }),
  );
  return datasetGroupArn as string;
}

async function solution(datasetGroupArn: string, name = 'up', recipe = 'aws-user-personalization'): Promise<string> {
  const { solutionArn } = await h.client.send(
    new CreateSolutionCommand({ name, datasetGroupArn, recipeArn: `arn:aws:personalize:::recipe/${recipe}` }),
  );
  return solutionArn as string;
}

async function version(solutionArn: string): Promise<string> {
  const { solutionVersionArn } = await h.client.send(new CreateSolutionVersionCommand({ solutionArn }));
  await h.emulator.idle();
  return solutionVersionArn as string;
}

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('ResourceAlreadyExistsException', () => {
  it('refuses a second resource with the same name in the account and region', async () => {
    const datasetGroupArn = await group();
    expect(await rejection(send(new CreateDatasetGroupCommand({ name: 'shop' })))).toEqual({
      name: 'ResourceAlreadyExistsException',
      message: `A dataset group named shop already exists: ${datasetGroupArn}`,
      status: 400,
    });
    expect(
      (await rejection(send(new CreateSchemaCommand({ name: 'shop-interactions', schema: INTERACTIONS_SCHEMA })))).name,
    ).toBe('ResourceAlreadyExistsException');
    await solution(datasetGroupArn, 'dup');
    expect((await rejection(solution(datasetGroupArn, 'dup'))).name).toBe('ResourceAlreadyExistsException');
  });

  it('allows one dataset per type and one event tracker per dataset group', async () => {
    const datasetGroupArn = await group();
    const schemaArn = `arn:aws:personalize:us-east-1:000000000000:schema/shop-interactions`;
    expect(
      await rejection(
        send(new CreateDatasetCommand({ name: 'again', datasetGroupArn, datasetType: 'Interactions', schemaArn })),
      ),
    ).toMatchObject({ name: 'ResourceAlreadyExistsException' });
    await h.client.send(new CreateEventTrackerCommand({ name: 't1', datasetGroupArn }));
    expect(await rejection(send(new CreateEventTrackerCommand({ name: 't2', datasetGroupArn })))).toMatchObject({
      name: 'ResourceAlreadyExistsException',
      message: `The dataset group ${datasetGroupArn} already has an event tracker`,
    });
  });
});

describe('ResourceInUseException', () => {
  it('refuses to delete a dataset group that still holds resources', async () => {
    const datasetGroupArn = await group();
    expect(await rejection(send(new DeleteDatasetGroupCommand({ datasetGroupArn })))).toEqual({
      name: 'ResourceInUseException',
      message: `The dataset group ${datasetGroupArn} still holds ${datasetGroupArn.replace('dataset-group', 'dataset')}/INTERACTIONS; delete its resources first`,
      status: 400,
    });
  });

  it('refuses to delete a schema a dataset uses, and a solution a campaign deploys', async () => {
    const datasetGroupArn = await group();
    expect(
      (
        await rejection(
          send(
            new DeleteSchemaCommand({
              schemaArn: 'arn:aws:personalize:us-east-1:000000000000:schema/shop-interactions',
            }),
          ),
        )
      ).name,
    ).toBe('ResourceInUseException');
    const solutionArn = await solution(datasetGroupArn);
    const solutionVersionArn = await version(solutionArn);
    await h.client.send(new CreateCampaignCommand({ name: 'c', solutionVersionArn }));
    expect((await rejection(send(new DeleteSolutionCommand({ solutionArn })))).name).toBe('ResourceInUseException');
  });

  it('refuses metrics of a version that is not ACTIVE', async () => {
    const h2 = await startPersonalize({ workers: { solutionVersion: hang } });
    try {
      const { datasetGroupArn } = await h2.client.send(new CreateDatasetGroupCommand({ name: 'g' }));
      const { solutionArn } = await h2.client.send(
        new CreateSolutionCommand({ name: 's', datasetGroupArn, recipeArn: 'arn:aws:personalize:::recipe/aws-sims' }),
      );
      const { solutionVersionArn } = await h2.client.send(new CreateSolutionVersionCommand({ solutionArn }));
      expect(
        (await h2.client.send(new DescribeSolutionVersionCommand({ solutionVersionArn }))).solutionVersion?.status,
      ).toBe('CREATE IN_PROGRESS');
      await expect(h2.client.send(new GetSolutionMetricsCommand({ solutionVersionArn }))).rejects.toMatchObject({
        name: 'ResourceInUseException',
      });
    } finally {
      await h2.dispose();
    }
  });
});

describe('ResourceNotFoundException', () => {
  it.each([
    [
      'DescribeDatasetGroup',
      () =>
        new DescribeDatasetGroupCommand({
          datasetGroupArn: 'arn:aws:personalize:us-east-1:000000000000:dataset-group/none',
        }),
    ],
    [
      'DescribeCampaign',
      () => new DescribeCampaignCommand({ campaignArn: 'arn:aws:personalize:us-east-1:000000000000:campaign/none' }),
    ],
    [
      'CreateSolution in a missing group',
      () =>
        new CreateSolutionCommand({
          name: 's',
          datasetGroupArn: 'arn:aws:personalize:us-east-1:000000000000:dataset-group/none',
        }),
    ],
    [
      'TagResource on a missing resource',
      () => new TagResourceCommand({ resourceArn: 'arn:aws:personalize:us-east-1:000000000000:filter/none', tags: [] }),
    ],
  ])('%s', async (_, command) => {
    expect((await rejection(send(command()))).name).toBe('ResourceNotFoundException');
  });
});

describe('InvalidInputException', () => {
  it.each([
    [
      'a name that breaks the pattern',
      { name: 'my group' },
      "1 validation error detected: Value 'my group' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9][a-zA-Z0-9\\-_]*",
    ],
    [
      'a name over 63 characters',
      { name: 'g'.repeat(64) },
      `1 validation error detected: Value '${'g'.repeat(64)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 63`,
    ],
    [
      'a missing name',
      {},
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    ],
  ])('%s', async (_, input, message) => {
    expect(await rejection(send(new CreateDatasetGroupCommand(input as CreateDatasetGroupCommandInput)))).toEqual({
      name: 'InvalidInputException',
      message,
      status: 400,
    });
  });

  it('refuses a filter expression that does not parse, saying where', async () => {
    const datasetGroupArn = await group();
    expect(
      await rejection(
        send(
          new CreateFilterCommand({
            name: 'f',
            datasetGroupArn,
            filterExpression: 'INCLUDE ItemID WHERE Items.GENRE IN ("x"',
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidInputException',
      message: 'Invalid filter expression at column 41: expected ")", found the end of the expression',
    });
  });

  it('refuses UPDATE training for recipes without it, recommenders outside domain groups, and domain recipes for solutions', async () => {
    const datasetGroupArn = await group();
    const sims = await solution(datasetGroupArn, 'sims', 'aws-sims');
    expect(
      await rejection(send(new CreateSolutionVersionCommand({ solutionArn: sims, trainingMode: 'UPDATE' }))),
    ).toMatchObject({
      name: 'InvalidInputException',
      message: 'aws-sims does not support trainingMode UPDATE',
    });
    expect(
      await rejection(
        send(
          new CreateRecommenderCommand({
            name: 'r',
            datasetGroupArn,
            recipeArn: 'arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you',
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidInputException',
      message: `Recommenders need a domain dataset group; ${datasetGroupArn} has no domain`,
    });
    expect((await rejection(solution(datasetGroupArn, 'x', 'aws-vod-top-picks'))).message).toBe(
      'aws-vod-top-picks is a domain recipe: create a recommender with it instead of a solution',
    );
  });

  it('refuses UPDATE training with no new data since the last FULL version', async () => {
    const datasetGroupArn = await group();
    const up = await solution(datasetGroupArn);
    expect(
      (await rejection(send(new CreateSolutionVersionCommand({ solutionArn: up, trainingMode: 'UPDATE' })))).message,
    ).toBe('There should be an active solution version with training mode set to FULL before training mode UPDATE');
    await version(up);
    expect(
      (await rejection(send(new CreateSolutionVersionCommand({ solutionArn: up, trainingMode: 'UPDATE' })))).message,
    ).toBe(
      'There should be updates to at least one dataset after last active solution version with training mode set to FULL',
    );
  });
});

describe('LimitExceededException', () => {
  it('caps dataset groups, solutions per group, filters per group and trainings in progress', async () => {
    const datasetGroupArn = await group('g1');
    await group('g2');
    await group('g3');
    expect(await rejection(send(new CreateDatasetGroupCommand({ name: 'g4' })))).toMatchObject({
      name: 'LimitExceededException',
      message: 'You have reached the maximum number of dataset groups (3)',
    });
    const first = await solution(datasetGroupArn, 's1');
    await solution(datasetGroupArn, 's2');
    expect((await rejection(solution(datasetGroupArn, 's3'))).message).toBe(
      'A dataset group can have at most 2 solutions',
    );
    await h.client.send(
      new CreateFilterCommand({
        name: 'f1',
        datasetGroupArn,
        filterExpression: 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")',
      }),
    );
    expect(
      (
        await rejection(
          send(
            new CreateFilterCommand({
              name: 'f2',
              datasetGroupArn,
              filterExpression: 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")',
            }),
          ),
        )
      ).name,
    ).toBe('LimitExceededException');

    const slow = await startPersonalize({ workers: { solutionVersion: hang }, quotas: { pendingSolutionVersions: 2 } });
    try {
      const { datasetGroupArn: g } = await slow.client.send(new CreateDatasetGroupCommand({ name: 'g' }));
      const { solutionArn } = await slow.client.send(
        new CreateSolutionCommand({
          name: 's',
          datasetGroupArn: g,
          recipeArn: 'arn:aws:personalize:::recipe/aws-sims',
        }),
      );
      await slow.client.send(new CreateSolutionVersionCommand({ solutionArn }));
      await slow.client.send(new CreateSolutionVersionCommand({ solutionArn }));
      await expect(slow.client.send(new CreateSolutionVersionCommand({ solutionArn }))).rejects.toMatchObject({
        name: 'LimitExceededException',
        message: 'More than 2 resources with PENDING or IN_PROGRESS status.',
      });
    } finally {
      await slow.dispose();
    }
    expect(first).toContain(':solution/s1');
  });

  it('caps pending imports', async () => {
    const slow = await startPersonalize({ workers: { datasetImportJob: hang }, quotas: { pendingImportJobs: 1 } });
    try {
      const { datasetGroupArn } = await slow.client.send(new CreateDatasetGroupCommand({ name: 'g' }));
      const { schemaArn } = await slow.client.send(new CreateSchemaCommand({ name: 'i', schema: ITEMS_SCHEMA }));
      const { datasetArn } = await slow.client.send(
        new CreateDatasetCommand({ name: 'i', datasetGroupArn, datasetType: 'Items', schemaArn }),
      );
      const job = (jobName: string) =>
        slow.client.send(
          new CreateDatasetImportJobCommand({
            jobName,
            datasetArn,
            dataSource: { dataLocation: 's3://data/train/g/items.csv' },
          }),
        );
      await job('j1');
      await expect(job('j2')).rejects.toMatchObject({ name: 'LimitExceededException' });
    } finally {
      await slow.dispose();
    }
  });
});

describe('tags', () => {
  it('refuses more than 50 tags on a resource and more than 50 keys to remove', async () => {
    const datasetGroupArn = await group();
    const tags = Array.from({ length: 51 }, (_, i) => ({ tagKey: `k${i}`, tagValue: 'v' }));
    expect((await rejection(send(new TagResourceCommand({ resourceArn: datasetGroupArn, tags })))).name).toBe(
      'TooManyTagsException',
    );
    expect((await rejection(send(new CreateDatasetGroupCommand({ name: 'tagged', tags })))).name).toBe(
      'TooManyTagsException',
    );
    expect(
      (
        await rejection(
          send(new UntagResourceCommand({ resourceArn: datasetGroupArn, tagKeys: tags.map((t) => t.tagKey) })),
        )
      ).name,
    ).toBe('TooManyTagKeysException');
  });
});

describe('throttling for fault tests', () => {
  it('answers a seeded share of requests with ThrottlingException', async () => {
    const noisy = await startPersonalize({ throttleRate: 0.5, seed: 7 });
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 40; i += 1) {
        outcomes.push(
          await noisy.client.send(new ListDatasetGroupsCommand({})).then(
            () => 'ok',
            (e: Error) => e.name,
          ),
        );
      }
      const throttled = outcomes.filter((o) => o === 'ThrottlingException').length;
      expect(throttled).toBeGreaterThan(8);
      expect(throttled).toBeLessThan(32);
      expect(outcomes.filter((o) => o !== 'ThrottlingException' && o !== 'ok')).toEqual([]);
    } finally {
      await noisy.dispose();
    }
  });
});
