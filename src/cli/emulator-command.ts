import type { Command } from 'commander';
import { ConfigurationError } from '../errors.js';
import { parseFaultSpec, startEmulator, type EmulatorOptions } from '../emulator/index.js';
import { assertReadableFile, assertWritableFile } from '../repo/output-paths.js';
import { writeErr, writeOut } from './output.js';

interface EmulatorFlags {
  port: string;
  host: string;
  seed?: string;
  state?: string;
  latency?: string;
  rateLimit?: string;
  realistic?: boolean;
  retryAfter?: string;
  faults?: string;
  eventualConsistency?: string;
  listLag?: string;
  tenantId?: string;
  auditActor?: string;
  auditForbidden?: boolean;
}

function number(value: string | undefined, flag: string, { min = 0, integer = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new ConfigurationError(`${flag} takes ${integer ? 'a whole number' : 'a number'} of at least ${min}, not "${value}"`);
  }
  return n;
}

/** True for an address only this machine can reach: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The warning for an emulator bound beyond loopback (undefined on loopback): its admin endpoints
 * answer anyone, without a token, and can read and replace the whole tenant.
 */
export function exposureWarning(host: string, url: string): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  return (
    `warning: --host ${host} binds the emulator beyond loopback. The emulator's admin endpoints (/_emulator/…) have no authentication: ` +
    `anyone who can reach ${url} can read and replace the tenant (GET/PUT /_emulator/state), reset it and inject faults. ` +
    `Keep the default --host 127.0.0.1 unless the network is yours alone`
  );
}

/** Turns the flags into emulator options, refusing bad values before anything starts. */
export function emulatorOptionsFromFlags(flags: EmulatorFlags): EmulatorOptions {
  if (flags.faults !== undefined) {
    try {
      parseFaultSpec(flags.faults);
    } catch (e) {
      throw new ConfigurationError(`--faults: ${(e as Error).message}`);
    }
  }
  if (flags.seed !== undefined && flags.seed !== 'sample' && !/^big(:\d+:\d+(:\d+)?)?$/.test(flags.seed)) {
    assertReadableFile(flags.seed, '--seed', 'the path of a tenant fixture JSON file, "sample", or "big[:policies:references[:seed]]"');
  }
  if (flags.state !== undefined) assertWritableFile(flags.state, '--state');
  if (flags.tenantId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(flags.tenantId)) {
    throw new ConfigurationError(`--tenant-id is "${flags.tenantId}": a tenant id is a GUID`);
  }
  return {
    port: number(flags.port, '--port', { integer: true }),
    host: flags.host,
    seed: flags.seed,
    stateFile: flags.state,
    latencyMs: number(flags.latency, '--latency'),
    rateLimit: number(flags.rateLimit, '--rate-limit', { min: 0.001 }),
    realistic: flags.realistic,
    retryAfter: number(flags.retryAfter, '--retry-after', { integer: true }),
    faults: flags.faults,
    eventualConsistencyMs: number(flags.eventualConsistency, '--eventual-consistency'),
    listLagMs: number(flags.listLag, '--list-lag'),
    tenantId: flags.tenantId,
    ...(flags.auditActor === undefined ? {} : { auditActor: flags.auditActor }),
    ...(flags.auditForbidden === true ? { auditLogForbidden: true } : {}),
  };
}

export function registerEmulator(program: Command): void {
  program
    .command('emulator')
    .description('run a local Microsoft Graph emulator (loopback only unless --host says otherwise) until Ctrl-C')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <address>', 'address to bind; beyond loopback it warns: the admin endpoints (/_emulator/…) have no authentication', '127.0.0.1')
    .option('--seed <sample|big|file>', 'initial tenant: "sample", "big" (195 policies referencing 3,000 objects; big:<policies>:<references>[:<seed>] for another size) or a tenant fixture JSON file')
    .option('--state <file>', 'keep the tenant in this file across restarts (written atomically on every change)')
    .option('--latency <ms>', 'delay every Graph request by this many milliseconds (with jitter)')
    .option('--rate-limit <rps>', 'Conditional Access and named-location requests allowed per second; more get 429 without Retry-After')
    .option('--realistic', "Graph's own limits: 1 request per second on the Conditional Access endpoints")
    .option('--retry-after <seconds>', 'send Retry-After on 429 (Graph does not on these endpoints)')
    .option('--faults <spec>', "deterministic fault injection, e.g. 'rate=0.05,kinds=503|504|reset|429|lost,seed=42'; lost = the write is carried out, then the answer is lost (504 or reset); aim with methods=POST|PATCH|DELETE|GET and after=N (from the N-th request on)")
    .option('--eventual-consistency <ms>', 'a GET of an object created less than this long ago answers 404')
    .option('--list-lag <ms>', 'lists and GETs of Conditional Access objects show a write only after this long, as Graph\'s replicas')
    .option('--tenant-id <id>', 'tenant id the emulator reports (a GUID); with --seed sample, every object id is derived from it, so two emulators hold the same names under different ids')
    .option('--audit-actor <upn|app:name>', 'who the audit log names for a write whose token is not a JWT with upn/appid claims (default: the app "caac emulator client")')
    .option('--audit-forbidden', 'answer 403 on auditLogs/directoryAudits, as Graph does without AuditLog.Read.All')
    .action(async (flags: EmulatorFlags) => {
      const options = emulatorOptionsFromFlags(flags);
      const emulator = await startEmulator(options).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRINUSE') throw new ConfigurationError(`port ${options.port} on ${options.host} is already in use: pick another with --port, or --port 0 for a free one`);
        if (e.code === 'EADDRNOTAVAIL') throw new ConfigurationError(`cannot listen on ${options.host}: no such local address (--host)`);
        if (e.code === 'ENOENT' || e instanceof SyntaxError) throw new ConfigurationError(`cannot start the emulator: ${e.message}`);
        throw e;
      });
      const warning = exposureWarning(options.host ?? '127.0.0.1', emulator.url);
      if (warning) writeErr(`${warning}\n`);
      writeOut(`caac emulator listening on ${emulator.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await emulator.stop();
    });
}
