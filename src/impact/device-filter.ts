/**
 * The device-filter rule language of Conditional Access (conditions.devices.deviceFilter.rule):
 * `device.<property> -<operator> <value>` comparisons joined by -and / -or, with parentheses.
 * Source: learn.microsoft.com/entra/identity/conditional-access/concept-condition-filters-for-devices
 * ("Supported operators and device properties for filters", "Policy behavior with filter for
 * devices"). A rule this parser cannot read is an error, never a guess.
 */
import type { DeviceProperties } from './sign-in.js';

export const POSITIVE_OPERATORS = ['eq', 'startsWith', 'endsWith', 'contains', 'in'] as const;
export const NEGATIVE_OPERATORS = ['ne', 'notStartsWith', 'notEndsWith', 'notContains', 'notIn'] as const;
export type FilterOperator = (typeof POSITIVE_OPERATORS)[number] | (typeof NEGATIVE_OPERATORS)[number];
const OPERATORS: readonly FilterOperator[] = [...POSITIVE_OPERATORS, ...NEGATIVE_OPERATORS];

/** The device properties Microsoft documents for filters. */
export const DEVICE_FILTER_PROPERTIES: readonly string[] = [
  'deviceId', 'displayName', 'deviceOwnership', 'enrollmentProfileName', 'isCompliant', 'manufacturer', 'mdmAppId',
  'model', 'operatingSystem', 'operatingSystemVersion', 'physicalIds', 'profileType', 'systemLabels', 'trustType',
  ...Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
];

export type FilterExpression =
  | { type: 'and' | 'or'; left: FilterExpression; right: FilterExpression }
  | { type: 'compare'; property: string; operator: FilterOperator; value: string | string[] };

export type ParsedRule = { ok: true; expression: FilterExpression } | { ok: false; error: string };

type Token = { kind: 'word' | 'string' | 'op' | '(' | ')' | '[' | ']' | ','; text: string; at: number };

