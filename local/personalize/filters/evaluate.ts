import type {
  FilterCondition,
  FilterEntity,
  FilterPart,
  FilterValue,
  ParsedFilter,
} from '../../../shared/filters/parse.js';
import { invalidInput } from '../errors.js';
import type { DatasetValue } from '../import/field-values.js';
import { type FilterParameterValues, parseFilterValues } from './filter-values.js';

/**
 * Applies a parsed filter the way Personalize does at recommendation time:
 * (union of the INCLUDE expressions, or every candidate when there is none)
 * minus (union of the EXCLUDE expressions). Everything that depends only on
 * the request (parameters, the current user's interactions, IF clauses) is
 * worked out once; the predicate then costs a few lookups per candidate.
 */

/** A metadata record: schema field name → typed value (as read back from a dataset). */
export type MetadataRecord = Readonly<Record<string, DatasetValue>>;

/** One interaction of a user: the item (or action) id, its event type and when it happened (epoch seconds). */
export interface InteractionRecord {
  readonly id: string;
  readonly eventType: string | null;
  readonly timestamp: number;
}

/**
 * The data a filter reads. Datasets the dataset group lacks are left out; the
 * interaction accessors return a user's interactions in any order (the
 * evaluator keeps the latest {@link INTERACTIONS_PER_EVENT_TYPE} per event type).
 */
export interface FilterDataView {
  readonly items?: ReadonlyMap<string, MetadataRecord>;
  readonly users?: ReadonlyMap<string, MetadataRecord>;
  readonly actions?: ReadonlyMap<string, MetadataRecord>;
  interactionsOf?(userId: string): readonly InteractionRecord[];
  actionInteractionsOf?(userId: string): readonly InteractionRecord[];
}

export interface FilterRequest {
  readonly filter: ParsedFilter;
  /** What the candidates are: items (recommendations), users (segments) or actions. */
  readonly entity: FilterEntity;
  readonly data: FilterDataView;
  /** The user recommendations are for: Interactions conditions and `IF CurrentUser.<f>` read this user. */
  readonly userId?: string | undefined;
  /** The item of a related-items request: `CurrentItem.<f>` reads this item. */
  readonly itemId?: string | undefined;
  /** The runtime's `filterValues`, as sent. */
  readonly filterValues?: Readonly<Record<string, unknown>> | undefined;
}

/** Keeps a candidate (true) or filters it out (false). */
export type CandidatePredicate = (candidateId: string) => boolean;

/** Interaction filters see each user's latest 100 interactions per event type. */
export const INTERACTIONS_PER_EVENT_TYPE = 100;

const EVERY_EVENT_TYPE = '*';
const MULTI_VALUE_SEPARATOR = '|';

type Operand = string | number;

interface RequestContext {
  readonly request: FilterRequest;
  readonly parameters: FilterParameterValues;
  readonly part: FilterPart;
  /** Memo of latest-window interactions per user and dataset. */
  readonly windows: Map<string, readonly InteractionRecord[]>;
}

/**
 * Builds the predicate for one request.
 *
 * @throws PersonalizeApiError InvalidInputException when `filterValues` is malformed, an INCLUDE
 * expression uses a parameter `filterValues` lacks, a range comparison gets a non-number or several
 * values, the filter uses `CurrentItem` without an item id, or it filters another entity than `entity`.
 */
export function compileFilter(request: FilterRequest): CandidatePredicate {
  const parameters = parseFilterValues(request.filterValues);
  const windows = new Map<string, readonly InteractionRecord[]>();
  const includes: CandidatePredicate[] = [];
  const excludes: CandidatePredicate[] = [];
  for (const part of request.filter.parts) {
    if (part.entity !== request.entity) {
      throw invalidInput(
        `The filter filters ${part.entity}, but this request returns ${request.entity}: use a filter whose expressions start with INCLUDE ${request.entity} or EXCLUDE ${request.entity}`,
      );
    }
    const missing = missingParameters(part, parameters);
    if (missing.length > 0) {
      if (part.action === 'EXCLUDE') continue;
      throw invalidInput(
        `Missing filter values for ${missing.map((name) => `$${name}`).join(', ')}: an INCLUDE expression needs a value for every parameter it uses`,
      );
    }
    const ctx: RequestContext = { request, parameters, part, windows };
    if (!part.ifConditions.every((condition) => currentUserMatches(condition, ctx))) continue;
    (part.action === 'INCLUDE' ? includes : excludes).push(compilePart(ctx));
  }
  const included: CandidatePredicate =
    includes.length === 0 ? () => true : (id) => includes.some((predicate) => predicate(id));
  if (excludes.length === 0) return included;
  return (id) => included(id) && !excludes.some((predicate) => predicate(id));
}

