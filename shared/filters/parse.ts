/**
 * A parser for the Amazon Personalize filter language
 * (`INCLUDE|EXCLUDE ItemID|UserID|ActionID WHERE ... [IF CurrentUser...]`,
 * expressions joined with `|`). Used by the parameter-file validator and by
 * the Personalize emulator, so both accept and reject the same expressions.
 */

export type FilterAction = 'INCLUDE' | 'EXCLUDE';
export type FilterEntity = 'ItemID' | 'UserID' | 'ActionID';
export type FilterDataset = 'Interactions' | 'Items' | 'Users' | 'Actions' | 'ActionInteractions';
export type ComparisonOperator = 'IN' | 'NOT IN' | '=' | '!=' | '<' | '<=' | '>' | '>=';

export type FilterValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'parameter'; readonly name: string }
  | { readonly kind: 'current'; readonly scope: 'CurrentItem' | 'CurrentUser'; readonly field: string };

export interface FilterCondition {
  /** `Items`, `Interactions`... for WHERE conditions; `CurrentUser` or `CurrentItem` for IF conditions. */
  readonly dataset: FilterDataset | 'CurrentUser' | 'CurrentItem';
  readonly field: string;
  readonly operator: ComparisonOperator;
  readonly values: readonly FilterValue[];
  /** 1-based column of the condition's first character. */
  readonly column: number;
}

export interface FilterPart {
  readonly action: FilterAction;
  readonly entity: FilterEntity;
  readonly conditions: readonly FilterCondition[];
  /** Connectors between consecutive conditions (length = conditions.length - 1). */
  readonly connectors: readonly ('AND' | 'OR')[];
  readonly ifConditions: readonly FilterCondition[];
}

export interface ParsedFilter {
  readonly parts: readonly FilterPart[];
  /** Names of every `$PARAMETER` used, in order of first appearance. */
  readonly parameters: readonly string[];
}

export type FilterParseResult =
  | { readonly ok: true; readonly filter: ParsedFilter }
  | { readonly ok: false; readonly message: string; readonly column: number };

export const MAX_FILTER_EXPRESSION_LENGTH = 2500;

const DATASETS: readonly FilterDataset[] = ['Interactions', 'Items', 'Users', 'Actions', 'ActionInteractions'];
const ENTITIES: readonly FilterEntity[] = ['ItemID', 'UserID', 'ActionID'];

/** Which datasets a filter on each entity may reference. */
export const DATASETS_BY_ENTITY: Readonly<Record<FilterEntity, readonly FilterDataset[]>> = {
  ItemID: ['Items', 'Interactions'],
  UserID: ['Users', 'Interactions', 'Items'],
  ActionID: ['Actions', 'ActionInteractions'],
};

type TokenKind = 'word' | 'string' | 'number' | 'parameter' | 'symbol' | 'end';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly column: number;
}

class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    const column = i + 1;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '"') {
      let j = i + 1;
      let value = '';
      while (j < source.length && source[j] !== '"') {
        if (source[j] === '\\' && j + 1 < source.length) j += 1;
        value += source[j];
        j += 1;
      }
      if (j >= source.length) throw new FilterSyntaxError('unterminated string (missing closing ")', column);
      tokens.push({ kind: 'string', text: value, column });
      i = j + 1;
    } else if (ch === '$') {
      const match = /^\$[A-Za-z0-9_]+/.exec(source.slice(i));
      if (!match) throw new FilterSyntaxError('"$" must start a parameter name such as $GENRES', column);
      tokens.push({ kind: 'parameter', text: match[0].slice(1), column });
      i += match[0].length;
    } else if (/[-\d]/.test(ch)) {
      const match = /^-?\d+(\.\d+)?/.exec(source.slice(i));
      if (!match) throw new FilterSyntaxError(`unexpected "${ch}"`, column);
      tokens.push({ kind: 'number', text: match[0], column });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'word', text: match[0], column });
      i += match[0].length;
    } else {
      const two = source.slice(i, i + 2);
      const symbol = ['!=', '<=', '>='].includes(two) ? two : ch;
      if (!['(', ')', ',', '|', '.', '=', '<', '>', '!=', '<=', '>='].includes(symbol)) {
        throw new FilterSyntaxError(`unexpected character "${ch}"`, column);
      }
      tokens.push({ kind: 'symbol', text: symbol, column });
      i += symbol.length;
    }
  }
  tokens.push({ kind: 'end', text: '', column: source.length + 1 });
  return tokens;
}

