/**
 * The item attribute expressions of aws-item-attribute-affinity batch segment
 * jobs, kept minimal: `ITEMS.<FIELD> = "value"` (or `IN ("a", "b")`) conditions
 * joined by AND and OR, AND binding tighter. Multi-value fields (`a|b`) match
 * when any of their values does. Field names compare case-insensitively.
 */

/** Thrown for an expression outside that grammar. */
export class AttributeExpressionError extends Error {
  override readonly name = 'AttributeExpressionError';
}

interface Condition {
  readonly field: string;
  readonly values: ReadonlySet<string>;
}

const CONDITION = /^ITEMS\.([A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*"([^"]*)"|IN\s*\(\s*("[^"]*"(?:\s*,\s*"[^"]*")*)\s*\))$/i;

/** The expression as OR-of-AND groups of conditions. @throws AttributeExpressionError */
export function parseAttributeExpression(expression: string): Condition[][] {
  const groups = splitOutsideQuotes(expression.trim(), 'OR').map((group) =>
    splitOutsideQuotes(group, 'AND').map((text): Condition => {
      const match = CONDITION.exec(text.trim());
      if (!match) throw new AttributeExpressionError(`unsupported item attribute condition: ${text.trim()}`);
      const values =
        match[2] !== undefined ? [match[2]] : [...(match[3] ?? '').matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
      return { field: (match[1] as string).toUpperCase(), values: new Set(values) };
    }),
  );
  return groups;
}

function splitOutsideQuotes(text: string, keyword: 'AND' | 'OR'): string[] {
  const parts: string[] = [];
  const pattern = new RegExp(`\\s${keyword}\\s`, 'iy');
  let inQuotes = false;
  let start = 0;
  for (let at = 0; at < text.length; at += 1) {
    if (text[at] === '"') inQuotes = !inQuotes;
    if (inQuotes) continue;
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match) {
      parts.push(text.slice(start, at));
      start = at + match[0].length;
      at = start - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * The item indices whose attributes satisfy `expression`.
 *
 * @throws AttributeExpressionError when the expression is unsupported or names a field the items do not have.
 */
export function matchingItems(
  expression: string,
  attributes: Readonly<Record<string, readonly (string | null)[]>>,
  itemCount: number,
): number[] {
  const groups = parseAttributeExpression(expression);
  const columns = new Map(Object.entries(attributes).map(([name, column]) => [name.toUpperCase(), column]));
  for (const group of groups)
    for (const condition of group)
      if (!columns.has(condition.field))
        throw new AttributeExpressionError(`the items have no categorical field ${condition.field}`);
  const holds = (item: number, condition: Condition) => {
    const raw = columns.get(condition.field)?.[item];
    return raw?.split('|').some((value) => condition.values.has(value)) ?? false;
  };
  const out: number[] = [];
  for (let item = 0; item < itemCount; item += 1) {
    if (groups.some((group) => group.every((condition) => holds(item, condition)))) out.push(item);
  }
  return out;
}