/**
 * Convenience for one-off checks: {@link compileFilter} applied to `candidates`, in order.
 *
 * @throws PersonalizeApiError as {@link compileFilter}.
 */
export function applyFilter(request: FilterRequest, candidates: readonly string[]): string[] {
  const keep = compileFilter(request);
  return candidates.filter(keep);
}

function missingParameters(part: FilterPart, parameters: FilterParameterValues): string[] {
  const names = new Set<string>();
  for (const condition of [...part.conditions, ...part.ifConditions]) {
    for (const value of condition.values) {
      if (value.kind === 'parameter' && !parameters.has(value.name)) names.add(value.name);
    }
  }
  return [...names];
}

/** Conditions joined by AND bind tighter than OR, as in SQL: `a OR b AND c` is `a OR (b AND c)`. */
function compilePart(ctx: RequestContext): CandidatePredicate {
  const { conditions, connectors } = ctx.part;
  const groups: CandidatePredicate[][] = [[]];
  conditions.forEach((condition, index) => {
    if (index > 0 && connectors[index - 1] === 'OR') groups.push([]);
    (groups.at(-1) as CandidatePredicate[]).push(compileCondition(condition, ctx));
  });
  return (id) => groups.some((group) => group.every((predicate) => predicate(id)));
}

function compileCondition(condition: FilterCondition, ctx: RequestContext): CandidatePredicate {
  const { entity, data } = ctx.request;
  const operands = resolveOperands(condition, ctx);
  switch (condition.dataset) {
    case 'Items':
      if (entity === 'ItemID') return metadataPredicate(data.items, condition, operands);
      if (entity === 'UserID') return interactedWithMatching(condition, operands, ctx);
      break;
    case 'Users':
      if (entity === 'UserID') return metadataPredicate(data.users, condition, operands);
      break;
    case 'Actions':
      if (entity === 'ActionID') return metadataPredicate(data.actions, condition, operands);
      break;
    case 'Interactions':
    case 'ActionInteractions':
      if ((condition.dataset === 'Interactions') === (entity !== 'ActionID'))
        return eventTypePredicate(condition, operands, ctx);
      break;
    default:
      break;
  }
  throw invalidInput(`Invalid filter: a filter on ${entity} cannot use ${condition.dataset}.${condition.field}`);
}

function resolveOperands(condition: FilterCondition, ctx: RequestContext): Operand[] {
  const operands: Operand[] = [];
  for (const value of condition.values) operands.push(...resolveValue(value, ctx));
  const ranged = condition.operator !== 'IN' && condition.operator !== 'NOT IN' && condition.operator !== '=';
  if (ranged && condition.operator !== '!=') {
    const only = operands[0];
    const number = typeof only === 'string' ? Number(only) : only;
    if (operands.length !== 1 || number === undefined || only === '' || !Number.isFinite(number)) {
      throw invalidInput(
        `Invalid filter value for ${condition.dataset}.${condition.field} ${condition.operator}: expected exactly one number, got ${JSON.stringify(operands)}`,
      );
    }
    return [number];
  }
  return operands;
}

function resolveValue(value: FilterValue, ctx: RequestContext): readonly Operand[] {
  switch (value.kind) {
    case 'string':
    case 'number':
      return [value.value];
    case 'parameter':
      return ctx.parameters.get(value.name) ?? [];
    case 'current': {
      const { data, userId, itemId } = ctx.request;
      const id = value.scope === 'CurrentItem' ? itemId : userId;
      if (id === undefined) {
        throw invalidInput(
          `The filter uses ${value.scope}.${value.field}, which needs ${value.scope === 'CurrentItem' ? 'an itemId (related-items recipes)' : 'a userId'} in the request`,
        );
      }
      const records = value.scope === 'CurrentItem' ? data.items : data.users;
      return splitValue(records?.get(id)?.[value.field]);
    }
  }
}

/** A metadata value as the operands it matches: multi-value strings split on `|`; null/absent → none. */
function splitValue(value: DatasetValue | undefined): Operand[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return value.split(MULTI_VALUE_SEPARATOR);
  if (typeof value === 'boolean') return [String(value)];
  return [value];
}

function sameOperand(a: Operand, b: Operand): boolean {
  if (typeof a === typeof b) return a === b;
  // A number field against a quoted parameter value ("10"), or the reverse.
  return Number(a) === Number(b) && String(a).trim() !== '' && String(b).trim() !== '';
}

/**
 * Whether a record's values satisfy `operator operands`. A missing value is in no
 * list: it fails IN, =, and ranges, and passes NOT IN and !=.
 */
