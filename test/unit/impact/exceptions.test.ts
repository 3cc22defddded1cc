/**
 * caac.yml's exceptions in the access impact and in coverage (issue 19 point 5): who an exception
 * leaves out is a persona of its own, its changes are grouped and counted apart with its end and
 * reason, a permanent exclusion (the file's own) is never reported as an exception, and a new block
 * that only an exception's end brings back is accepted by apply. Pure: no clock, no tenant.
 */
import { accessImpact } from '../../../src/impact/access-impact.js';
import { coverage } from '../../../src/impact/coverage.js';
import { deployedExclusions, withExceptions, withoutExceptions, type ExceptionExclusion } from '../../../src/impact/exception-exclusions.js';
import { signInMatrix } from '../../../src/impact/matrix.js';
import { impactRefusal } from '../../../src/apply/impact-guard.js';
import type { JsonObject } from '../../../src/model/documents.js';
import type { Plan } from '../../../src/model/plan.js';
import { impactMarkdown, impactTextLines } from '../../../src/render/plan-impact.js';
import { renderCoverage } from '../../../src/render/coverage-report.js';

const ALEX = 'user:alex@contoso.com';
const PERM = 'user:scanner@contoso.com';

function mfa(excludeUsers: string[], excludeGroups: string[] = ['group:BG']): JsonObject {
  return { id: 'p1', displayName: 'CA010 - MFA', state: 'enabled', conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeUsers, excludeGroups } }, grantControls: { operator: 'OR', builtInControls: ['mfa'] } };
}
function countryBlock(excludeUsers: string[]): JsonObject {
  return { id: 'p2', displayName: 'CA005 - Block countries', state: 'enabled', conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeUsers, excludeGroups: ['group:BG'] }, locations: { includeLocations: ['location:Blocked'] } }, grantControls: { operator: 'OR', builtInControls: ['block'] } };
}
const travel = (policy: string, ended = false): ExceptionExclusion => ({ policy, kind: 'user', value: ALEX, until: '2026-12-14', reason: 'travel', ...(ended ? { ended: true } : {}) });
const emergency = { users: [], groups: ['group:BG'] };
const locations = [{ id: 'location:Blocked', displayName: 'Blocked', '@odata.type': '#microsoft.graph.countryNamedLocation', countriesAndRegions: ['KP'] }];

describe('access impact with exceptions', () => {
  test('an exception added: its person loses MFA in a group of its own, marked with until and reason; a permanent exclusion added beside it is not', () => {
    const impact = accessImpact({
      before: { policies: [mfa([])], namedLocations: [] },
      after: { policies: [mfa([PERM, ALEX])], namedLocations: [] },
      emergency,
      exceptions: [travel('CA010 - MFA')],
    });
    const byWho = (who: string) => impact.groups.filter((g) => g.who.includes(who));
    expect(byWho(ALEX)).toHaveLength(1);
    expect(byWho(ALEX)[0]).toMatchObject({ change: 'requirements', lost: ['mfa'], who: [ALEX], exceptions: [{ who: ALEX, policy: 'CA010 - MFA', until: '2026-12-14', reason: 'travel' }] });
    expect(byWho(PERM)).toHaveLength(1);
    expect(byWho(PERM)[0]!.exceptions).toBeUndefined();
    expect(impact.fromExceptions).toBe(byWho(ALEX)[0]!.signIns);
    const text = impactTextLines({ impact }).join('\n');
    expect(text).toContain(`(${impact.fromExceptions} because of caac.yml's exceptions)`);
    expect(text).toContain(`because of caac.yml's exception until 2026-12-14 (travel): ${ALEX} excluded from "CA010 - MFA"`);
  });

  test('no exception: no marks and no count', () => {
    const impact = accessImpact({ before: { policies: [mfa([])], namedLocations: [] }, after: { policies: [mfa([ALEX])], namedLocations: [] }, emergency });
    expect(impact.groups.length).toBeGreaterThan(0);
    expect(impact.groups.every((g) => g.exceptions === undefined)).toBe(true);
    expect(impact.fromExceptions).toBeUndefined();
  });

  test('an exception ending on a block policy: the block it brings back says so and apply accepts it; the same block from a file change is refused', () => {
    const input = { before: { policies: [countryBlock([ALEX])], namedLocations: locations }, after: { policies: [countryBlock([])], namedLocations: locations }, emergency };
    const ending = accessImpact({ ...input, exceptions: [travel('CA005 - Block countries', true)] });
    const blocked = ending.groups.filter((g) => g.change === 'blocked');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]!.exceptions).toEqual([{ who: ALEX, policy: 'CA005 - Block countries', until: '2026-12-14', reason: 'travel', ended: true }]);
    expect(ending.newlyBlocked).toBeGreaterThan(0);
    expect(impactRefusal({ impact: ending } as Plan, false)).toBeUndefined();
    expect(impactTextLines({ impact: ending }).join('\n')).toContain(`exception expired 2026-12-14 (travel): ${ALEX} no longer excluded from "CA005 - Block countries"`);
    expect(impactTextLines({ impact: ending }).join('\n')).toContain('apply accepts this impact: its');

    const edited = accessImpact(input);
    expect(impactRefusal({ impact: edited } as Plan, false)).toMatch(/blocks \d+ sign-in\(s\) that are not blocked today/);
    expect(impactRefusal({ impact: edited } as Plan, true)).toBeUndefined();
  });

  test("a restore's plan says restore accepts new blocks, not --accept-impact (emergency blocks still refused)", () => {
    const impact = accessImpact({ before: { policies: [countryBlock([ALEX])], namedLocations: locations }, after: { policies: [countryBlock([])], namedLocations: locations }, emergency });
    const restore = impactTextLines({ impact }, { acceptsBlocks: 'restore' }).join('\n');
    expect(restore).toContain('restore accepts the');
    expect(restore).not.toContain('--accept-impact');
    expect(impactTextLines({ impact }).join('\n')).toContain('unless run with --accept-impact');
    const emergencyBlocked = { ...impact, emergencyBlocked: 1 };
    expect(impactTextLines({ impact: emergencyBlocked }, { acceptsBlocks: 'restore' }).join('\n')).toContain('never accepted');
  });

  test('markdown escapes a hostile reason', () => {
    const impact = accessImpact({
      before: { policies: [mfa([])], namedLocations: [] },
      after: { policies: [mfa([ALEX])], namedLocations: [] },
      emergency,
      exceptions: [{ ...travel('CA010 - MFA'), reason: 'see [here](https://evil.example) | <b>' }],
    });
    const md = impactMarkdown({ impact });
    expect(md).not.toContain('](https://');
    expect(md).not.toContain('<b>');
    expect(md).toContain('\\|');
  });

  test('the matrix keeps an exception\'s person apart from alike values', () => {
    const policies = [mfa([PERM, ALEX])];
    const merged = signInMatrix({ policies, emergency }).map((s) => s.who);
    expect(merged).toContain(`${PERM} (or 1 alike)`);
    const apart = signInMatrix({ policies, emergency, separate: [ALEX] }).map((s) => s.who);
    expect(apart).toEqual(expect.arrayContaining([PERM, ALEX]));
    expect(apart.some((w) => w.includes('alike'))).toBe(false);
  });
});

