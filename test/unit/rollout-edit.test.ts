/** The text edits of `caac rollout advance`: only the value changed, everything else byte for byte. */
import { setPolicyState, setRolloutEntry } from '../../src/rollout/advance-edit.js';
import { nextStage } from '../../src/rollout/advance.js';
import { ConfigurationError } from '../../src/errors.js';

const BLOCK = `# settings\nrollout:\n  rings:\n    - name: pilot   # the pilot\n      include: ["group:Pilot"]\n    - name: all\n  policies:\n    # first\n    CA100 - MFA:\n      ring: pilot # stays a comment\n      since: 2026-01-01\n    "CA101 - Block": { ring: pilot }\n  gates: { minDays: 7 }   # after\n`;

const changedLines = (before: string, after: string) => after.split('\n').filter((l) => !before.split('\n').includes(l));

test('an entry in block style: ring and since replaced in place, comments kept', () => {
  const out = setRolloutEntry(BLOCK, 'caac.yml', 'CA100 - MFA', 'all', '2026-02-03');
  expect(changedLines(BLOCK, out)).toEqual(['      ring: all # stays a comment', '      since: "2026-02-03"']);
  expect(out.split('\n').length).toBe(BLOCK.split('\n').length);
});

test('an entry in flow style without since: since added inside the braces', () => {
  const out = setRolloutEntry(BLOCK, 'caac.yml', 'CA101 - Block', 'all', '2026-02-03');
  expect(changedLines(BLOCK, out)).toEqual(['    "CA101 - Block": { ring: all, since: "2026-02-03" }']);
});

test('a block entry without since gets a since line at the ring\'s indentation', () => {
  const text = 'rollout:\n  policies:\n    X:\n      ring: pilot\n  rings: []\n';
  expect(setRolloutEntry(text, 'caac.yml', 'X', 'all', '2026-02-03')).toBe('rollout:\n  policies:\n    X:\n      ring: all\n      since: "2026-02-03"\n  rings: []\n');
});

test('a policy not listed yet: a new entry after the last one; in an empty flow map, inside it', () => {
  const out = setRolloutEntry(BLOCK, 'caac.yml', 'CA102 - New: "quoted"', 'pilot', '2026-02-03');
  expect(changedLines(BLOCK, out)).toEqual(['    "CA102 - New: \\"quoted\\"": { ring: pilot, since: "2026-02-03" }']);
  expect(out.indexOf('CA102')).toBeGreaterThan(out.indexOf('CA101'));
  expect(out.indexOf('CA102')).toBeLessThan(out.indexOf('gates'));
  expect(setRolloutEntry('rollout:\n  policies: {}\n', 'caac.yml', 'X', 'pilot', '2026-02-03')).toBe('rollout:\n  policies: {"X": { ring: pilot, since: "2026-02-03" }}\n');
});

test('no rollout.policies map: a clear refusal, not a guess', () => {
  expect(() => setRolloutEntry('rollout:\n  rings: []\n', 'caac.yml', 'X', 'pilot', '2026-02-03')).toThrow(ConfigurationError);
  expect(() => setRolloutEntry('naming: {}\n', 'caac.yml', 'X', 'pilot', '2026-02-03')).toThrow(/no rollout: map/);
});

test('a policy file\'s state: JSON keeps its indentation (4 spaces, tabs), YAML its quoting and comments', () => {
  const four = '{\n    "displayName": "X",\n    "state": "enabledForReportingButNotEnforced",\n    "conditions": {}\n}\n';
  expect(setPolicyState(four, 'p.json', 'enabled')).toBe(four.replace('enabledForReportingButNotEnforced', 'enabled'));
  const tabs = '{\n\t"state": "disabled",\n\t"x": [1, 2]\n}';
  expect(setPolicyState(tabs, 'p.json', 'enabled')).toBe(tabs.replace('disabled', 'enabled'));
  const yaml = "displayName: X\nstate: 'enabledForReportingButNotEnforced' # report-only\nconditions: {}\n";
  expect(setPolicyState(yaml, 'p.yaml', 'enabled')).toBe("displayName: X\nstate: 'enabled' # report-only\nconditions: {}\n");
  expect(() => setPolicyState('{"displayName": "X"}', 'p.json', 'enabled')).toThrow(/no "state"/);
});

test('next stage: report-only → enforced on its ring; then ring by ring; forward only; complete at all', () => {
  const rings = [{ name: 'pilot', include: ['group:P'] }, { name: 'wave', include: ['group:W'] }, { name: 'all', include: [] }];
  const ro = 'enabledForReportingButNotEnforced';
  expect(nextStage(rings, { key: 'X', ring: 'pilot' }, ro)).toMatchObject({ stage: { ring: 'pilot', state: 'enabled' } });
  expect(nextStage(rings, undefined, ro)).toMatchObject({ stage: { ring: 'pilot', state: 'enabled' } });
  expect(nextStage(rings, { key: 'X', ring: 'pilot' }, 'enabled')).toMatchObject({ stage: { ring: 'wave', state: 'enabled' } });
  expect(nextStage(rings, { key: 'X', ring: 'pilot' }, 'enabled', 'all')).toMatchObject({ stage: { ring: 'all' } });
  expect(nextStage(rings, { key: 'X', ring: 'wave' }, 'enabled', 'pilot')).toMatchObject({ refusal: expect.stringMatching(/forward only/) });
  expect(nextStage(rings, { key: 'X', ring: 'all' }, 'enabled')).toMatchObject({ refusal: expect.stringMatching(/already on ring all/) });
  expect(nextStage(rings, { key: 'X', ring: 'pilot' }, 'disabled')).toMatchObject({ refusal: expect.stringMatching(/disabled/) });
  expect(nextStage(rings, { key: 'X', ring: 'pilot' }, 'enabled', 'nope')).toMatchObject({ refusal: expect.stringMatching(/not in rollout.rings/) });
});