function valuesMatch(values: readonly Operand[], operator: FilterCondition['operator'], operands: readonly Operand[]) {
  switch (operator) {
    case 'IN':
    case '=':
      return values.some((v) => operands.some((o) => sameOperand(v, o)));
    case 'NOT IN':
    case '!=':
      return !values.some((v) => operands.some((o) => sameOperand(v, o)));
    default: {
      const bound = operands[0] as number;
      return values.some((v) => {
        const n = typeof v === 'number' ? v : Number(v);
        if (typeof v === 'string' && v.trim() === '') return false;
        if (!Number.isFinite(n)) return false;
        if (operator === '<') return n < bound;
        if (operator === '<=') return n <= bound;
        if (operator === '>') return n > bound;
        return n >= bound;
      });
    }
  }
}

function metadataPredicate(
  records: ReadonlyMap<string, MetadataRecord> | undefined,
  condition: FilterCondition,
  operands: readonly Operand[],
): CandidatePredicate {
  const { field, operator } = condition;
  return (id) => valuesMatch(splitValue(records?.get(id)?.[field]), operator, operands);
}

function currentUserMatches(condition: FilterCondition, ctx: RequestContext): boolean {
  const { userId, data } = ctx.request;
  // Without a user (related items, anonymous ranking) there is nothing for the IF clause to hold on.
  if (userId === undefined) return false;
  const operands = resolveOperands(condition, ctx);
  return valuesMatch(splitValue(data.users?.get(userId)?.[condition.field]), condition.operator, operands);
}

/** The latest interactions of a user, at most {@link INTERACTIONS_PER_EVENT_TYPE} per event type. */
function latestWindow(userId: string, dataset: 'Interactions' | 'ActionInteractions', ctx: RequestContext) {
  const key = `${dataset}\u0000${userId}`;
  const cached = ctx.windows.get(key);
  if (cached) return cached;
  const { data } = ctx.request;
  const all = (dataset === 'Interactions' ? data.interactionsOf?.(userId) : data.actionInteractionsOf?.(userId)) ?? [];
  const byType = new Map<string, InteractionRecord[]>();
  for (const interaction of all) {
    const type = eventTypeKey(interaction.eventType);
    const list = byType.get(type);
    if (list) list.push(interaction);
    else byType.set(type, [interaction]);
  }
  const window: InteractionRecord[] = [];
  for (const list of byType.values()) {
    list.sort((a, b) => b.timestamp - a.timestamp);
    window.push(...list.slice(0, INTERACTIONS_PER_EVENT_TYPE));
  }
  ctx.windows.set(key, window);
  return window;
}

/** Personalize ignores case only when matching event types. Null event types are matched only by "*". */
const eventTypeKey = (eventType: string | null): string => (eventType === null ? '\u0000' : eventType.toLowerCase());

function eventTypeTest(
  condition: FilterCondition,
  operands: readonly Operand[],
): (eventType: string | null) => boolean {
  if (condition.field.toUpperCase() !== 'EVENT_TYPE') {
    throw invalidInput(
      `Invalid filter: ${condition.dataset} conditions can only use EVENT_TYPE, not ${condition.field}`,
    );
  }
  const wanted = new Set(operands.map((o) => eventTypeKey(String(o))));
  const every = wanted.has(EVERY_EVENT_TYPE);
  const listed = (eventType: string | null) => every || wanted.has(eventTypeKey(eventType));
  switch (condition.operator) {
    case 'IN':
    case '=':
      return listed;
    case 'NOT IN':
    case '!=':
      return (eventType) => !listed(eventType);
    default:
      throw invalidInput(`Invalid filter: ${condition.dataset}.EVENT_TYPE can only be used with IN or NOT IN`);
  }
}

/**
 * Items/actions: those the current user interacted with under a matching event type.
 * Users (segments): users with an interaction of a matching event type.
 */
function eventTypePredicate(
  condition: FilterCondition,
  operands: readonly Operand[],
  ctx: RequestContext,
): CandidatePredicate {
  const matches = eventTypeTest(condition, operands);
  const dataset = condition.dataset as 'Interactions' | 'ActionInteractions';
  if (ctx.request.entity === 'UserID') {
    return (userId) => latestWindow(userId, dataset, ctx).some((i) => matches(i.eventType));
  }
  const { userId } = ctx.request;
  const ids = new Set<string>();
  if (userId !== undefined) {
    for (const interaction of latestWindow(userId, dataset, ctx)) {
      if (matches(interaction.eventType)) ids.add(interaction.id);
    }
  }
  return (id) => ids.has(id);
}

/** Segments on item metadata: users who interacted with at least one item that satisfies the condition. */
function interactedWithMatching(
  condition: FilterCondition,
  operands: readonly Operand[],
  ctx: RequestContext,
): CandidatePredicate {
  const itemMatches = metadataPredicate(ctx.request.data.items, condition, operands);
  return (userId) => latestWindow(userId, 'Interactions', ctx).some((i) => itemMatches(i.id));
}
