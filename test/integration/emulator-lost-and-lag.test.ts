/**
 * Faults after the write (`lost`), aimed faults (`methods`, `after`) and replica lag (`listLagMs`):
 * the ways Graph does the work and still leaves the client not knowing it.
 */
import { parseFaultSpec } from '../../src/emulator/index.js';
import { FaultInjector } from '../../src/emulator/faults.js';
import { call, minimalPolicy, withEmulator } from '../fixtures/emulator/client.js';

const POLICIES = '/identity/conditionalAccess/policies';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fault spec', () => {
  test('parses lost, methods and after; refuses what it does not know', () => {
    expect(parseFaultSpec('rate=1,kinds=lost,methods=post|delete,after=3')).toEqual({ rate: 1, kinds: ['lost'], seed: 1, methods: ['POST', 'DELETE'], after: 3 });
    expect(parseFaultSpec('rate=0.5').kinds).toEqual(['503', '504', '429', 'reset']);
    expect(() => parseFaultSpec('rate=1,methods=FETCH')).toThrow(/method 'FETCH' is unknown/);
    expect(() => parseFaultSpec('rate=1,after=0')).toThrow(/at least 1/);
    expect(() => parseFaultSpec('rate=1,after=x')).toThrow(/whole number/);
    expect(() => parseFaultSpec('rate=1,when=3')).toThrow(/expected rate, kinds, seed, methods, after/);
  });

  test('aimed faults spare other methods and the first requests, and keep the draw sequence', () => {
    const aimed = new FaultInjector(parseFaultSpec('rate=1,kinds=504,methods=POST,after=3'));
    const seen = ['POST', 'POST', 'GET', 'POST', 'PATCH'].map((m) => aimed.next(m)?.kind ?? 'ok');
    expect(seen).toEqual(['ok', 'ok', 'ok', '504', 'ok']);
    const a = new FaultInjector(parseFaultSpec('rate=0.5,kinds=lost|503,seed=9'));
    const b = new FaultInjector(parseFaultSpec('rate=0.5,kinds=lost|503,seed=9'));
    const seqA = Array.from({ length: 40 }, () => JSON.stringify(a.next('POST') ?? null));
    expect(Array.from({ length: 40 }, () => JSON.stringify(b.next('POST') ?? null))).toEqual(seqA);
    expect(seqA.some((s) => s.includes('"as":"504"'))).toBe(true);
    expect(seqA.some((s) => s.includes('"as":"reset"'))).toBe(true);
  });
});

describe('lost answers', () => {
  test('a create whose answer is lost as a 504 has still created the policy', async () => {
    await withEmulator({ faults: 'rate=1,kinds=lost,methods=POST,seed=1' }, async (h) => {
      // seed 1's first draw loses the answer one way or the other: a 504, or a reset connection.
      let status: number | string;
      try {
        status = (await h.g('POST', POLICIES, minimalPolicy({ displayName: 'Lost one' }))).status;
      } catch {
        status = 'reset';
      }
      expect([504, 'reset']).toContain(status);
      const list = await h.g('GET', POLICIES);
      expect(list.body.value.map((p: { displayName: string }) => p.displayName)).toEqual(['Lost one']);
    });
  });

  test('both ways of losing an answer happen, and each time the write is done', async () => {
    await withEmulator({ faults: 'rate=1,kinds=lost,methods=POST,seed=4' }, async (h) => {
      const outcomes = new Set<string>();
      for (let i = 0; i < 8; i++) {
        try {
          outcomes.add(String((await h.g('POST', POLICIES, minimalPolicy({ displayName: `P${i}` }))).status));
        } catch {
          outcomes.add('reset');
        }
      }
      expect(outcomes).toEqual(new Set(['504', 'reset']));
      expect((await h.g('GET', POLICIES)).body.value).toHaveLength(8);
      expect(h.emu.requests().byStatus['504'] ?? 0).toBeGreaterThan(0);
      expect(h.emu.requests().byStatus['reset'] ?? 0).toBeGreaterThan(0);
    });
  });

  test('a delete whose answer is lost has deleted; the retry answers 404', async () => {
    await withEmulator({}, async (h) => {
      const id = (await h.g('POST', POLICIES, minimalPolicy())).body.id as string;
      await call(`${h.emu.url}/_emulator/faults`, 'POST', { spec: 'rate=1,kinds=lost,methods=DELETE,seed=1' });
      try {
        expect((await h.g('DELETE', `${POLICIES}/${id}`)).status).toBe(504);
      } catch {
        // a reset: just as lost
      }
      await call(`${h.emu.url}/_emulator/faults`, 'POST', { spec: null });
      expect((await h.g('DELETE', `${POLICIES}/${id}`)).status).toBe(404);
      expect((await h.g('GET', '/identity/conditionalAccess/deletedItems/policies')).body.value).toHaveLength(1);
    });
  });
});

describe('list lag', () => {
  test('a list and a GET show a create, an update and a delete only after the lag; writes see the primary', async () => {
    await withEmulator({ listLagMs: 1500 }, async (h) => {
      const created = await h.g('POST', POLICIES, minimalPolicy({ displayName: 'Lagging' }));
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      expect((await h.g('GET', POLICIES)).body.value).toHaveLength(0);
      expect((await h.g('GET', `${POLICIES}/${id}`)).status).toBe(404);
      // The primary has it: a PATCH succeeds at once.
      expect((await h.g('PATCH', `${POLICIES}/${id}`, { state: 'disabled' })).status).toBe(204);
      await sleep(1600);
      const now = await h.g('GET', `${POLICIES}/${id}`);
      expect(now.status).toBe(200);
      expect(now.body.state).toBe('disabled');
      expect((await h.g('DELETE', `${POLICIES}/${id}`)).status).toBe(204);
      expect((await h.g('GET', POLICIES)).body.value).toHaveLength(1);
      expect((await h.g('GET', '/identity/conditionalAccess/deletedItems/policies')).body.value).toHaveLength(0);
      await sleep(1600);
      expect((await h.g('GET', POLICIES)).body.value).toHaveLength(0);
      expect((await h.g('GET', '/identity/conditionalAccess/deletedItems/policies')).body.value).toHaveLength(1);
    });
  });

  test('the admin endpoint sets the lag; 0 turns it off', async () => {
    await withEmulator({}, async (h) => {
      expect((await call(`${h.emu.url}/_emulator/list-lag`, 'POST', { ms: -1 })).status).toBe(400);
      expect((await call(`${h.emu.url}/_emulator/list-lag`, 'POST', { ms: 5000 })).status).toBe(200);
      await h.g('POST', POLICIES, minimalPolicy());
      expect((await h.g('GET', POLICIES)).body.value).toHaveLength(0);
      await call(`${h.emu.url}/_emulator/list-lag`, 'POST', { ms: 0 });
      expect((await h.g('GET', POLICIES)).body.value).toHaveLength(1);
    });
  });
});