function tokenize(rule: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const ch = rule[i] as string;
    if (/\s/.test(ch)) { i++; continue; }
    if ('()[],'.includes(ch)) { tokens.push({ kind: ch as Token['kind'], text: ch, at: i }); i++; continue; }
    if (ch === '"' || ch === "'") {
      const end = rule.indexOf(ch, i + 1);
      if (end < 0) return `unterminated string at character ${i + 1}`;
      tokens.push({ kind: 'string', text: rule.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const match = /^-?[A-Za-z0-9_.]+/.exec(rule.slice(i));
    if (!match) return `unexpected "${ch}" at character ${i + 1}`;
    tokens.push({ kind: match[0].startsWith('-') ? 'op' : 'word', text: match[0], at: i });
    i += match[0].length;
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterExpression {
    const expression = this.or();
    const extra = this.tokens[this.position];
    if (extra) throw new Error(`unexpected "${extra.text}" at character ${extra.at + 1}`);
    return expression;
  }

  private or(): FilterExpression {
    let left = this.and();
    while (this.peekOp('-or')) { this.position++; left = { type: 'or', left, right: this.and() }; }
    return left;
  }

  private and(): FilterExpression {
    let left = this.primary();
    while (this.peekOp('-and')) { this.position++; left = { type: 'and', left, right: this.primary() }; }
    return left;
  }

  private primary(): FilterExpression {
    const token = this.next('a comparison or "("');
    if (token.kind === '(') {
      const inner = this.or();
      if (this.next('")"').kind !== ')') throw new Error(`missing ")" for the "(" at character ${token.at + 1}`);
      return inner;
    }
    if (token.kind !== 'word' || !/^device\./i.test(token.text)) throw new Error(`expected device.<property> at character ${token.at + 1}, found "${token.text}"`);
    const name = token.text.slice('device.'.length);
    const property = DEVICE_FILTER_PROPERTIES.find((p) => p.toLowerCase() === name.toLowerCase());
    if (!property) throw new Error(`"${name}" is not a device property filters support`);
    const opToken = this.next('an operator');
    const operator = OPERATORS.find((o) => `-${o}`.toLowerCase() === opToken.text.toLowerCase());
    if (opToken.kind !== 'op' || !operator) throw new Error(`"${opToken.text}" at character ${opToken.at + 1} is not a supported operator`);
    return { type: 'compare', property, operator, value: operator === 'in' || operator === 'notIn' ? this.list() : this.scalar() };
  }

  private scalar(): string {
    const token = this.next('a value');
    if (token.kind === 'string' || (token.kind === 'word' && /^(true|false)$/i.test(token.text))) return token.text;
    throw new Error(`expected a quoted value at character ${token.at + 1}, found "${token.text}"`);
  }

  private list(): string[] {
    const open = this.next('"["');
    if (open.kind !== '[') throw new Error(`expected "[" after -in/-notIn at character ${open.at + 1}`);
    const values: string[] = [];
    for (;;) {
      values.push(this.scalar());
      const sep = this.next('"," or "]"');
      if (sep.kind === ']') return values;
      if (sep.kind !== ',') throw new Error(`expected "," or "]" at character ${sep.at + 1}`);
    }
  }

  private peekOp(text: string): boolean {
    const token = this.tokens[this.position];
    return token?.kind === 'op' && token.text.toLowerCase() === text;
  }

  private next(expected: string): Token {
    const token = this.tokens[this.position++];
    if (!token) throw new Error(`the rule ends where ${expected} was expected`);
    return token;
  }
}

/** Parses a device-filter rule; the error says where and why it cannot be read. */
export function parseDeviceFilterRule(rule: string): ParsedRule {
  const tokens = tokenize(rule);
  if (typeof tokens === 'string') return { ok: false, error: tokens };
  if (tokens.length === 0) return { ok: false, error: 'the rule is empty' };
  try {
    return { ok: true, expression: new Parser(tokens).parse() };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

function propertyValue(device: DeviceProperties | undefined, property: string): string | readonly string[] | null {
  if (!device) return null;
  const key = Object.keys(device).find((k) => k.toLowerCase() === property.toLowerCase());
  const value = key === undefined ? undefined : device[key];
  if (value === undefined) return null;
  return typeof value === 'boolean' ? String(value) : value;
}

function compareString(actual: string, operator: FilterOperator, expected: string | string[]): boolean {
  const a = actual.toLowerCase();
  const list = (Array.isArray(expected) ? expected : [expected]).map((v) => v.toLowerCase());
  const e = list[0] ?? '';
  switch (operator) {
    case 'eq': return a === e;
    case 'ne': return a !== e;
    case 'startsWith': return a.startsWith(e);
    case 'notStartsWith': return !a.startsWith(e);
    case 'endsWith': return a.endsWith(e);
    case 'notEndsWith': return !a.endsWith(e);
    case 'contains': return a.includes(e);
    case 'notContains': return !a.includes(e);
    case 'in': return list.includes(a);
    case 'notIn': return !list.includes(a);
  }
}

function compare(device: DeviceProperties | undefined, expression: Extract<FilterExpression, { type: 'compare' }>): boolean {
  const actual = propertyValue(device, expression.property);
  const negative = (NEGATIVE_OPERATORS as readonly string[]).includes(expression.operator);
  // An unregistered device (or a property it lacks) has null values: positive operators never
  // match, negative ones always do (Microsoft's "Policy behavior with filter for devices").
  if (actual === null) return negative;
  if (Array.isArray(actual)) {
    // For collections (physicalIds, systemLabels), contains means "one element is exactly".
    const hit = actual.some((element) => element.toLowerCase() === String(expression.value).toLowerCase());
    return expression.operator === 'notContains' ? !hit : expression.operator === 'contains' ? hit : false;
  }
  return compareString(actual as string, expression.operator, expression.value);
}

/** Whether the device matches the rule. No device: an unregistered one. */
export function matchesDeviceFilter(expression: FilterExpression, device: DeviceProperties | undefined): boolean {
  if (expression.type === 'compare') return compare(device, expression);
  if (expression.type === 'and') return matchesDeviceFilter(expression.left, device) && matchesDeviceFilter(expression.right, device);
  return matchesDeviceFilter(expression.left, device) || matchesDeviceFilter(expression.right, device);
}
