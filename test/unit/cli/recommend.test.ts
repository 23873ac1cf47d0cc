import {
  ListCampaignsCommand,
  ListFiltersCommand,
  ListRecommendersCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { CommandError } from '../../../cli/command-error.js';
import {
  closeNames,
  parseCount,
  parseFilterValues,
  type RecommendOptions,
  recommendationLines,
  recommendCommand,
} from '../../../cli/commands/recommend.js';

const exitCodeOf = (run: () => unknown): number | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof CommandError ? error.exitCode : -1;
  }
};

describe('parseFilterValues', () => {
  it('takes Personalize’s quoted strings as they are, and quotes an array of strings', () => {
    expect(parseFilterValues('{"CATEGORY":"\\"books\\",\\"toys\\"","PRICE":"10"}')).toEqual({
      CATEGORY: '"books","toys"',
      PRICE: '10',
    });
    expect(parseFilterValues('{"CATEGORY":["books","toys \\"deluxe\\""]}')).toEqual({
      CATEGORY: '"books","toys \\"deluxe\\""',
    });
  });

  it.each([
    ['not JSON', '{CATEGORY: books}', /not valid JSON/],
    ['an array', '["books"]', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    ['a number value', '{"PRICE":10}', /the value of PRICE must be a string or an array of strings/],
    ['an empty array', '{"CATEGORY":[]}', /the value of CATEGORY/],
    ['an array of numbers', '{"CATEGORY":[1]}', /the value of CATEGORY/],
  ])('refuses %s with exit 2', (_, text, message) => {
    expect(exitCodeOf(() => parseFilterValues(text))).toBe(2);
    expect(() => parseFilterValues(text)).toThrow(message);
  });

  it('never throws anything but a usage error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const code = exitCodeOf(() => parseFilterValues(text));
        expect(code === undefined || code === 2).toBe(true);
      }),
    );
  });
});

describe('parseCount', () => {
  it.each([
    ['1', 1],
    ['10', 10],
    [' 500 ', 500],
  ])('%j → %d', (text, n) => {
    expect(parseCount(text)).toBe(n);
  });
  it.each(['0', '501', '-1', '2.5', '1e2', 'ten', ''])('refuses %j with exit 2', (text) => {
    expect(exitCodeOf(() => parseCount(text))).toBe(2);
  });
});

describe('closeNames', () => {
  it('suggests at most three names within a few edits, closest first', () => {
    const names = ['shop-personalization-campaign', 'shop-related-campaign', 'shop-personalisation-campaign2'];
    expect(closeNames('shop-personalisation-campaign', names)).toEqual([
      'shop-personalization-campaign',
      'shop-personalisation-campaign2',
    ]);
    expect(closeNames('x', names)).toEqual([]);
  });
});

describe('recommendationLines', () => {
  it('aligns rank, item id and score (4 significant digits), a missing score as -', () => {
    const items = [
      { itemId: 'i1', score: 0.123456 },
      ...Array.from({ length: 8 }, (_, i) => ({ itemId: `i${i + 2}`, score: 0.00012345 })),
      { itemId: 'i10000' },
    ];
    const lines = recommendationLines(items);
    expect(lines[0]).toBe(' 1  i1      0.1235');
    expect(lines[1]).toBe(' 2  i2      0.0001234');
    expect(lines[9]).toBe('10  i10000  -');
  });
});

