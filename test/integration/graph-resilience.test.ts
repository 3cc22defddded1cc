/**
 * Pacing and retries of the Graph adapter, against the emulator's throttle and fault injection,
 * and against a tiny loopback fake for $batch items that are throttled one by one. No assertion
 * on durations: counts and outcomes only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator } from '../../src/emulator/index.js';
import { GraphError } from '../../src/errors.js';
import { connectGraph } from '../../src/graph/connect.js';
import { fakeJwt } from '../fixtures/fake-jwt.js';

const env = { CAAC_ACCESS_TOKEN: 'test' };
// A token that names its tenant: the counts below are Conditional Access requests only (no GET /organization).
const jwtEnv = (tid: string) => ({ CAAC_ACCESS_TOKEN: fakeJwt({ tid }) });

test('pacing: 8 Conditional Access requests at once against 1 request/s reach the caller without a 429', async () => {
  const emu = await startEmulator({ seed: 'sample', rateLimit: 1 });
  try {
    const lines: string[] = [];
    // Client defaults: 1 request/s with a small burst.
    const { tenant } = connectGraph({ graphUrl: emu.url, env: jwtEnv(emu.tenantId), tenantId: emu.tenantId, log: (l) => lines.push(l) });
    const id = '0a3b5f1e-0000-4000-8000-000000000001';
    const created = await tenant.create('namedLocation', {
      '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'paced', countriesAndRegions: ['FR'], includeUnknownCountriesAndRegions: false,
    });
    expect(created.id).not.toBe(id);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 7 }, (_, i) =>
        tenant.update('namedLocation', String(created.id), { '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: `paced ${i}` }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const emulated = emu.requests();
    const throttled = emulated.byStatus['429'] ?? 0;
    // Without pacing, 7 of the 8 would have been throttled on their first attempt.
    expect(throttled).toBeLessThanOrEqual(2);
    expect(tenant.requests().total).toBe(8 + throttled);
    expect(emulated.total).toBe(8 + throttled);
  } finally {
    await emu.stop();
  }
});

test('retry: faults on 30% of requests (503, 504, 429, reset) and read() still succeeds; the emulator saw the retries', async () => {
  const emu = await startEmulator({ seed: 'sample', faults: 'rate=0.3,kinds=503|504|reset|429,seed=7' });
  try {
    const lines: string[] = [];
    const { tenant, directory } = connectGraph({
      graphUrl: emu.url, env: jwtEnv(emu.tenantId), tenantId: emu.tenantId, rateLimit: 1000, burst: 1000, pageSize: 4, retryBaseDelayMs: 200, log: (l) => lines.push(l),
    });
    const snap = await tenant.read();
    expect(snap.policies).toHaveLength(21);
    expect(snap.namedLocations).toHaveLength(3);
    expect(snap.authenticationStrengths).toHaveLength(4);
    const found = await directory.findByNames([{ kind: 'group', name: 'CA-BreakGlass' }, { kind: 'role', name: 'Global Administrator' }]);
    expect(found.get('group:CA-BreakGlass')).toHaveLength(1);

    const emulated = emu.requests();
    const failures = ['503', '504', '429', 'reset'].reduce((n, s) => n + (emulated.byStatus[s] ?? 0), 0);
    expect(failures).toBeGreaterThan(0);
    // 6 policy pages + 1 + 1 lists, 1 $batch (+ its 2 items: the role template list and the group look-up): every failed attempt was retried.
    const successes = emulated.byStatus['200'] ?? 0;
    expect(successes).toBe(11);
    // The client counts every attempt it put on the wire, like the emulator (which also counts the $batch items).
    expect(tenant.requests().total).toBe(emulated.total - 2);
    expect(lines.length).toBe(failures);
    expect(lines.join('\n')).toMatch(/retry 1 in/);
  } finally {
    await emu.stop();
  }
});

test('retry: a budget that runs out ends in a GraphError naming the attempts', async () => {
  const emu = await startEmulator({ seed: 'sample', faults: 'rate=1,kinds=504,seed=1' });
  try {
    const { tenant } = connectGraph({ graphUrl: emu.url, env: jwtEnv(emu.tenantId), tenantId: emu.tenantId, rateLimit: 1000, maxRetryTimeMs: 300, retryBaseDelayMs: 50 });
    const err = (await tenant.read().catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err.status).toBe(504);
    expect(err.message).toMatch(/Gave up after \d+ attempts/);
    expect(tenant.requests().total).toBeGreaterThan(1);
  } finally {
    await emu.stop();
  }
});

test('a refused connection is not retried for two minutes: it fails at once with the address', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  const { tenant } = connectGraph({ graphUrl: `http://127.0.0.1:${port}`, env });
  const err = (await tenant.read().catch((e: unknown) => e)) as GraphError;
  expect(err).toBeInstanceOf(GraphError);
  expect(err.code).toBe('NetworkError');
  expect(err.message).toMatch(/ECONNREFUSED/);
  expect(tenant.requests().total).toBe(1);
});

describe('$batch items throttled one by one (loopback fake)', () => {
  let server: Server;
  let url = '';
  let batches = 0;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        batches += 1;
        const body = JSON.parse(text) as { requests: Array<{ id: string; url: string }> };
        const responses = body.requests.map((r, i) => {
          const asked = decodeURIComponent(r.url);
          seen.push(asked);
          if (r.url.includes('Throttled') && batches === 1) return { id: r.id, status: 429, headers: { 'Retry-After': '0' }, body: { error: { code: 'TooManyRequests', message: 'slow down' } } };
          if (r.url.includes('Forbidden')) return { id: r.id, status: 403, headers: { 'request-id': 'rid-403' }, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } };
          // One object per value asked for, named after it.
          const values = [...asked.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'"));
          const value = values.map((v, j) => ({ id: `11111111-1111-4111-8111-1111111111${String(i).padStart(1, '0')}${j}`, displayName: v, userPrincipalName: v }));
          return { id: r.id, status: 200, headers: {}, body: { value } };
        });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ responses: responses.reverse() }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  test('throttled items go again in a later batch (the middleware retries them); the others are not asked twice', async () => {
    const lines: string[] = [];
    const { directory, tenant } = connectGraph({ graphUrl: url, env, log: (l) => lines.push(l) });
    const found = await directory.findByNames([{ kind: 'group', name: 'Throttled' }, { kind: 'user', name: 'fine@x' }]);
    expect(found.get('group:Throttled')).toHaveLength(1);
    expect(found.get('user:fine@x')).toHaveLength(1);
    expect(tenant.requests().byEndpoint).toEqual({ 'POST /v1.0/$batch': 2 });
    expect(seen.filter((s) => s.includes('fine@x'))).toHaveLength(1);
    expect(seen.filter((s) => s.includes('Throttled'))).toHaveLength(2);
    expect(seen[0]).toBe("/groups?$count=true&$top=999&$select=id,displayName&$filter=displayName in ('Throttled')");
    expect(lines.join('\n')).toMatch(/1 requests inside \$batch answered 429; retrying/);
  });

  test('an item refused with 403 is a GraphError naming the permission', async () => {
    const { directory } = connectGraph({ graphUrl: url, env });
    const err = (await directory.findByNames([{ kind: 'user', name: "Forbidden'o@x" }]).catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err.status).toBe(403);
    expect(err.requestId).toBe('rid-403');
    expect(err.message).toMatch(/Directory\.Read\.All/);
    expect(seen).toContain("/users?$count=true&$top=999&$select=id,displayName,userPrincipalName&$filter=userPrincipalName in ('Forbidden''o@x')");
  });
});
