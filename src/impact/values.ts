/** Reading a policy's JSON loosely (repository files and tenant documents alike), and comparing references. */
import type { JsonObject, JsonValue } from '../model/documents.js';

export function objectAt(value: JsonValue | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

export function stringsAt(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Graph keeps some multi-valued enums as one comma-separated string (guest types, transfer methods). */
export function commaListAt(value: JsonValue | undefined): string[] {
  if (typeof value === 'string') return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  return stringsAt(value);
}

/** References and ids compare without regard to case or surrounding space: `group:Finance` = `Group:finance`. */
export function sameRef(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function containsRef(list: readonly string[], value: string): boolean {
  return list.some((item) => sameRef(item, value));
}

export function firstShared(list: readonly string[], values: readonly string[]): string | undefined {
  return values.find((value) => containsRef(list, value));
}