describe('recommendCommand', () => {
  const personalize = mockClient(PersonalizeClient);
  const runtime = mockClient(PersonalizeRuntimeClient);
  const deps = () => ({ personalize: new PersonalizeClient({}), runtime: new PersonalizeRuntimeClient({}) });
  const ARN = 'arn:aws:personalize:eu-west-1:123456789012:recommender/shop-for-you';

  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
  }
  const options = (fields: Partial<RecommendOptions>): RecommendOptions => ({ n: '10', ...fields });

  beforeEach(() => {
    personalize.reset();
    runtime.reset();
    personalize
      .on(ListRecommendersCommand)
      .resolvesOnce({ recommenders: [{ name: 'other', recommenderArn: 'arn:other' }], nextToken: 't' })
      .resolves({ recommenders: [{ name: 'shop-for-you', recommenderArn: ARN, status: 'ACTIVE' }] });
    personalize.on(ListFiltersCommand).resolves({ Filters: [{ name: 'in-cat', filterArn: 'arn:filter/in-cat' }] });
    personalize.on(ListCampaignsCommand).resolves({ campaigns: [] });
    runtime.on(GetRecommendationsCommand).resolves({
      itemList: [{ itemId: 'i9', score: 0.5 }, { itemId: 'i3' }],
      recommendationId: 'RID-1',
    });
  });

  it('resolves a recommender by name across pages and asks with the recommender’s ARN', async () => {
    const { io, out, err } = capture();
    const code = await recommendCommand(
      options({
        recommender: 'shop-for-you',
        user: 'u1',
        n: '2',
        filter: 'in-cat',
        filterValues: '{"C":["a"]}',
        json: true,
      }),
      io,
      deps(),
    );
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(runtime).toHaveReceivedCommandWith(GetRecommendationsCommand, {
      recommenderArn: ARN,
      userId: 'u1',
      numResults: 2,
      filterArn: 'arn:filter/in-cat',
      filterValues: { C: '"a"' },
    });
    expect(JSON.parse(out[0] as string)).toEqual({
      recommenderArn: ARN,
      userId: 'u1',
      filterArn: 'arn:filter/in-cat',
      recommendationId: 'RID-1',
      items: [
        { rank: 1, itemId: 'i9', score: 0.5 },
        { rank: 2, itemId: 'i3' },
      ],
    });
  });

  it('takes an ARN as it is, without listing', async () => {
    const { io, out } = capture();
    const arn = 'arn:aws:personalize:eu-west-1:123456789012:campaign/c';
    expect(await recommendCommand(options({ campaign: arn, item: 'i1' }), io, deps())).toBe(0);
    expect(personalize).not.toHaveReceivedAnyCommand();
    expect(runtime).toHaveReceivedCommandWith(GetRecommendationsCommand, { campaignArn: arn, itemId: 'i1' });
    expect(out).toEqual(['1  i9  0.5', '2  i3  -']);
  });

  it.each([
    [{ user: 'u1' }, 'give exactly one of --campaign <name> and --recommender <name>'],
    [{ campaign: 'c', recommender: 'r', user: 'u1' }, 'give exactly one of'],
    [{ campaign: 'c' }, 'give --user <userId>'],
    [{ campaign: 'c', user: 'u', filterValues: '{}' }, '--filter-values needs --filter <name>'],
    [{ campaign: 'c', user: 'u', n: '0' }, '-n must be a whole number from 1 to 500'],
  ] as const)('exits 2 before any call for bad usage %j', async (fields, message) => {
    const { io, err } = capture();
    expect(await recommendCommand(options(fields), io, deps())).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(`mpx recommend: ${message}`);
    expect(personalize).not.toHaveReceivedAnyCommand();
    expect(runtime).not.toHaveReceivedAnyCommand();
  });

  it('exits 1 for a name nobody has, 2 for an input Personalize refuses, 1 for other service errors', async () => {
    const { io, err } = capture();
    expect(await recommendCommand(options({ campaign: 'nope', user: 'u' }), io, deps())).toBe(1);
    expect(err.at(-1)).toBe(
      'mpx recommend: no campaign named nope in this account and region (aws personalize list-campaigns lists them)',
    );

    const invalid = Object.assign(new Error('aws-sims needs an itemId'), { name: 'InvalidInputException' });
    runtime.on(GetRecommendationsCommand).rejects(invalid);
    expect(await recommendCommand(options({ recommender: 'shop-for-you', user: 'u' }), io, deps())).toBe(2);
    expect(err.at(-1)).toBe(
      'mpx recommend: Personalize refused the request: aws-sims needs an itemId (related-items recipes take --item, personalized ones --user)',
    );

    const gone = Object.assign(new Error('Could not find the recommender'), { name: 'ResourceNotFoundException' });
    runtime.on(GetRecommendationsCommand).rejects(gone);
    expect(await recommendCommand(options({ recommender: 'shop-for-you', user: 'u' }), io, deps())).toBe(1);
    expect(err.at(-1)).toBe('mpx recommend: recommender shop-for-you: Could not find the recommender');
  });
});
