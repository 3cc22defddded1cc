/**
 * The drift report: what changed in the tenant behind the repository's back, and who did it. Its
 * JSON form is a contract (README, "caac drift"); `formatVersion` changes when a field's meaning does.
 */
import type { DocumentKind, JsonValue } from '../model/documents.js';

export const DRIFT_FORMAT_VERSION = 1;

/** `changed`: the tenant differs from its file; `added`: no file describes it; `removed`: a file describes it, the tenant has none. */
export type DriftChange = 'changed' | 'added' | 'removed';

export interface DriftField {
  /** JSON pointer into the normalized document (the plan's paths). */
  path: string;
  /** What the file says (absent: the file leaves it out). */
  repository?: JsonValue;
  /** What the tenant holds (absent: the tenant leaves it out). */
  tenant?: JsonValue;
}

/** One audit-log entry about a drifted object. */
export interface DriftActor {
  at: string;
  activity: string;
  /** The user (UPN), or null when an application did it. */
  actor: string | null;
  /** The application (display name), or null when a user did it. */
  app: string | null;
  /** The properties the entry says it changed. */
  properties: string[];
}

export interface DriftItem {
  kind: DocumentKind;
  displayName: string;
  /** The tenant object's id; null for a removed object that is gone and whose file names no id. */
  id: string | null;
  change: DriftChange;
  /** changed: each field that differs; empty for added and removed. */
  fields: DriftField[];
  /** The tenant's modifiedDateTime (removed: the deletedDateTime in deleted items), or null. */
  modifiedDateTime: string | null;
  /** Audit entries since the object last matched, oldest first (empty when unknown: see auditLog). */
  changedBy: DriftActor[];
  critical: boolean;
  /** The repository file (changed, removed). */
  file?: string;
  /** removed: still in deleted items (restorable with its id for 30 days), or gone. */
  deleted?: 'deletedItems' | 'gone';
}

export interface DriftContingency {
  set: string;
  since?: string;
  policies: string[];
}

export interface DriftReport {
  formatVersion: number;
  tenant: { id: string; graphUrl: string };
  folder: string;
  /** Set by --environment (when the repository names environments). */
  environment?: string;
  generatedAt: string;
  summary: { changed: number; added: number; removed: number; critical: number; microsoftManaged: number };
  /** Critical first, then by change and name. */
  drift: DriftItem[];
  /** Active contingency sets: their policies' state is the outage's, on purpose, not drift. */
  contingency: DriftContingency[];
  /** Changes Microsoft made itself (Microsoft-managed policies, Optimization Agent suggestions). */
  microsoftManaged: DriftItem[];
  warnings: string[];
  /** `read`: changedBy is complete since `since`; `forbidden`: no AuditLog.Read.All; `not-needed`: no drift to explain. */
  auditLog: { status: 'read' | 'forbidden' | 'not-needed'; since?: string; requests?: number };
  /** Whether the run fails (exit 2): drift, or Microsoft's changes when the settings say they count. */
  failing: boolean;
}

export const WHO_UNKNOWN = 'who: unknown (AuditLog.Read.All not granted)';
