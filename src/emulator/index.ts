/**
 * The Graph emulator's programmatic API. `caac emulator` and `caac demo` wire the CLI onto
 * `startEmulator`; tests start one on port 0 and talk to it over loopback.
 *
 * Graph lives under `${url}/v1.0` and `${url}/beta` and wants `Authorization: Bearer <anything>`.
 * Admin endpoints (no auth, not counted): GET|PUT /_emulator/state, POST /_emulator/reset (back to
 * the seed), POST /_emulator/faults {"spec": "rate=…,kinds=…,seed=…,methods=…,after=…" | null},
 * POST /_emulator/list-lag {"ms": n} (0 turns the lag off), GET /_emulator/requests, POST
 * /_emulator/requests/reset, GET /_emulator/health, POST /_emulator/audit-log {"forbidden": bool,
 * "defaultActor": "upn" | "app:Name"} (the directory audit log's 403 and default caller; see
 * audit-log.ts: writes are attributed to the bearer token's upn/appid claims), POST /_emulator/sign-ins
 * {"signIns": [...]} (adds to the sign-in log), DELETE /_emulator/sign-ins (empties it).
 *
 * Writes are at least as strict as Graph: PATCH merges (objects recursively, arrays replaced
 * whole, null clears to Graph's default) and the whole object is checked again; unknown properties
 * are a 1007 at any depth, and so are beta-only ones on /v1.0 (even null), while /beta stores them;
 * IP named locations take CIDR masks greater than /8 only, at most 2,000 ranges, at most 195
 * locations per tenant (create and restore), and a trusted one cannot be deleted.
 *
 * Start-up: an existing `stateFile` wins over `seed` (so a restart keeps the tenant); otherwise
 * the seed is loaded ('sample', a fixture path relative to the working directory, or nothing for
 * an empty tenant that still has Microsoft's role templates and first-party service principals).
 */
import { EmulatorServer } from './server.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

export { parseFaultSpec } from './faults.js';
export type { EmulatorOptions, FaultKind, FaultSpec, Json, JsonObject, RequestCounts, RunningEmulator, TenantState } from './types.js';

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const server = new EmulatorServer(options);
  const url = await server.listen();
  return {
    url,
    tenantId: server.tenantId,
    requests: () => server.requests(),
    stop: () => server.close(),
  };
}
