import {
  PersonalizeClient,
  paginateListCampaigns,
  paginateListFilters,
  paginateListRecommenders,
} from '@aws-sdk/client-personalize';
import {
  GetRecommendationsCommand,
  type GetRecommendationsCommandInput,
  PersonalizeRuntimeClient,
  type PredictedItem,
} from '@aws-sdk/client-personalize-runtime';
import { distance } from 'fastest-levenshtein';
import { errorName } from '../../shared/resources/sdk-errors.js';
import { CommandError, EXIT, reportError } from '../command-error.js';
import type { Output } from './validate.js';

/**
 * `mpx recommend`: recommendations from a campaign or a recommender, named as
 * the parameter file names it. Names become ARNs by listing (ListCampaigns,
 * ListRecommenders, ListFilters), which answers the same on AWS and on the
 * local cloud and tells an unknown name from a typo; an ARN is used as given.
 * It needs no stack: campaigns belong to the account and region.
 */

export interface RecommendOptions {
  readonly campaign?: string;
  readonly recommender?: string;
  readonly user?: string;
  readonly item?: string;
  readonly filter?: string;
  /** JSON object: filter parameter → value (see `parseFilterValues`). */
  readonly filterValues?: string;
  /** How many items (1–500), as typed. */
  readonly n: string;
  readonly json?: boolean;
}

export interface RecommendDeps {
  readonly personalize: PersonalizeClient;
  readonly runtime: PersonalizeRuntimeClient;
}

type Kind = 'campaign' | 'recommender' | 'filter';

interface Named {
  readonly name: string;
  readonly arn: string;
  readonly status?: string;
}

const usage = (message: string) => new CommandError(message, EXIT.USAGE);

/**
 * `--filter-values` as Personalize takes it: each value a string of quoted
 * values (`"\"books\""`, `"\"books\",\"toys\""`). An array of strings is
 * accepted as a shorthand and quoted here (`["books","toys"]`).
 * @throws CommandError (exit 2) when the text is not such a JSON object.
 */
