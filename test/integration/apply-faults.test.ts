/**
 * caac apply through injected faults (503, 504, connection resets, 429 on 30% of the requests):
 * it retries what is safe to retry, never sends a create twice, stops when a create's outcome
 * stays unknown, and plan-and-apply again converges with every object exactly once.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { runPlan } from '../../src/commands/plan.js';
import { startEmulator } from '../../src/emulator/index.js';
import { connectGraph } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { Plan } from '../../src/model/plan.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { partnerNetworkPolicy } from '../fixtures/repo-helpers.js';
import { madeHere } from '../fixtures/plan-source.js';
import { silentLogger } from '../../src/ports/logger.js';

const EXAMPLE = resolve('examples/conditional-access');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repository(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'caac-apply-faults-'));
  dirs.push(cwd);
  cpSync(EXAMPLE, join(cwd, 'conditional-access'), { recursive: true });
  const write = (rel: string, value: unknown) => writeFileSync(join(cwd, 'conditional-access', rel), JSON.stringify(value, null, 2) + '\n');
  const ca006 = join(cwd, 'conditional-access/policies/ca006-require-compliant-or-hybrid-joined-device.json');
  const p = JSON.parse(readFileSync(ca006, 'utf8')) as { state: string };
  p.state = 'enabled';
  writeFileSync(ca006, JSON.stringify(p, null, 2));
  write('named-locations/partner-network.json', {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    displayName: 'Partner network',
    ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' }],
    isTrusted: false,
  });
  for (const n of [21, 22, 23, 24]) {
    write(`policies/ca0${n}.json`, partnerNetworkPolicy(`CA0${n} - Report MFA for Finance outside partner network`));
  }
  return cwd;
}

async function plan(cwd: string, connection: ReturnType<typeof connectGraph>): Promise<Plan> {
  const outcome = await runPlan(filePolicyStore('conditional-access', { cwd }), connection, { dir: 'conditional-access', apiVersion: 'v1.0' });
  if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status}`);
  return outcome.plan;
}

test.each([11, 5])('faults on 30%% of requests (seed %i): apply, and plan and apply again while a create\'s outcome is unknown, converges with each object exactly once', async (seed) => {
  const emu = await startEmulator({ seed: 'sample', rateLimit: 1000, faults: `rate=0.3,kinds=503|504|reset|429,seed=${seed}` });
  try {
    const cwd = repository();
    const connection = connectGraph({ graphUrl: emu.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 1000, burst: 1000, retryBaseDelayMs: 20, maxRetryTimeMs: 30_000 });
    let p = await plan(cwd, connection);
    expect(p.summary).toMatchObject({ create: 5, update: 1, delete: 0 });
    // A create that fails with a 5xx or a reset may have been carried out: caac never sends it
    // again; it looks by name, and when it cannot tell, the run stops and says to plan again.
    const rounds: string[] = [];
    for (let round = 1; p.operations.some((o) => o.action !== 'noop'); round++) {
      // Each round either applies something or stops at a create whose outcome stayed unknown (a
      // 503 before the write looks the same as a lost answer): progress is certain, its pace is not.
      if (round > 20) throw new Error(`no convergence after 20 rounds: ${rounds.join('; ')}`);
      const outcome = await runApply(p, { tenant: connection.tenant, snapshots: fileSnapshotStore(join(cwd, `snapshot-${round}`)), source: madeHere(p, cwd) }, {
        allowDelete: false,
        keepGoing: false,
        confirm: { timeoutMs: 600, baseDelayMs: 50 },
        log: silentLogger,
      });
      rounds.push(`${outcome.applied} applied, ${outcome.results.filter((r) => r.unknown).length} unknown`);
      for (const r of outcome.results.filter((r) => r.status === 'failed')) expect(r.unknown).toBe(true);
      expect(outcome.verification).toEqual([]);
      p = await plan(cwd, connection);
    }

    // Faults happened, and were survived.
    const counts = emu.requests();
    expect(['503', '504', '429', 'reset'].reduce((n, s) => n + (counts.byStatus[s] ?? 0), 0)).toBeGreaterThan(0);

    // Never twice: list everything by name (through a faultless emulator).
    await fetch(`${emu.url}/_emulator/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ spec: null }) });
    const state = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { policies: JsonObject[]; namedLocations: JsonObject[] };
    const names = state.policies.map((o) => String(o['displayName']));
    for (const n of [21, 22, 23, 24]) expect(names.filter((d) => d.startsWith(`CA0${n} `))).toHaveLength(1);
    expect(state.policies).toHaveLength(25);
    expect(state.namedLocations.filter((o) => o['displayName'] === 'Partner network')).toHaveLength(1);
  } finally {
    await emu.stop();
  }
});
