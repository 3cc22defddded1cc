/**
 * Graph's advanced queries (`ConsistencyLevel: eventual`, which caac's name look-ups use to pack
 * many names in one filter) read an index that lags behind writes. The emulator does the same with
 * --eventual-consistency, and caac then says "not found" rather than guessing.
 */
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startEmulator({ seed: 'sample', eventualConsistencyMs: 60_000 });
});
afterEach(async () => {
  await emu.stop();
});

const headers = { authorization: 'Bearer t' };
async function groupsNamed(name: string, advanced: boolean): Promise<string[]> {
  const url = `${emu.url}/v1.0/groups?$filter=${encodeURIComponent(`displayName in ('${name}')`)}`;
  const res = await fetch(url, { headers: advanced ? { ...headers, ConsistencyLevel: 'eventual' } : headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as { value: { displayName: string }[] }).value.map((g) => g.displayName);
}

test('a group added a moment ago is not in the advanced-query index yet; a standard query sees it', async () => {
  const state = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { groups: Record<string, unknown>[] };
  state.groups.push({ id: '5f0c8a4e-1b7d-4c39-9a61-0d2e3f4a5b6c', displayName: 'CA-New-Pilot' });
  expect((await fetch(`${emu.url}/_emulator/state`, { method: 'PUT', body: JSON.stringify(state) })).status).toBe(204);

  expect(await groupsNamed('CA-New-Pilot', true)).toEqual([]);
  expect(await groupsNamed('CA-New-Pilot', false)).toEqual(['CA-New-Pilot']);
  // The sample's own groups were there before: the index has them.
  const known = state.groups[0]!['displayName'] as string;
  expect(await groupsNamed(known, true)).toEqual([known]);
});