export function parseFilterValues(text: string): Record<string, string> {
  const example = `e.g. --filter-values '{"CATEGORY":"\\"books\\""}' or '{"CATEGORY":["books","toys"]}'`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usage(`--filter-values is not valid JSON (${(error as Error).message}); ${example}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw usage(`--filter-values must be a JSON object of parameter → value; ${example}`);
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string') values[key] = value;
    else if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'))
      values[key] = value.map((v) => JSON.stringify(v)).join(',');
    else throw usage(`--filter-values: the value of ${key} must be a string or an array of strings; ${example}`);
  }
  return values;
}

/** `-n` as a whole number of items, 1 to 500 (Personalize's maximum). @throws CommandError (exit 2) */
export function parseCount(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= 500)) throw usage(`-n must be a whole number from 1 to 500, not ${JSON.stringify(text)}`);
  return n;
}

/** The names among `names` close enough to `name` to be what was meant (at most 3, closest first). */
export function closeNames(name: string, names: readonly string[]): string[] {
  return names
    .map((candidate) => ({ candidate, d: distance(candidate, name) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(name.length / 4)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

/** `rank itemId score` lines, aligned; a score Personalize did not give (some recipes) shows as `-`. */
export function recommendationLines(items: readonly PredictedItem[]): string[] {
  const rankWidth = String(items.length).length;
  const idWidth = Math.max(0, ...items.map((i) => (i.itemId ?? '').length));
  return items.map((item, index) =>
    `${String(index + 1).padStart(rankWidth)}  ${(item.itemId ?? '').padEnd(idWidth)}  ${
      item.score === undefined ? '-' : String(Number(item.score.toPrecision(4)))
    }`.trimEnd(),
  );
}

async function listNamed(personalize: PersonalizeClient, kind: Kind): Promise<Named[]> {
  const found: Named[] = [];
  const add = (name?: string, arn?: string, status?: string) => {
    if (name && arn) found.push({ name, arn, ...(status ? { status } : {}) });
  };
  const config = { client: personalize, pageSize: 100 };
  if (kind === 'campaign') {
    for await (const page of paginateListCampaigns(config, {}))
      for (const c of page.campaigns ?? []) add(c.name, c.campaignArn, c.status);
  } else if (kind === 'recommender') {
    for await (const page of paginateListRecommenders(config, {}))
      for (const r of page.recommenders ?? []) add(r.name, r.recommenderArn, r.status);
  } else {
    for await (const page of paginateListFilters(config, {}))
      for (const f of page.Filters ?? []) add(f.name, f.filterArn, f.status);
  }
  return found;
}

const LIST_COMMAND: Readonly<Record<Kind, string>> = {
  campaign: 'aws personalize list-campaigns',
  recommender: 'aws personalize list-recommenders',
  filter: 'aws personalize list-filters',
};

/**
 * The resource named `nameOrArn` (an ARN is taken as it is).
 * @throws CommandError (exit 1) when there is none of that name, with the closest names.
 */
async function resolve(personalize: PersonalizeClient, kind: Kind, nameOrArn: string): Promise<Named> {
  if (nameOrArn.startsWith('arn:')) return { name: nameOrArn, arn: nameOrArn };
  const all = await listNamed(personalize, kind);
  const match = all.find((r) => r.name === nameOrArn);
  if (match) return match;
  const close = closeNames(
    nameOrArn,
    all.map((r) => r.name),
  );
  const hint = close.length > 0 ? `; did you mean ${close.join(' or ')}?` : '';
  throw new CommandError(
    `no ${kind} named ${nameOrArn} in this account and region${hint} (${LIST_COMMAND[kind]} lists them)`,
    EXIT.FAILED,
  );
}

/** What the command asks Personalize for, checked before any call. @throws CommandError (exit 2) */
function checkUsage(options: RecommendOptions) {
  if ((options.campaign === undefined) === (options.recommender === undefined))
    throw usage('give exactly one of --campaign <name> and --recommender <name>');
  if (options.user === undefined && options.item === undefined)
    throw usage('give --user <userId> (personalized recipes), --item <itemId> (related items), or both');
  if (options.filterValues !== undefined && options.filter === undefined)
    throw usage('--filter-values needs --filter <name>');
  return {
    kind: (options.campaign === undefined ? 'recommender' : 'campaign') as Kind,
    name: (options.campaign ?? options.recommender) as string,
    numResults: parseCount(options.n),
    ...(options.filterValues === undefined ? {} : { filterValues: parseFilterValues(options.filterValues) }),
  };
}

async function recommend(options: RecommendOptions, io: Output, deps: RecommendDeps): Promise<number> {
  const asked = checkUsage(options);
  const source = await resolve(deps.personalize, asked.kind, asked.name);
  const filter = options.filter === undefined ? undefined : await resolve(deps.personalize, 'filter', options.filter);
  const input: GetRecommendationsCommandInput = {
    [asked.kind === 'campaign' ? 'campaignArn' : 'recommenderArn']: source.arn,
    numResults: asked.numResults,
    ...(options.user === undefined ? {} : { userId: options.user }),
    ...(options.item === undefined ? {} : { itemId: options.item }),
    ...(filter ? { filterArn: filter.arn } : {}),
    ...(asked.filterValues ? { filterValues: asked.filterValues } : {}),
  };
  let items: PredictedItem[];
  let recommendationId: string | undefined;
  try {
    const answer = await deps.runtime.send(new GetRecommendationsCommand(input));
    items = answer.itemList ?? [];
    recommendationId = answer.recommendationId;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? '';
    const status = source.status && source.status !== 'ACTIVE' ? ` (the ${asked.kind} is ${source.status})` : '';
    if (errorName(error) === 'InvalidInputException') {
      const hint = /filter/i.test(message)
        ? ` (quote each value: --filter-values '{"CATEGORY":"\\"books\\""}', or '{"CATEGORY":["books"]}')`
        : /userId|itemId/.test(message)
          ? ' (related-items recipes take --item, personalized ones --user)'
          : '';
      throw usage(`Personalize refused the request: ${message}${status}${hint}`);
    }
    throw new CommandError(`${asked.kind} ${asked.name}: ${message}${status}`, EXIT.FAILED, { cause: error });
  }
  if (options.json) {
    io.out(
      JSON.stringify({
        [asked.kind === 'campaign' ? 'campaignArn' : 'recommenderArn']: source.arn,
        ...(options.user === undefined ? {} : { userId: options.user }),
        ...(options.item === undefined ? {} : { itemId: options.item }),
        ...(filter ? { filterArn: filter.arn } : {}),
        ...(recommendationId ? { recommendationId } : {}),
        items: items.map((item, index) => ({
          rank: index + 1,
          itemId: item.itemId,
          ...(item.score === undefined ? {} : { score: item.score }),
        })),
      }),
    );
  } else if (items.length === 0) {
    io.out('No recommendations.');
  } else {
    for (const line of recommendationLines(items)) io.out(line);
  }
  return EXIT.OK;
}

export async function recommendCommand(options: RecommendOptions, io: Output, deps?: RecommendDeps): Promise<number> {
  const clients = deps ?? { personalize: new PersonalizeClient({}), runtime: new PersonalizeRuntimeClient({}) };
  try {
    return await recommend(options, io, clients);
  } catch (error) {
    return reportError('recommend', error, io);
  } finally {
    if (!deps) {
      clients.personalize.destroy();
      clients.runtime.destroy();
    }
  }
}
