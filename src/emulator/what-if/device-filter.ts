/**
 * The device-filter rule language of Conditional Access (`devices.deviceFilter.rule`), as the
 * emulator's What If evaluates it: `device.<property> -<operator> <value>` joined by `-and` / `-or`
 * with parentheses; operators -eq -ne -startsWith -notStartsWith -endsWith -notEndsWith -contains
 * -notContains -in -notIn -match -notMatch; string values in double quotes, booleans bare, lists in
 * brackets. Comparisons of strings ignore case, as Entra's do. The emulator's own code: the client
 * has its own reading of the language, so the two can disagree and the tests see it.
 */

type Token = { t: 'lp' | 'rp' | 'and' | 'or' } | { t: 'cond'; prop: string; op: string; value: string | boolean | Array<string> };

const CONDITION = /^device\.(\w+)\s+-(\w+)\s+("(?:[^"\\]|\\.)*"|\[[^\]]*\]|true|false|True|False)/;

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, '$1');
}

function parseValue(raw: string): string | boolean | string[] {
  if (raw.startsWith('"')) return unquote(raw);
  if (raw.startsWith('[')) {
    return (raw.slice(1, -1).match(/"(?:[^"\\]|\\.)*"/g) ?? []).map(unquote);
  }
  return raw.toLowerCase() === 'true';
}

function tokenize(rule: string): Token[] | undefined {
  const out: Token[] = [];
  let rest = rule.trim();
  const words: Array<[RegExp, Token, number]> = [[/^\(/, { t: 'lp' }, 1], [/^\)/, { t: 'rp' }, 1], [/^-and\b/i, { t: 'and' }, 4], [/^-or\b/i, { t: 'or' }, 3]];
  while (rest !== '') {
    const word = words.find(([re]) => re.test(rest));
    if (word !== undefined) {
      out.push(word[1]);
      rest = rest.slice(word[2]);
    } else {
      const m = CONDITION.exec(rest);
      if (m === null) return undefined;
      out.push({ t: 'cond', prop: m[1]!, op: m[2]!.toLowerCase(), value: parseValue(m[3]!) });
      rest = rest.slice(m[0].length);
    }
    rest = rest.trimStart();
  }
  return out;
}

function compare(actual: unknown, op: string, value: string | boolean | string[]): boolean {
  const a = actual === undefined || actual === null ? '' : Array.isArray(actual) ? actual.map(String) : String(actual).toLowerCase();
  const v = typeof value === 'boolean' ? String(value) : Array.isArray(value) ? value.map((x) => x.toLowerCase()) : value.toLowerCase();
  const one = (x: string): boolean => {
    switch (op) {
      case 'eq': return x === v;
      case 'ne': return x !== v;
      case 'startswith': return typeof v === 'string' && x.startsWith(v);
      case 'notstartswith': return typeof v === 'string' && !x.startsWith(v);
      case 'endswith': return typeof v === 'string' && x.endsWith(v);
      case 'notendswith': return typeof v === 'string' && !x.endsWith(v);
      case 'contains': return typeof v === 'string' && x.includes(v);
      case 'notcontains': return typeof v === 'string' && !x.includes(v);
      case 'in': return Array.isArray(v) && v.includes(x);
      case 'notin': return Array.isArray(v) && !v.includes(x);
      case 'match': return typeof v === 'string' && new RegExp(v, 'i').test(x);
      case 'notmatch': return typeof v === 'string' && !new RegExp(v, 'i').test(x);
      default: return false;
    }
  };
  // A multi-valued property (physicalIds, systemLabels) matches when any value does.
  return Array.isArray(a) ? a.some((x) => one(x.toLowerCase())) : one(a);
}

/** Whether `device` matches `rule`; undefined when the rule cannot be read. */
export function deviceMatches(rule: string, device: Record<string, unknown>): boolean | undefined {
  const tokens = tokenize(rule);
  if (tokens === undefined || tokens.length === 0) return undefined;
  let i = 0;
  const lookup = (prop: string): unknown => {
    const key = Object.keys(device).find((k) => k.toLowerCase() === prop.toLowerCase());
    return key === undefined ? undefined : device[key];
  };
  // or-expression := and-expression (-or and-expression)*; and-expression := primary (-and primary)*
  const primary = (): boolean | undefined => {
    const tok = tokens[i++];
    if (tok === undefined) return undefined;
    if (tok.t === 'lp') {
      const inner = orExpr();
      return tokens[i++]?.t === 'rp' ? inner : undefined;
    }
    return tok.t === 'cond' ? compare(lookup(tok.prop), tok.op, tok.value) : undefined;
  };
  const andExpr = (): boolean | undefined => {
    let left = primary();
    while (tokens[i]?.t === 'and') {
      i++;
      const right = primary();
      left = left === undefined || right === undefined ? undefined : left && right;
    }
    return left;
  };
  const orExpr = (): boolean | undefined => {
    let left = andExpr();
    while (tokens[i]?.t === 'or') {
      i++;
      const right = andExpr();
      left = left === undefined || right === undefined ? undefined : left || right;
    }
    return left;
  };
  const result = orExpr();
  return i === tokens.length ? result : undefined;
}
