/**
 * The shape of a validation rule. Each rule lives in its own module under rules/, with an id that
 * is part of the public contract, a default severity and a one-line description (docs/rules.md is
 * generated from these).
 */
import type { DocumentKind, JsonObject, Locator } from './documents.js';
import type { Severity } from './findings.js';
import type { Settings } from './settings.js';

/** A document after preparation: annotations and server fields stripped, enum casing normalized. */
export interface PreparedDocument {
  file: string;
  kind: DocumentKind;
  /** The cleaned document the rules (and later the plan) read. */
  value: JsonObject;
  locate: Locator;
  /** False when the schema check failed: rules still run, but must not assume the shape. */
  schemaValid: boolean;
}

export interface RuleContext {
  documents: readonly PreparedDocument[];
  settings: Settings;
}

/** One problem a rule found; the validator turns it into a Finding with file, line and column. */
export interface RuleHit {
  document: PreparedDocument;
  /** JSON pointer of the offending value (its nearest existing ancestor is located). */
  path: string;
  message: string;
  severity?: Severity;
}

export interface Rule {
  id: string;
  severity: Severity;
  description: string;
  check(context: RuleContext): RuleHit[];
}

/** Rules whose findings the loader and the preparation step make, documented with the others. */
export interface BuiltInRuleInfo {
  id: string;
  severity: Severity;
  description: string;
}
