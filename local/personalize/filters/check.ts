import {
  type ComparisonOperator,
  DATASETS_BY_ENTITY,
  type FilterCondition,
  type FilterDataset,
  type ParsedFilter,
} from '../../../shared/filters/parse.js';
import type { DatasetSchema, SchemaField } from '../../../shared/personalize/dataset-schema.js';

/**
 * What CreateFilter checks against the dataset group's datasets: every
 * referenced dataset and field exists, interaction conditions use EVENT_TYPE,
 * string fields are categorical, booleans are not filtered on, and range
 * operators compare numbers.
 */

/** The schemas of the datasets a dataset group has, by the name filter expressions use. */
export type FilterSchemas = Readonly<Partial<Record<FilterDataset, DatasetSchema>>>;

/** A filter may use at most this many distinct fields (PERSONALIZE.md, quotas). */
export const MAX_FIELDS_PER_FILTER = 10;

const NUMERIC_TYPES: readonly SchemaField['type'][] = ['int', 'long', 'float', 'double'];
const RANGE_OPERATORS: readonly ComparisonOperator[] = ['<', '<=', '>', '>='];
/** Ids are plain strings in every schema, yet filters may compare them. */
const ID_FIELDS: ReadonlySet<string> = new Set(['ITEM_ID', 'USER_ID', 'ACTION_ID']);

/**
 * Every reason `parsed` cannot work with `schemas`, each a complete message
 * starting "Invalid filter expression: " (empty when the filter is fine).
 * Never throws: the caller decides between failing the request and failing the filter.
 */
export function checkFilterForDatasets(parsed: ParsedFilter, schemas: FilterSchemas): string[] {
  const problems: string[] = [];
  const fieldsUsed = new Set<string>();
  for (const part of parsed.parts) {
    for (const condition of part.conditions) {
      const dataset = condition.dataset as FilterDataset;
      if (!DATASETS_BY_ENTITY[part.entity].includes(dataset)) {
        problems.push(`a filter on ${part.entity} cannot use the ${dataset} dataset`);
        continue;
      }
      fieldsUsed.add(`${dataset}.${condition.field}`);
      problems.push(...checkCondition(dataset, condition, schemas));
      for (const value of condition.values) {
        if (value.kind !== 'current') continue;
        const from = value.scope === 'CurrentItem' ? 'Items' : 'Users';
        fieldsUsed.add(`${from}.${value.field}`);
        const problem = findField(from, value.field, schemas);
        if (typeof problem === 'string') problems.push(`${value.scope}.${value.field}: ${problem}`);
      }
    }
    for (const condition of part.ifConditions) {
      fieldsUsed.add(`Users.${condition.field}`);
      problems.push(...checkCondition('Users', condition, schemas, 'CurrentUser'));
    }
  }
  if (fieldsUsed.size > MAX_FIELDS_PER_FILTER) {
    problems.push(
      `the filter uses ${fieldsUsed.size} distinct fields; a filter can use at most ${MAX_FIELDS_PER_FILTER}`,
    );
  }
  return [...new Set(problems)].map((problem) => `Invalid filter expression: ${problem}`);
}

function findField(dataset: FilterDataset, name: string, schemas: FilterSchemas): SchemaField | string {
  const schema = schemas[dataset];
  if (!schema) return `the dataset group has no ${dataset} dataset`;
  const field = schema.fields.find((f) => f.name === name);
  return field ?? `the ${dataset} dataset has no field ${name} (schema ${schema.name})`;
}

function checkCondition(
  dataset: FilterDataset,
  condition: FilterCondition,
  schemas: FilterSchemas,
  label: string = dataset,
): string[] {
  const subject = `${label}.${condition.field}`;
  const field = findField(dataset, condition.field, schemas);
  if (typeof field === 'string') return [label === dataset ? field : `${subject}: ${field}`];
  const interactions = dataset === 'Interactions' || dataset === 'ActionInteractions';
  if (interactions && field.name !== 'EVENT_TYPE') {
    return [`${subject}: ${dataset} conditions can only use EVENT_TYPE`];
  }
  if (interactions && condition.operator !== 'IN' && condition.operator !== 'NOT IN') {
    return [`${subject}: EVENT_TYPE can only be used with IN or NOT IN`];
  }
  if (field.type === 'boolean') return [`${subject} is a boolean field; filters cannot use boolean fields`];
  if (field.textual) return [`${subject} is a textual field; filters cannot use unstructured text`];
  if (field.type === 'string' && !field.categorical && !interactions && !ID_FIELDS.has(field.name)) {
    return [`${subject} is a string field that is not categorical; mark it "categorical": true to filter on it`];
  }
  if (RANGE_OPERATORS.includes(condition.operator) && !NUMERIC_TYPES.includes(field.type)) {
    return [
      `${subject} is of type ${field.type}; ${condition.operator} needs a numeric field (int, long, float, double)`,
    ];
  }
  const numberInList = condition.values.some((v) => v.kind === 'number');
  if (numberInList && field.type === 'string') {
    return [`${subject} is a string field; compare it with quoted strings, not numbers`];
  }
  return [];
}
