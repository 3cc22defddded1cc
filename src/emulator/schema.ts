/**
 * A small description of Graph's complex types and one normalizer over it. Every entity that
 * enters the emulator (POST, PATCH, seed, PUT state) goes through `normalize`, which rejects
 * properties Graph does not know, coerces enum values to Graph's casing, orders flags enums, and
 * fills Graph's defaults (absent arrays → [], absent objects → null), so what is stored is exactly
 * what Graph would answer.
 *
 * A request names its API version: on /v1.0 a beta-only property is unknown, like any other, and
 * refused even when it is null (Graph's OData reader refuses an undeclared property whatever its
 * value). Seeds and state files name none: they hold what /beta writes stored.
 *
 * PATCH is Graph's merge (`normalizePatch` + `mergePatch`): complex properties merge recursively,
 * collections are replaced whole, and a property sent as null is cleared to Graph's default
 * (object → null, collection → [], scalar → its default or null).
 */
import { badRequest, ca } from './graph-error.js';
import type { Json, JsonObject } from './types.js';

export type Field = (
  | { k: 'string' }
  | { k: 'bool' }
  | { k: 'int' }
  | { k: 'enum'; values: readonly string[] }
  | { k: 'flags'; values: readonly string[] }
  | { k: 'strings'; keywords?: readonly string[] }
  | { k: 'enums'; values: readonly string[] }
  | { k: 'object'; type: TypeDef }
  | { k: 'objects'; type: TypeDef }
  /** Any JSON; the entity module checks it. */
  | { k: 'raw' }
) & {
  def?: Json;
  /** Declared in Graph's beta schema only. */
  beta?: boolean;
  /**
   * Known to the client but absent from Graph's published beta schema: stored when a request sets
   * it, never answered as a default (Graph answers only what it declares).
   */
  sparse?: boolean;
  /** How a PATCH combines a raw value with the stored one; the sent value replaces it otherwise. */
  merge?: (stored: Json, sent: Json) => Json;
};

export interface TypeDef {
  name: string;
  fields: Record<string, Field>;
}

export interface NormalizeContext {
  /** Name used in 1007 messages, e.g. ConditionalAccessPolicy. */
  entity: string;
  /** The API version of the request; absent for seeds and state files (every property is known). */
  version?: 'v1.0' | 'beta';
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function canonical(values: readonly string[], raw: string, typeName: string, path: string): string {
  const found = values.find((v) => v.toLowerCase() === raw.trim().toLowerCase());
  if (found === undefined) {
    throw badRequest(`Cannot convert the literal '${raw}' at '${path}' to the expected type '${typeName}'. Valid values: ${values.join(', ')}.`);
  }
  return found;
}

/** Flags enums travel as one comma-separated string and come back in the enum's declared order. */
export function normalizeFlags(values: readonly string[], raw: string, typeName: string, path: string): string {
  const parts = raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw badRequest(`'${path}' must name at least one value of '${typeName}'.`);
  const set = new Set(parts.map((p) => canonical(values, p, typeName, path)));
  return values.filter((v) => set.has(v)).join(',');
}

function defaultFor(f: Field): Json {
  if (f.def !== undefined) return f.def;
  return f.k === 'strings' || f.k === 'enums' || f.k === 'objects' ? [] : null;
}

function normalizeField(f: Field, v: Json | undefined, path: string, ctx: NormalizeContext): Json {
  if (v === undefined || v === null) {
    // An explicit null on an array is how Graph clears it too: it answers [].
    return defaultFor(f);
  }
  const mismatch = (want: string): never => {
    throw ca.schema(ctx.entity, `'${path}' must be ${want}.`);
  };
  switch (f.k) {
    case 'string':
      return typeof v === 'string' ? v : mismatch('a string');
    case 'bool':
      return typeof v === 'boolean' ? v : mismatch('a boolean');
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) ? v : mismatch('an integer');
    case 'enum':
      return typeof v === 'string' ? canonical(f.values, v, path, path) : mismatch('a string');
    case 'flags':
      return typeof v === 'string' ? normalizeFlags(f.values, v, path, path) : mismatch('a comma-separated string');
    case 'strings': {
      if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string')) return mismatch('an array of strings');
      // Keywords (All, None, Office365, …) are accepted in any case and stored in Graph's casing.
      return v.map((s) => f.keywords?.find((kw) => kw.toLowerCase() === s.toLowerCase()) ?? s);
    }
    case 'enums': {
      if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string')) return mismatch('an array of strings');
      return v.map((s, i) => canonical(f.values, s, `${path}[${i}]`, path));
    }
    case 'object':
      return isObject(v) ? normalize(f.type, v, path, ctx) : mismatch(`an object of type ${f.type.name}`);
    case 'objects':
      if (!Array.isArray(v)) return mismatch('an array');
      return v.map((item, i) => {
        if (!isObject(item)) return mismatch(`an array of ${f.type.name}`);
        return normalize(f.type, item, `${path}[${i}]`, ctx);
      });
    case 'raw':
      return v;
  }
}

