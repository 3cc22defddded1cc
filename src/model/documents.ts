/** The documents a repository holds, as loaded from files (before any tenant is involved). */

export type DocumentKind = 'policy' | 'namedLocation' | 'authenticationStrength';

export const DOCUMENT_KINDS: readonly DocumentKind[] = ['policy', 'namedLocation', 'authenticationStrength'];

/** The folder of each kind under the repository root (ARCHITECTURE.md). */
export const KIND_FOLDERS: Record<DocumentKind, string> = {
  policy: 'policies',
  namedLocation: 'named-locations',
  authenticationStrength: 'authentication-strengths',
};

export const KIND_LABELS: Record<DocumentKind, string> = {
  policy: 'policy',
  namedLocation: 'named location',
  authenticationStrength: 'authentication strength',
};

/** The labels for more than one: "2 policies", "3 named locations". */
export const KIND_LABELS_PLURAL: Record<DocumentKind, string> = {
  policy: 'policies',
  namedLocation: 'named locations',
  authenticationStrength: 'authentication strengths',
};

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** Finds where a JSON pointer lies in the source text; falls back to the nearest ancestor. */
export type Locator = (pointer: string) => Position;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One document from one file. */
export interface SourceDocument {
  /** Path relative to the working directory, forward slashes. */
  file: string;
  kind: DocumentKind;
  /** The parsed document, exactly as written. */
  value: JsonObject;
  locate: Locator;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The displayName of a document, if it has a usable one. */
export function displayNameOf(doc: { value: JsonObject }): string | undefined {
  const name = doc.value['displayName'];
  return typeof name === 'string' && name.trim() !== '' ? name : undefined;
}
