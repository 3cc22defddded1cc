/**
 * Port: Entra's sign-in log (`/auditLogs/signIns`). src/graph/sign-in-log.ts reads it over Microsoft
 * Graph; staged rollout summarises it into evidence per policy.
 */
import type { SignInRead } from '../model/sign-ins.js';

export interface SignInQuery {
  /** Sign-ins from this time on (a server-side filter on createdDateTime). */
  since: Date;
  /** At most this many pages (each one request); the read says when it stopped early. */
  maxPages: number;
}

export interface SignInLog {
  read(query: SignInQuery): Promise<SignInRead>;
}
