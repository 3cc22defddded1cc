/**
 * Turns ajv's errors into sentences a person can act on, at the JSON pointer of the offending
 * property, with a "did you mean" for misspelled names.
 */
import type { ErrorObject } from 'ajv';
import { childPointer } from '../model/json-pointer.js';
import { declaredProperties, type SchemaNode } from './schema-walk.js';

export interface SchemaProblem {
  path: string;
  message: string;
}

export function describeSchemaErrors(errors: readonly ErrorObject[], root: SchemaNode): SchemaProblem[] {
  // Errors of a failed branch (anyOf/oneOf/if) are repeated by the branch keyword itself: keep the
  // most specific ones, and drop the umbrella error when a more specific one covers its path.
  const specific = errors.filter((e) => !['anyOf', 'oneOf', 'if', 'not'].includes(e.keyword));
  const umbrellas = errors.filter((e) => ['anyOf', 'oneOf'].includes(e.keyword));
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  const add = (p: SchemaProblem) => {
    const key = `${p.path}\u0000${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  };
  // A nullable property's "must be null" branch error adds nothing to "must be object".
  const typeErrorsByPath = new Map<string, string[]>();
  for (const e of specific) {
    if (e.keyword === 'type') {
      const list = typeErrorsByPath.get(e.instancePath) ?? [];
      list.push(String((e.params as { type: unknown }).type));
      typeErrorsByPath.set(e.instancePath, list);
    }
  }
  for (const e of specific) {
    if (e.keyword === 'type') {
      const types = typeErrorsByPath.get(e.instancePath)!;
      add({ path: e.instancePath, message: `${where(e.instancePath)} must be ${joinTypes(types)}, not ${describeValue(e.data)}` });
      continue;
    }
    add(describeOne(e, root));
  }
  for (const e of umbrellas) {
    if (!specific.some((s) => s.instancePath.startsWith(e.instancePath))) add({ path: e.instancePath, message: `${where(e.instancePath)} ${e.message ?? 'is invalid'}` });
  }
  return problems;
}

function describeOne(e: ErrorObject, root: SchemaNode): SchemaProblem {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(params['additionalProperty']);
      const path = childPointer(e.instancePath, name);
      const known = declaredProperties((e.parentSchema ?? {}) as SchemaNode, root);
      const suggestion = closest(name, known);
      return {
        path,
        message: `unknown property "${name}" in ${where(e.instancePath)}${suggestion ? `: did you mean "${suggestion}"?` : ''}${known.length && !suggestion ? ` (allowed: ${known.filter((k) => !k.startsWith('$') && !k.includes('@')).join(', ')})` : ''}`,
      };
    }
    case 'required': {
      const missing = String(params['missingProperty']);
      const hint = e.instancePath === '' ? REQUIRED_HINTS[missing] : undefined;
      return { path: e.instancePath, message: `${where(e.instancePath)} is missing the required property "${missing}"${hint ? `: ${hint}` : ''}` };
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).filter((v) => v !== null).map((v) => JSON.stringify(v));
      return { path: e.instancePath, message: `${describeValue(e.data)} is not a valid value for ${where(e.instancePath)}: use one of ${allowed.join(', ')}` };
    }
    case 'const':
      return { path: e.instancePath, message: `${where(e.instancePath)} must be ${JSON.stringify(params['allowedValue'])}` };
    case 'pattern': {
      const flags = (e.parentSchema as SchemaNode | undefined)?.['x-flags'];
      if (Array.isArray(flags)) {
        return {
          path: e.instancePath,
          message: `${describeValue(e.data)} is not a valid value for ${where(e.instancePath)}: write comma-separated flags from ${flags.join(', ')}`,
        };
      }
      return { path: e.instancePath, message: `${describeValue(e.data)} is not valid for ${where(e.instancePath)} (${e.message ?? 'pattern'})` };
    }
    case 'false schema':
      // A property that a conditional branch forbids (ipRanges on a country location, members
      // with "all external tenants").
      return { path: e.instancePath, message: `${where(e.instancePath)} is not allowed here: it belongs to another @odata.type (or kind) of object` };
    default:
      return { path: e.instancePath, message: `${where(e.instancePath)} ${e.message ?? 'is invalid'}` };
  }
}

/**
 * The fix for a missing top-level property whose value caac must not guess. `state` above all:
 * reading a missing state as "enabled" would create the policy enforcing and let the safety rules
 * pass it by.
 */
const REQUIRED_HINTS: Readonly<Record<string, string>> = {
  state:
    'write "state": "enabledForReportingButNotEnforced" (report-only: start a new policy this way and enable it once its sign-in impact is known), "enabled" or "disabled"; Graph requires it, and caac never assumes one',
};

function where(pointer: string): string {
  if (pointer === '') return 'the document';
  return pointer
    .slice(1)
    .split('/')
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('')
    .replace(/^\./, '');
}

function joinTypes(types: string[]): string {
  const flat = [...new Set(types.flatMap((t) => t.split(',')))].filter((t) => t !== 'null');
  const words = flat.map((t) => (t === 'array' ? 'an array' : t === 'object' ? 'an object' : t === 'integer' ? 'an integer' : `a ${t}`));
  const nullable = types.some((t) => t.split(',').includes('null'));
  const joined = words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : (words[0] ?? 'null');
  return nullable && words.length ? `${joined} (or null)` : joined;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The declared name nearest to a misspelled one (case, a letter or two), if any is near. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 5)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
