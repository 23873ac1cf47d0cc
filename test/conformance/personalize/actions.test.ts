import {
  CreateCampaignCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeSolutionVersionCommand,
} from '@aws-sdk/client-personalize';
import {
  GetActionRecommendationsCommand,
  GetRecommendationsCommand,
  PersonalizeRuntimeClient,
} from '@aws-sdk/client-personalize-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PersonalizeHarness, startPersonalize, TEST_CREDENTIALS } from '../../support/personalize.js';
import { type S3Harness, startS3 } from '../../support/s3.js';

/** aws-next-best-action: trained on action interactions, served by GetActionRecommendations. */

let s3: S3Harness;
let h: PersonalizeHarness;
let runtime: PersonalizeRuntimeClient;
let campaignArn: string;

const ACTIONS = JSON.stringify({
  type: 'record',
  name: 'Actions',
  fields: [
    { name: 'ACTION_ID', type: 'string' },
    { name: 'VALUE', type: 'int' },
  ],
});
const ACTION_INTERACTIONS = JSON.stringify({
  type: 'record',
  name: 'ActionInteractions',
  fields: ['USER_ID', 'ACTION_ID', 'EVENT_TYPE']
    .map((name) => ({ name, type: 'string' }))
    .concat({ name: 'TIMESTAMP', type: 'long' }),
});

/** 60 users; user u takes the actions of group u % 3 (a0–a9, a10–a19, a20–a29). */
function actionInteractions(): string {
  const lines = ['USER_ID,ACTION_ID,EVENT_TYPE,TIMESTAMP'];
  for (let u = 0; u < 60; u += 1) {
    for (let i = 0; i < 20; i += 1) {
      const action = (u % 3) * 10 + ((u + i * 7) % 10);
      lines.push(`u${u},a${action},${i % 5 === 4 ? 'NOT_TAKEN' : 'TAKEN'},${1_700_000_000 + u * 100 + i}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  s3 = await startS3();
  await s3.put(
    'train/nba/actions.csv',
    `ACTION_ID,VALUE\n${Array.from({ length: 30 }, (_, a) => `a${a},${a}`).join('\n')}\n`,
  );
  await s3.put('train/nba/action_interactions.csv', actionInteractions());
  h = await startPersonalize({ s3: () => s3.client });
  const c = h.client;
  const { datasetGroupArn } = await c.send(new CreateDatasetGroupCommand({ name: 'nba' }));
  for (const [type, schema, file] of [
    ['Actions', ACTIONS, 'actions'],
    ['Action_Interactions', ACTION_INTERACTIONS, 'action_interactions'],
  ] as const) {
    const { schemaArn } = await c.send(new CreateSchemaCommand({ name: `nba-${file}`, schema }));
    const { datasetArn } = await c.send(
      new CreateDatasetCommand({ name: `nba-${file}`, datasetGroupArn, datasetType: type, schemaArn }),
    );
    await c.send(
      new CreateDatasetImportJobCommand({
        jobName: `nba-${file}`,
        datasetArn,
        dataSource: { dataLocation: `s3://data/train/nba/${file}.csv` },
      }),
    );
    await h.emulator.idle();
  }
  const { solutionArn } = await c.send(
    new CreateSolutionCommand({
      name: 'nba',
      datasetGroupArn,
      recipeArn: 'arn:aws:personalize:::recipe/aws-next-best-action',
    }),
  );
  const { solutionVersionArn } = await c.send(new CreateSolutionVersionCommand({ solutionArn }));
  await h.emulator.idle();
  const version = await c.send(new DescribeSolutionVersionCommand({ solutionVersionArn }));
  expect(version.solutionVersion?.status, version.solutionVersion?.failureReason).toBe('ACTIVE');
  campaignArn = (await c.send(new CreateCampaignCommand({ name: 'nba', solutionVersionArn }))).campaignArn as string;
  runtime = new PersonalizeRuntimeClient({
    endpoint: h.server.endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
}, 60_000);

afterAll(async () => {
  runtime?.destroy();
  await h?.dispose();
  await s3?.stop();
});

describe('next best action', () => {
  it('recommends the actions of the group a user takes', async () => {
    const result = await runtime.send(
      new GetActionRecommendationsCommand({ campaignArn, userId: 'u4', numResults: 5 }),
    );
    const actions = result.actionList?.map((a) => Number(a.actionId?.slice(1))) ?? [];
    expect(actions).toHaveLength(5);
    expect(actions.filter((a) => Math.floor(a / 10) === 1).length).toBeGreaterThanOrEqual(4);
    expect(result.recommendationId).toMatch(/^RID-/);
  });

  it('is not served by GetRecommendations', async () => {
    await expect(runtime.send(new GetRecommendationsCommand({ campaignArn, userId: 'u4' }))).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: 'Use GetActionRecommendations with a next-best-action campaign',
    });
  });
});