const isAnnotation = (key: string): boolean => key.startsWith('@odata.') || key.endsWith('@odata.context');
const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** The field a request may set, or a 1007 naming the property: unknown, or beta-only on /v1.0. */
function declared(type: TypeDef, key: string, path: string, ctx: NormalizeContext): Field {
  const f = type.fields[key];
  if (f === undefined || (f.beta === true && ctx.version === 'v1.0')) {
    throw ca.schema(ctx.entity, `Property '${join(path, key)}' does not exist on type '${type.name}'.`);
  }
  return f;
}

/** Normalizes one object of `type`: unknown properties are a 1007, missing ones get Graph's defaults. */
export function normalize(type: TypeDef, input: JsonObject, path: string, ctx: NormalizeContext): JsonObject {
  for (const key of Object.keys(input)) {
    if (!isAnnotation(key)) declared(type, key, path, ctx);
  }
  const out: JsonObject = {};
  for (const [key, f] of Object.entries(type.fields)) {
    if (f.sparse === true && (input[key] === undefined || input[key] === null)) continue;
    out[key] = normalizeField(f, input[key], join(path, key), ctx);
  }
  return out;
}

/**
 * Checks a PATCH body of `type` at any depth and normalizes the values it sends, without filling
 * defaults for what it leaves out. A null stays null: `mergePatch` clears the property.
 */
export function normalizePatch(type: TypeDef, input: JsonObject, path: string, ctx: NormalizeContext): JsonObject {
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(input)) {
    if (isAnnotation(key)) continue;
    const f = declared(type, key, path, ctx);
    if (v === null) out[key] = null;
    else if (f.k === 'object' && isObject(v)) out[key] = normalizePatch(f.type, v, join(path, key), ctx);
    else out[key] = normalizeField(f, v, join(path, key), ctx);
  }
  return out;
}

/** Applies a body from `normalizePatch` to a stored object of `type` (Graph's PATCH merge). */
export function mergePatch(type: TypeDef, stored: JsonObject, patch: JsonObject, ctx: NormalizeContext): JsonObject {
  const out: JsonObject = { ...stored };
  for (const [key, sent] of Object.entries(patch)) {
    const f = type.fields[key];
    if (f === undefined) continue;
    const current = out[key];
    if (sent === null) {
      if (f.sparse === true) delete out[key];
      else out[key] = defaultFor(f);
    } else if (f.k === 'object' && isObject(sent)) {
      // An object that was null starts from Graph's defaults for everything the body leaves out.
      out[key] = isObject(current) ? mergePatch(f.type, current, sent, ctx) : normalize(f.type, sent, key, ctx);
    } else if (f.merge !== undefined && current !== undefined) {
      out[key] = f.merge(current, sent);
    } else {
      out[key] = sent;
    }
  }
  return out;
}

/** Normalizes only the given top-level keys (the PATCH body of a flat entity), for merging into a stored one. */
export function normalizePartial(type: TypeDef, input: JsonObject, ctx: NormalizeContext): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(input)) {
    if (isAnnotation(key)) continue;
    out[key] = normalizeField(declared(type, key, '', ctx), input[key], key, ctx);
  }
  return out;
}

/** Drops beta-only fields (recursively) for /v1.0 responses. */
export function forVersion(type: TypeDef, value: JsonObject, version: string): JsonObject {
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    const f = type.fields[key];
    if (f === undefined) {
      out[key] = v;
      continue;
    }
    if (f.beta === true && version !== 'beta') continue;
    if (f.k === 'object' && isObject(v)) out[key] = forVersion(f.type, v, version);
    else if (f.k === 'objects' && Array.isArray(v)) out[key] = v.map((i) => (isObject(i) ? forVersion(f.type, i, version) : i));
    else out[key] = v;
  }
  return out;
}

export { isObject };
