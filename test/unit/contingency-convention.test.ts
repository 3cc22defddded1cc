import { allContingencySets, contingencyPolicyNames, conventionSets, conventionSlug } from '../../src/contingency/convention.js';
import { renderContingencyStatus } from '../../src/render/contingency-text.js';
import { setStatus } from '../../src/contingency/contingency.js';
import type { JsonObject, SourceDocument } from '../../src/model/documents.js';
import type { TenantSnapshot } from '../../src/model/tenant.js';

const MFA = [
  'EM01 - ENABLE IN EMERGENCY: MFA Disruption [1/4] - Exchange SharePoint: Require hybrid join',
  'EM02 - ENABLE IN EMERGENCY: MFA Disruption[2/4] - Exchange SharePoint: Block access except browser',
  'EM03 - enable in emergency: MFA Disruption [ 3 / 4 ] - Teams: Require compliant device',
  'EM04 - ENABLE IN EMERGENCY: MFA Disruption [4/4] - All apps: Block non-corporate network',
];

describe('conventionSlug', () => {
  test('lower case, every run of non-alphanumerics one dash, trimmed', () => {
    expect(conventionSlug('MFA Disruption')).toBe('mfa-disruption');
    expect(conventionSlug('  Azure AD / Entra — outage!! ')).toBe('azure-ad-entra-outage');
    expect(conventionSlug('é')).toBe('');
  });
});

describe('conventionSets', () => {
  test('policies with the mark and a tag form a set named by the slug, in [n/m] order; spaces around [n/m] may vary', () => {
    const names = [MFA[3]!, 'CA001 Block legacy authentication', MFA[1]!, MFA[0]!, MFA[2]!];
    expect(conventionSets(names)).toEqual({
      sets: [{ name: 'mfa-disruption', activate: MFA, deactivate: [], deactivatedState: 'enabledForReportingButNotEnforced', source: 'convention' }],
      problems: [],
    });
  });

  test('several tags: several sets, sorted by name; names compared case-insensitively count once', () => {
    const names = [...MFA, 'EM05 - ENABLE IN EMERGENCY - Device Compliance Disruption [1/1] - All: Require MFA', MFA[0]!.toUpperCase()];
    const { sets, problems } = conventionSets(names);
    expect(sets.map((s) => [s.name, s.activate.length])).toEqual([
      ['device-compliance-disruption', 1],
      ['mfa-disruption', 4],
    ]);
    expect(problems).toEqual([]);
  });

  test('an incomplete set: [n/m] says 4, only 3 found; the set still forms', () => {
    const { sets, problems } = conventionSets([MFA[0]!, MFA[1]!, MFA[3]!]);
    expect(sets[0]?.activate).toHaveLength(3);
    expect(problems).toEqual([
      'contingency set "mfa-disruption" (by name convention) is incomplete: [n/m] says 4 policies, found 3 (missing 3/4); create or rename the missing policy',
    ]);
  });

  test('a position taken twice, and sizes that disagree', () => {
    const dup = 'EM09 - ENABLE IN EMERGENCY: MFA Disruption [2/4] - Other';
    expect(conventionSets([...MFA, dup]).problems).toEqual([
      expect.stringMatching(/^contingency set "mfa-disruption" \(by name convention\): position 2 is claimed by 2 policies \("EM02 .*", "EM09 .*"\); give each its own number$/),
    ]);
    const odd = 'EM05 - ENABLE IN EMERGENCY: MFA Disruption [5/5] - Other';
    const { problems } = conventionSets([...MFA, odd]);
    expect(problems[0]).toMatch(/disagree on the set's size .*"EM05 .*" says 5\/5/);
    // Positions 1 to 5 are all there: only the sizes disagree.
    expect(problems).toHaveLength(1);
  });

  test('the mark without a tag and [n/m] that can be read: a problem, no set', () => {
    const names = ['EM01 - ENABLE IN EMERGENCY: MFA Disruption - no position', 'EM02 - ENABLE IN EMERGENCY [1/2]', 'EM03 - ENABLE IN EMERGENCY: X [3/2]'];
    const { sets, problems } = conventionSets(names);
    expect(sets).toEqual([]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe(
      'policy "EM01 - ENABLE IN EMERGENCY: MFA Disruption - no position" carries "ENABLE IN EMERGENCY" but no disruption tag and [n/m] that can be read (expected e.g. "ENABLE IN EMERGENCY: MFA Disruption [1/4]"): it belongs to no contingency set; rename it, or list it in a set in caac.yml',
    );
  });

  test('names without the mark form nothing', () => {
    expect(conventionSets(['CA001 MFA Disruption [1/4]', 'ENABLE IN EMERGENCYX: A [1/1]'])).toEqual({ sets: [], problems: [] });
  });
});

describe('allContingencySets', () => {
  test('caac.yml sets first, then convention sets; a caac.yml set of the same name wins and its convention problems go', () => {
    const incomplete = [MFA[0]!, MFA[1]!];
    const other = 'EM07 - ENABLE IN EMERGENCY: Network Outage [1/2] - x';
    const declared = { contingency: { 'mfa-disruption': { activate: ['C1'] } } };
    const all = allContingencySets(declared, [...incomplete, other]);
    expect(all.sets.map((s) => [s.name, s.source, s.activate])).toEqual([
      ['mfa-disruption', 'settings', ['C1']],
      ['network-outage', 'convention', [other]],
    ]);
    expect(all.problems).toEqual([{ set: 'network-outage', policies: [other], message: expect.stringContaining('"network-outage" (by name convention) is incomplete') }]);

    const without = allContingencySets({}, incomplete);
    expect(without.sets.map((s) => s.name)).toEqual(['mfa-disruption']);
    expect(without.problems.map((p) => p.set)).toEqual(['mfa-disruption']);
  });
});

describe('contingencyPolicyNames and status', () => {
  const doc = (displayName: string): SourceDocument => ({ file: 'f', kind: 'policy', value: { displayName, state: 'disabled' }, locate: () => ({ line: 1, column: 1 }) });
  const policy = (id: string, displayName: string, state: string): JsonObject => ({ id, displayName, state, modifiedDateTime: '2025-06-01T00:00:00Z' });
  const snapshot = (...policies: JsonObject[]): TenantSnapshot => ({ tenantId: 't', graphUrl: 'g', apiVersion: 'v1.0', policies, namedLocations: [], authenticationStrengths: [] });

  test('the names of the repository and of the tenant, each once', () => {
    const names = contingencyPolicyNames([doc(MFA[0]!), { ...doc('loc'), kind: 'namedLocation' }], snapshot(policy('1', MFA[0]!.toLowerCase(), 'enabled'), policy('2', MFA[1]!, 'enabled')));
    expect(names).toEqual([MFA[0], MFA[1]]);
  });

  test('a convention set is active like any other; the report marks it and prints the problems first', () => {
    const tenant = snapshot(policy('1', MFA[0]!, 'enabled'), policy('2', MFA[1]!, 'enabled'));
    const known = allContingencySets({}, contingencyPolicyNames([], tenant));
    const status = known.sets.map((s) => setStatus(s, tenant));
    expect(status[0]).toMatchObject({ name: 'mfa-disruption', source: 'convention', active: true, since: '2025-06-01T00:00:00Z' });
    const text = renderContingencyStatus(status, known.problems.map((p) => p.message));
    expect(text.split('\n')[0]).toMatch(/^warning: contingency set "mfa-disruption" \(by name convention\) is incomplete/);
    expect(text).toContain('mfa-disruption (by name convention): ACTIVE since 2025-06-01T00:00:00Z');
  });
});
