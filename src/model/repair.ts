/** A repair `caac validate --fix` makes to one document (planned in src/validate/repairs.ts). */
import type { JsonValue } from './documents.js';

export type RepairRule = 'graph-rule' | 'casing' | 'server-field' | 'odata-annotation' | 'deprecated' | 'layout';

export interface Repair {
  rule: RepairRule;
  /** Where, as path segments (array indexes as numbers). */
  segments: (string | number)[];
  /** Remove the member or array item, or replace its value. */
  edit: { op: 'remove' } | { op: 'replace'; value: JsonValue };
  message: string;
}
