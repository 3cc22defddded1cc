/**
 * Port: the tenant's directory audit log (who changed what). src/graph/audit-log.ts implements it
 * over `GET /auditLogs/directoryAudits`; tests pass that adapter pointed at the emulator.
 */
import type { AuditLogAnswer } from '../model/audit.js';

export interface AuditLog {
  /**
   * The Policy-category entries about these object ids at or after `since`, oldest first, in as few
   * requests as the filter allows. A connection without AuditLog.Read.All gets `forbidden`, not an
   * error: drift works without knowing who. No ids: no request.
   */
  entriesFor(ids: readonly string[], since: Date): Promise<AuditLogAnswer>;
}