class Parser {
  private index = 0;
  readonly parameters: string[] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] ?? (this.tokens.at(-1) as Token);
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toUpperCase() === word;
  }

  private isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.text === symbol;
  }

  private fail(expected: string, token: Token = this.peek()): never {
    const found =
      token.kind === 'end'
        ? 'the end of the expression'
        : `"${token.kind === 'string' ? `"${token.text}"` : token.text}"`;
    throw new FilterSyntaxError(`expected ${expected}, found ${found}`, token.column);
  }

  private expectWord(word: string): void {
    if (!this.isWord(word)) this.fail(word);
    this.next();
  }

  private expectSymbol(symbol: string): void {
    if (!this.isSymbol(symbol)) this.fail(`"${symbol}"`);
    this.next();
  }

  parseFilter(): ParsedFilter {
    const parts = [this.parsePart()];
    while (this.isSymbol('|')) {
      this.next();
      parts.push(this.parsePart());
    }
    if (this.peek().kind !== 'end') this.fail('"|" or the end of the expression');
    return { parts, parameters: this.parameters };
  }

  private parsePart(): FilterPart {
    const actionToken = this.peek();
    const action = actionToken.text.toUpperCase();
    if (actionToken.kind !== 'word' || (action !== 'INCLUDE' && action !== 'EXCLUDE')) this.fail('INCLUDE or EXCLUDE');
    this.next();
    const entityToken = this.next();
    const entity = ENTITIES.find((e) => e.toUpperCase() === entityToken.text.toUpperCase());
    if (entityToken.kind !== 'word' || !entity) this.fail('ItemID, UserID or ActionID', entityToken);
    this.expectWord('WHERE');
    const conditions = [this.parseCondition('where')];
    const connectors: ('AND' | 'OR')[] = [];
    while (this.isWord('AND') || this.isWord('OR')) {
      const connectorToken = this.next();
      const connector = connectorToken.text.toUpperCase() as 'AND' | 'OR';
      const condition = this.parseCondition('where');
      const first = conditions[0] as FilterCondition;
      if (condition.dataset !== first.dataset) {
        throw new FilterSyntaxError(
          `${connector} can only join conditions on the same dataset (${first.dataset} and ${condition.dataset}); use "|" to combine separate expressions`,
          condition.column,
        );
      }
      connectors.push(connector);
      conditions.push(condition);
    }
    const ifConditions: FilterCondition[] = [];
    if (this.isWord('IF')) {
      this.next();
      ifConditions.push(this.parseCondition('if'));
      while (this.isWord('AND')) {
        this.next();
        ifConditions.push(this.parseCondition('if'));
      }
    }
    return { action: action as FilterAction, entity, conditions, connectors, ifConditions };
  }

  private parseCondition(context: 'where' | 'if'): FilterCondition {
    const start = this.peek();
    const datasetToken = this.next();
    const allowed = context === 'if' ? ['CurrentUser'] : DATASETS;
    const dataset = allowed.find((d) => d.toUpperCase() === datasetToken.text.toUpperCase());
    if (datasetToken.kind !== 'word' || !dataset) {
      this.fail(context === 'if' ? 'CurrentUser.<field> after IF' : `a dataset (${DATASETS.join(', ')})`, datasetToken);
    }
    this.expectSymbol('.');
    const fieldToken = this.next();
    if (fieldToken.kind !== 'word') this.fail(`a field name after ${dataset}.`, fieldToken);
    const operator = this.parseOperator(`${dataset}.${fieldToken.text}`);
    const values = operator === 'IN' || operator === 'NOT IN' ? this.parseList(operator) : [this.parseValue(false)];
    return {
      dataset: dataset as FilterCondition['dataset'],
      field: fieldToken.text,
      operator,
      values,
      column: start.column,
    };
  }

  private parseOperator(subject: string): ComparisonOperator {
    const token = this.peek();
    if (token.kind === 'word' && token.text.toUpperCase() === 'IN') {
      this.next();
      return 'IN';
    }
    if (token.kind === 'word' && token.text.toUpperCase() === 'NOT') {
      this.next();
      this.expectWord('IN');
      return 'NOT IN';
    }
    if (token.kind === 'symbol' && ['=', '!=', '<', '<=', '>', '>='].includes(token.text)) {
      this.next();
      return token.text as ComparisonOperator;
    }
    return this.fail(`IN, NOT IN, =, !=, <, <=, > or >= after ${subject}`);
  }

  private parseList(operator: 'IN' | 'NOT IN'): FilterValue[] {
    this.expectSymbol('(');
    const values = [this.parseValue(true)];
    while (this.isSymbol(',')) {
      this.next();
      values.push(this.parseValue(true));
    }
    this.expectSymbol(')');
    if (operator === 'NOT IN') {
      const parameter = values.find((v) => v.kind === 'parameter');
      if (parameter) {
        throw new FilterSyntaxError(
          'parameters cannot be used with NOT IN; use EXCLUDE ... IN ($PARAM) instead',
          this.peek().column,
        );
      }
    }
    return values;
  }

  private parseValue(inList: boolean): FilterValue {
    const token = this.next();
    if (token.kind === 'string' && inList) return { kind: 'string', value: token.text };
    if (token.kind === 'number') return { kind: 'number', value: Number(token.text) };
    if (token.kind === 'parameter') {
      if (!this.parameters.includes(token.text)) this.parameters.push(token.text);
      return { kind: 'parameter', name: token.text };
    }
    const scope =
      token.kind === 'word'
        ? ['CurrentItem', 'CurrentUser'].find((s) => s.toUpperCase() === token.text.toUpperCase())
        : undefined;
    if (scope) {
      this.expectSymbol('.');
      const field = this.next();
      if (field.kind !== 'word') this.fail(`a field name after ${scope}.`, field);
      return { kind: 'current', scope: scope as 'CurrentItem' | 'CurrentUser', field: field.text };
    }
    return this.fail(inList ? 'a quoted string, a number or a $PARAMETER' : 'a number or a $PARAMETER', token);
  }
}

/** Parses a filter expression. Never throws; errors carry a 1-based column. */
export function parseFilterExpression(source: string): FilterParseResult {
  if (source.length > MAX_FILTER_EXPRESSION_LENGTH) {
    return {
      ok: false,
      message: `is ${source.length} characters long; the limit is ${MAX_FILTER_EXPRESSION_LENGTH}`,
      column: 1,
    };
  }
  try {
    const parser = new Parser(tokenize(source));
    return { ok: true, filter: parser.parseFilter() };
  } catch (error) {
    if (error instanceof FilterSyntaxError) return { ok: false, message: error.message, column: error.column };
    throw error;
  }
}
