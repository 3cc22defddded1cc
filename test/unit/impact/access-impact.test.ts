/**
 * Access impact (issue 18 point 3): the sign-in matrix judged before and after a change, grouped by
 * change. Scenarios from Microsoft's Conditional Access documentation (require MFA for all users,
 * block legacy authentication, report-only mode) written in repository form (references).
 */
import type { JsonObject } from '../../../src/model/documents.js';
import { accessImpact } from '../../../src/impact/access-impact.js';
import { signInMatrix } from '../../../src/impact/matrix.js';

const BG = 'group:CA-BreakGlass';
const policy = (displayName: string, state: string, conditions: JsonObject, grantControls: JsonObject | null, sessionControls: JsonObject | null = null): JsonObject => ({
  displayName,
  state,
  conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeGroups: [BG] }, ...conditions },
  grantControls,
  sessionControls,
});
const mfa = (state = 'enabled') => policy('Require MFA', state, {}, { operator: 'OR', builtInControls: ['mfa'] });
const legacy = (state = 'enabled', users: JsonObject = { includeUsers: ['All'], excludeGroups: [BG] }) =>
  policy('Block legacy authentication', state, { clientAppTypes: ['exchangeActiveSync', 'other'], users }, { operator: 'OR', builtInControls: ['block'] });
const emergency = { users: [], groups: [BG] };
const side = (policies: JsonObject[]) => ({ policies, namedLocations: [] });

describe('access impact', () => {
  test('no change, no impact', () => {
    const r = accessImpact({ before: side([mfa(), legacy()]), after: side([mfa(), legacy()]), emergency });
    expect(r).toMatchObject({ changed: 0, newlyBlocked: 0, emergencyBlocked: 0, groups: [] });
    expect(r.signIns).toBeGreaterThan(0);
  });

  test('disabled → report-only has no impact: report-only enforces nothing', () => {
    const r = accessImpact({ before: side([mfa(), legacy('disabled')]), after: side([mfa(), legacy('enabledForReportingButNotEnforced')]), emergency });
    expect(r.changed).toBe(0);
  });

  test('enabled → report-only shows as requirements lost, for everyone but the emergency group', () => {
    const r = accessImpact({ before: side([mfa()]), after: side([mfa('enabledForReportingButNotEnforced')]), emergency });
    expect(r.newlyBlocked).toBe(0);
    expect(r.groups).toHaveLength(1);
    expect(r.groups[0]).toMatchObject({ change: 'requirements', gained: [], lost: ['mfa'], emergency: false, who: ['an ordinary member'] });
    expect(r.groups[0]!.signIns).toBe(r.changed);
  });

  test('enabling a legacy-authentication block: legacy clients become blocked, counted with an example', () => {
    const r = accessImpact({ before: side([mfa(), legacy('enabledForReportingButNotEnforced')]), after: side([mfa(), legacy()]), emergency });
    expect(r.emergencyBlocked).toBe(0);
    expect(r.groups.map((g) => g.change)).toEqual(['blocked']);
    const g = r.groups[0]!;
    expect(g.blockedBy).toEqual(['Block legacy authentication']);
    expect(g.signIns).toBe(r.newlyBlocked);
    // Two legacy client types, for each target (one unnamed app): the ordinary member.
    expect(g.signIns).toBe(2);
    expect(g.example).toMatch(/^an ordinary member → an application no policy names, with (exchangeActiveSync|other)$/);
  });

  test('a block that forgets the emergency group blocks the emergency accounts too', () => {
    const r = accessImpact({ before: side([mfa()]), after: side([mfa(), legacy('enabled', { includeUsers: ['All'] })]), emergency });
    expect(r.emergencyBlocked).toBe(2);
    expect(r.groups[0]).toMatchObject({ change: 'blocked', emergency: true, who: expect.arrayContaining(['emergency account in group:CA-BreakGlass', 'an ordinary member']) });
    expect(r.groups[0]!.example).toMatch(/^emergency account in group:CA-BreakGlass/);
  });

  test('swapping MFA for a compliant device: requirements gained and lost, grouped once', () => {
    const device = policy('Require MFA', 'enabled', {}, { operator: 'OR', builtInControls: ['compliantDevice', 'domainJoinedDevice'] });
    const r = accessImpact({ before: side([mfa()]), after: side([device]), emergency });
    expect(r.groups).toEqual([expect.objectContaining({ change: 'requirements', gained: ['compliantDevice or domainJoinedDevice'], lost: ['mfa'] })]);
  });

  test('a block for one group, from a named location: only that group, only from there', () => {
    const finance = policy('Block Finance abroad', 'enabled', { users: { includeGroups: ['group:Finance'] }, locations: { includeLocations: ['location:Abroad'] } }, { operator: 'OR', builtInControls: ['block'] });
    const abroad = { displayName: 'Abroad', '@odata.type': '#microsoft.graph.countryNamedLocation', countriesAndRegions: ['KP'] };
    const r = accessImpact({ before: { policies: [mfa()], namedLocations: [abroad] }, after: { policies: [mfa(), finance], namedLocations: [abroad] }, emergency });
    expect(r.groups).toEqual([expect.objectContaining({ change: 'blocked', who: ['member of group:Finance'], signIns: 1, example: 'member of group:Finance → an application no policy names, from location:Abroad' })]);
  });

  test('removing a block: the sign-ins it blocked are no longer blocked (never refused)', () => {
    const r = accessImpact({ before: side([mfa(), legacy()]), after: side([mfa()]), emergency });
    expect(r.newlyBlocked).toBe(0);
    expect(r.groups.map((g) => g.change)).toEqual(['unblocked']);
  });
});

describe('the sign-in matrix', () => {
  test('names every population, target and condition the policies use, plus the unnamed ones', () => {
    const p = policy('Mixed', 'enabled', {
      users: { includeGroups: ['group:Finance'], includeRoles: ['role:Global Administrator'], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest,serviceProvider' }, excludeUsers: ['user:ceo@contoso.com'] },
      applications: { includeApplications: ['Office365', 'app:Payroll'] },
      platforms: { includePlatforms: ['iOS', 'android'] },
      signInRiskLevels: ['high'],
      authenticationFlows: { transferMethods: 'deviceCodeFlow' },
    }, { operator: 'OR', builtInControls: ['mfa'] });
    const m = signInMatrix({ policies: [p], emergency: { users: ['user:bg1@contoso.com'], groups: [] } });
    const who = [...new Set(m.map((s) => s.who))];
    expect(who).toEqual(['emergency account user:bg1@contoso.com', 'user:ceo@contoso.com', 'member of group:Finance', 'holder of role:Global Administrator', 'guest (b2bCollaborationGuest)', 'guest (serviceProvider)', 'an ordinary member']);
    expect([...new Set(m.map((s) => s.what))].sort()).toEqual(['00000002-0000-0ff1-ce00-000000000000', 'an application no policy names', 'app:Payroll']);
    expect([...new Set(m.map((s) => s.conditions))]).toEqual(['base conditions', 'on iOS', 'on android', 'sign-in risk high', 'through deviceCodeFlow']);
    expect(m).toHaveLength(7 * 3 * 5);
    expect(m.filter((s) => s.emergency)).toHaveLength(15);
  });
});