describe('coverage with exceptions', () => {
  const entries = [
    { policy: 'CA010*', exclude: { users: [ALEX, PERM] }, until: '2026-12-14', reason: 'travel' },
    { policy: 'CA010 - MFA', exclude: { groups: ['group:Vendors'] }, until: '2026-01-31', reason: 'ended' },
  ];
  const now = new Date('2026-06-01T00:00:00Z');

  test('withExceptions adds only active entries and only what the file does not exclude itself', () => {
    const { policies, exclusions } = withExceptions([mfa([PERM])], entries, now);
    expect(((policies[0]!['conditions'] as JsonObject)['users'] as JsonObject)['excludeUsers']).toEqual([PERM, ALEX]);
    expect(((policies[0]!['conditions'] as JsonObject)['users'] as JsonObject)['excludeGroups']).toEqual(['group:BG']);
    expect(exclusions).toEqual([{ policy: 'CA010 - MFA', kind: 'user', value: ALEX, until: '2026-12-14', reason: 'travel' }]);
    expect(withoutExceptions(policies, exclusions)).toEqual([mfa([PERM])]);
    // The end of its day (UTC) ends it.
    expect(withExceptions([mfa([])], entries, new Date('2026-12-15T00:00:00Z')).exclusions).toEqual([]);
  });

  test('the exception\'s person is reported apart with until and reason; the permanent one stays a gap', () => {
    const { policies, exclusions } = withExceptions([mfa([PERM])], entries, now);
    const report = coverage({ policies, namedLocations: [], emergency, exceptions: exclusions });
    expect(report.withoutMfa.map((g) => g.who)).toContain(PERM);
    expect(report.withoutMfa.map((g) => g.who)).not.toContain(ALEX);
    expect(report.excludedByException).toEqual([expect.objectContaining({ who: ALEX, policy: 'CA010 - MFA', until: '2026-12-14', reason: 'travel', outside: 'MFA' })]);
    expect(report.excludedByException![0]!.signIns).toBeGreaterThan(0);
    const text = renderCoverage({ set: { source: 'repository', policies, namedLocations: [], emergency, labels: {} }, report }, 'text');
    expect(text).toContain(`excluded by exception until 2026-12-14 (travel): ${ALEX} — outside "CA010 - MFA"'s MFA`);
    // Without exceptions the report has no such section.
    expect(coverage({ policies: [mfa([PERM])], namedLocations: [], emergency }).excludedByException).toBeUndefined();
  });

  test('a group only an exception excludes is no permanent exclusion gap', () => {
    const { policies, exclusions } = withExceptions([mfa([])], [{ policy: 'CA010 - MFA', exclude: { groups: ['group:Vendors'] }, until: '2026-12-14', reason: 'laptops' }], now);
    const report = coverage({ policies, namedLocations: [], emergency, exceptions: exclusions });
    expect(report.exclusionGaps).toEqual([]);
    expect(report.excludedByException).toEqual([expect.objectContaining({ who: 'group:Vendors', reason: 'laptops' })]);
    expect(report.withoutMfa.map((g) => g.who)).not.toContain('member of group:Vendors');
  });

  test('deployed (ids): an exception\'s person in the tenant\'s list is one; a person the file excludes itself is not', () => {
    const ids: Record<string, string> = { [`user:${ALEX}`]: 'id-alex', [`user:${PERM}`]: 'id-perm' };
    const idOf = (kind: string, ref: string): string | undefined => ids[`${kind}:${ref}`];
    const tenant = [mfa(['ID-ALEX', 'id-perm'])];
    const files = [mfa([PERM])];
    expect(deployedExclusions(tenant, entries, now, idOf, files)).toEqual([{ policy: 'CA010 - MFA', kind: 'user', value: 'ID-ALEX', until: '2026-12-14', reason: 'travel' }]);
    // Not deployed yet, or ended: nothing.
    expect(deployedExclusions([mfa(['id-perm'])], entries, now, idOf, files)).toEqual([]);
    expect(deployedExclusions(tenant, entries, new Date('2027-01-01T00:00:00Z'), idOf, files)).toEqual([]);
  });
});
