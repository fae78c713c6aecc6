import { DELIVERY_PROPERTIES, isDeliveryProperty, type DeliveryProperty, type SimDelivery } from './deliveries';

/**
 * The part of OData V2 $filter the simulator understands: comparisons of a property with a
 * literal (eq ne gt ge lt le), combined with and / or / not and parentheses. Literals: 'text'
 * ('' escapes a quote), datetime'2026-11-25T00:00:00', numbers, null. Anything else is a 400,
 * which is also what SAP answers for a filter it cannot apply.
 */
export type Predicate = (delivery: SimDelivery) => boolean;

export class FilterError extends Error {
  override readonly name = 'FilterError';
}

type Token = { kind: 'word' | 'string' | 'datetime' | 'number' | 'open' | 'close'; value: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\()|(\))|datetime'([^']*)'|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)(?![\w.])|([A-Za-z_][\w]*))/y;
  let position = 0;
  while (position < input.length) {
    if (/^\s*$/.test(input.slice(position))) break;
    pattern.lastIndex = position;
    const match = pattern.exec(input);
    if (!match) throw new FilterError(`Cannot read $filter at "${input.slice(position, position + 20)}"`);
    position = pattern.lastIndex;
    if (match[1]) tokens.push({ kind: 'open', value: '(' });
    else if (match[2]) tokens.push({ kind: 'close', value: ')' });
    else if (match[3] !== undefined) tokens.push({ kind: 'datetime', value: match[3] });
    else if (match[4] !== undefined) tokens.push({ kind: 'string', value: match[4].replace(/''/g, "'") });
    else if (match[5] !== undefined) tokens.push({ kind: 'number', value: match[5] });
    else tokens.push({ kind: 'word', value: match[6] as string });
  }
  return tokens;
}

const OPERATORS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

function comparable(property: DeliveryProperty, value: string | null): string | number | null {
  if (value === null) return null;
  const type = DELIVERY_PROPERTIES[property];
  if (type === 'Edm.DateTime') return Date.parse(value);
  if (type === 'Edm.Decimal') return Number(value);
  return value;
}

function literal(property: DeliveryProperty, token: Token | undefined): string | number | null {
  if (!token) throw new FilterError('A comparison lacks its value');
  const type = DELIVERY_PROPERTIES[property];
  if (token.kind === 'word' && token.value === 'null') return null;
  if (type === 'Edm.DateTime') {
    if (token.kind !== 'datetime') throw new FilterError(`${property} compares with datetime'...'`);
    const millis = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(token.value) ? token.value : `${token.value}Z`);
    if (Number.isNaN(millis)) throw new FilterError(`"${token.value}" is not a datetime`);
    return millis;
  }
  if (type === 'Edm.Decimal') {
    if (token.kind !== 'number' && token.kind !== 'string') throw new FilterError(`${property} compares with a number`);
    return Number(token.value);
  }
  if (token.kind !== 'string') throw new FilterError(`${property} compares with a quoted string`);
  return token.value;
}

function compare(operator: string, left: string | number | null, right: string | number | null): boolean {
  if (operator === 'eq') return left === right;
  if (operator === 'ne') return left !== right;
  if (left === null || right === null) return false;
  if (operator === 'gt') return left > right;
  if (operator === 'ge') return left >= right;
  if (operator === 'lt') return left < right;
  return left <= right;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Predicate {
    const predicate = this.or();
    if (this.index < this.tokens.length) throw new FilterError(`Unexpected "${this.tokens[this.index]?.value}" in $filter`);
    return predicate;
  }

  private peekWord(word: string): boolean {
    const token = this.tokens[this.index];
    return token?.kind === 'word' && token.value === word;
  }

  private or(): Predicate {
    let left = this.and();
    while (this.peekWord('or')) {
      this.index++;
      const l = left;
      const right = this.and();
      left = (d) => l(d) || right(d);
    }
    return left;
  }

  private and(): Predicate {
    let left = this.unary();
    while (this.peekWord('and')) {
      this.index++;
      const l = left;
      const right = this.unary();
      left = (d) => l(d) && right(d);
    }
    return left;
  }

  private unary(): Predicate {
    if (this.peekWord('not')) {
      this.index++;
      const inner = this.unary();
      return (d) => !inner(d);
    }
    const token = this.tokens[this.index];
    if (token?.kind === 'open') {
      this.index++;
      const inner = this.or();
      if (this.tokens[this.index]?.kind !== 'close') throw new FilterError('Missing ")" in $filter');
      this.index++;
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Predicate {
    const property = this.tokens[this.index++];
    if (property?.kind !== 'word' || !isDeliveryProperty(property.value)) {
      throw new FilterError(`Property "${property?.value ?? ''}" is not filterable on A_OutbDeliveryHeader`);
    }
    const operator = this.tokens[this.index++];
    if (operator?.kind !== 'word' || !OPERATORS.has(operator.value)) throw new FilterError(`Unsupported operator "${operator?.value ?? ''}"`);
    const name = property.value;
    const value = literal(name, this.tokens[this.index++]);
    return (delivery) => compare(operator.value, comparable(name, delivery[name]), value);
  }
}

export function parseFilter(filter: string | null): Predicate {
  if (filter === null || filter.trim() === '') return () => true;
  return new Parser(tokenize(filter)).parse();
}
