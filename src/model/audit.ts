/** Entries of the directory audit log (Graph's directoryAudit), as drift reads them. */

/** A property one write changed, as the audit log records it (values are JSON text, or null). */
export interface AuditProperty {
  name: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface AuditEntry {
  id: string;
  /** ISO time of the activity. */
  at: string;
  /** `Update conditional access policy`, `Add named location`, … */
  activity: string;
  /** The user who did it (UPN), when a user did. */
  actor?: string;
  /** The application that did it (display name, else appId), when an app did. */
  app?: string;
  /** The objects the entry is about, with the properties it changed on each. */
  targets: { id: string; displayName?: string; properties: AuditProperty[] }[];
  result: string;
}

/** What an audit-log read answered: the entries, or that this connection may not read it. */
export type AuditLogAnswer = { status: 'read'; entries: AuditEntry[]; requests: number } | { status: 'forbidden'; message: string };
