/**
 * The evaluation rules Microsoft documents, one scenario each (docs/impact.md cites the pages):
 * exclusions beat inclusions, block wins, report-only never enforces, disabled never applies,
 * AND/OR combined, workload identities, app groups, locations, platforms, device filters.
 */
import { evaluate } from '../../../src/impact/evaluate.js';
import type { EvaluationContext } from '../../../src/impact/context.js';
import { locationViews } from '../../../src/impact/context.js';
import { policy, signIn, user } from './scenarios.js';

const NONE: EvaluationContext = { namedLocations: [] };
const MFA = { operator: 'OR', builtInControls: ['mfa'] };
const BLOCK = { operator: 'OR', builtInControls: ['block'] };

describe('assignments', () => {
  test('an exclusion beats an inclusion: a Finance member excluded by name is out, with the reason', () => {
    const p = policy('Finance MFA', { users: { includeGroups: ['group:Finance'], excludeUsers: ['user:adele.vance@contoso.com'] } }, MFA);
    const result = evaluate([p], signIn({ identity: user({ groups: ['Group:FINANCE'] }) }), NONE);
    expect(result.outcome).toBe('allow');
    expect(result.notApplied).toEqual([{ name: 'Finance MFA', reason: 'user excluded (user:adele.vance@contoso.com)' }]);
  });

  test('identities compare as written, any case: references offline, ids from a tenant', () => {
    const id = '5b1f3f0e-8a4c-4c55-9a0a-2b1c0e7d9f11';
    const p = policy('By id', { users: { includeGroups: [id.toUpperCase()] } }, MFA);
    expect(evaluate([p], signIn({ identity: user({ groups: [id] }) }), NONE).applied).toEqual(['By id']);
    expect(evaluate([p], signIn({ identity: user({ groups: ['group:Finance'] }) }), NONE).notApplied[0]?.reason).toBe('user not included');
  });

  test('guest types: only the listed types, and an enumerated external tenant must match', () => {
    const p = policy('B2B only', { users: { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest', externalTenants: { membershipKind: 'enumerated', members: ['tenant-a'] } } } }, MFA);
    const guest = (guestType: 'b2bCollaborationGuest' | 'internalGuest', homeTenant: string) => signIn({ identity: user({ guestType, homeTenant }) });
    expect(evaluate([p], guest('b2bCollaborationGuest', 'tenant-a'), NONE).applied).toEqual(['B2B only']);
    expect(evaluate([p], guest('b2bCollaborationGuest', 'tenant-b'), NONE).applied).toEqual([]);
    expect(evaluate([p], guest('internalGuest', 'tenant-a'), NONE).applied).toEqual([]);
    expect(evaluate([p], signIn(), NONE).applied).toEqual([]);
  });

  test('workload identities: only policies naming service principals apply to them, and user policies never do', () => {
    const workloadBlock = policy('Block workloads outside', { users: { includeUsers: ['None'] }, clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'], excludeServicePrincipals: ['servicePrincipal:Trusted sync'] } }, BLOCK);
    const userMfa = policy('Users MFA', {}, MFA);
    const workload = (servicePrincipal: string) => signIn({ identity: { kind: 'workload', servicePrincipal } });
    const blocked = evaluate([workloadBlock, userMfa], workload('servicePrincipal:Payroll sync'), NONE);
    expect(blocked.blockedBy).toEqual(['Block workloads outside']);
    expect(blocked.notApplied).toEqual([{ name: 'Users MFA', reason: 'targets users, not workload identities' }]);
    expect(evaluate([workloadBlock], workload('servicePrincipal:trusted sync'), NONE).notApplied[0]?.reason).toBe('workload identity excluded (servicePrincipal:trusted sync)');
    expect(evaluate([workloadBlock], signIn(), NONE).notApplied[0]?.reason).toBe('targets workload identities, not users');
  });

  test('Office365 covers its member apps by appId and by name; MicrosoftAdminPortals covers the Azure portal', () => {
    const o365 = policy('O365', { applications: { includeApplications: ['Office365'] } }, MFA);
    const portals = policy('Portals', { applications: { includeApplications: ['MicrosoftAdminPortals'] } }, BLOCK);
    const to = (application: string) => signIn({ target: { kind: 'application', application } });
    expect(evaluate([o365], to('00000002-0000-0ff1-ce00-000000000000'), NONE).applied).toEqual(['O365']);
    expect(evaluate([o365], to('app:Office 365 SharePoint Online'), NONE).applied).toEqual(['O365']);
    expect(evaluate([o365], to('app:Contoso Payroll'), NONE).notApplied[0]?.reason).toBe('application not included');
    expect(evaluate([portals], to('c44b4083-3bb0-49c1-b47d-974e53cbdf3c'), NONE).outcome).toBe('block');
    expect(evaluate([portals], to('00000002-0000-0ff1-ce00-000000000000'), NONE).outcome).toBe('allow');
  });

  test('an app excluded by id is out even when it was included by name, and All excluding Office365 spares Exchange', () => {
    const p = policy('All but O365', { applications: { includeApplications: ['All'], excludeApplications: ['Office365'] } }, MFA);
    const exchange = signIn({ target: { kind: 'application', application: 'app:Office 365 Exchange Online' } });
    expect(evaluate([p], exchange, NONE).notApplied[0]?.reason).toBe('application excluded (Office365)');
    const byName = policy('Named', { applications: { includeApplications: ['app:Office 365 Exchange Online'], excludeApplications: ['00000002-0000-0ff1-ce00-000000000000'] } }, MFA);
    expect(evaluate([byName], exchange, NONE).applied).toEqual([]);
  });

  test('user actions and authentication contexts are targets of their own: an All-apps policy does not cover them', () => {
    const all = policy('All apps', {}, MFA);
    const result = evaluate([all], signIn({ target: { kind: 'userAction', userAction: 'urn:user:registerdevice' } }), NONE);
    expect(result.notApplied[0]?.reason).toBe('user action urn:user:registerdevice not included');
  });
});

describe('enforcement', () => {
  test('block wins over every grant, and names the blocking policy', () => {
    const result = evaluate([policy('MFA', {}, MFA), policy('Block', {}, BLOCK)], signIn(), NONE);
    expect(result).toMatchObject({ outcome: 'block', applied: ['MFA', 'Block'], blockedBy: ['Block'], grant: null });
  });

  test('report-only never enforces: a report-only block leaves the sign-in allowed and is listed apart', () => {
    const result = evaluate([policy('Block (report-only)', {}, BLOCK, { state: 'enabledForReportingButNotEnforced' })], signIn(), NONE);
    expect(result).toMatchObject({ outcome: 'allow', applied: [], reportOnly: ['Block (report-only)'], notApplied: [] });
  });

  test('a disabled policy never applies', () => {
    expect(evaluate([policy('Off', {}, BLOCK, { state: 'disabled' })], signIn(), NONE).notApplied).toEqual([{ name: 'Off', reason: 'disabled' }]);
  });

  test('every applying policy is enforced together: AND controls add up, a shared OR choice stays a choice', () => {
    const either = { operator: 'OR', builtInControls: ['compliantDevice', 'domainJoinedDevice'] };
    const both = evaluate([policy('A', {}, either), policy('B', {}, either)], signIn(), NONE);
    expect(both.grant).toMatchObject({ operator: 'OR', controls: ['compliantDevice', 'domainJoinedDevice'], anyOf: [] });
    const mixed = evaluate([policy('A', {}, either), policy('C', {}, { operator: 'AND', builtInControls: ['mfa', 'approvedApplication'] })], signIn(), NONE);
    expect(mixed.grant).toMatchObject({ operator: 'AND', controls: ['mfa', 'approvedApplication'], anyOf: [['compliantDevice', 'domainJoinedDevice']] });
    expect(mixed.grant?.policies.map((p) => p.policy)).toEqual(['A', 'C']);
  });

  test('a choice one mandatory control already satisfies is not repeated', () => {
    const result = evaluate([policy('A', {}, { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] }), policy('B', {}, MFA)], signIn(), NONE);
    expect(result.grant).toMatchObject({ operator: 'AND', controls: ['mfa'], anyOf: [] });
  });

  test('session controls combine to the most restrictive: the shortest sign-in frequency, never-persistent browser', () => {
    const s1 = { signInFrequency: { isEnabled: true, type: 'hours', value: 8, frequencyInterval: 'timeBased' }, persistentBrowser: { isEnabled: true, mode: 'always' } };
    const s2 = { signInFrequency: { isEnabled: true, type: 'days', value: 1, frequencyInterval: 'timeBased' }, persistentBrowser: { isEnabled: true, mode: 'never' }, applicationEnforcedRestrictions: { isEnabled: true } };
    const result = evaluate([policy('S1', {}, null, { sessionControls: s1 }), policy('S2', {}, null, { sessionControls: s2 })], signIn(), NONE);
    expect(result.outcome).toBe('allow');
    expect(result.session).toMatchObject({ signInFrequency: { type: 'hours', value: 8 }, persistentBrowser: 'never', applicationEnforcedRestrictions: true });
  });
});

describe('conditions', () => {
  const offices = locationViews([
    { id: 'loc-1', displayName: 'Offices', ipRanges: [{ cidrAddress: '203.0.113.0/24' }, { cidrAddress: '2001:db8:abcd::/48' }], isTrusted: true },
    { id: 'loc-2', displayName: 'Embargo', countriesAndRegions: ['KP', 'IR'], includeUnknownCountriesAndRegions: false },
  ]);
  const ctx: EvaluationContext = { namedLocations: offices };
  const outsideOffices = policy('Outside', { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } }, MFA);

  test('IPv6 and IPv4 sign-ins inside a trusted named location are excluded by AllTrusted; outside they are not', () => {
    for (const ip of ['2001:db8:abcd:12::1', '203.0.113.77']) expect(evaluate([outsideOffices], signIn({ location: { ip } }), ctx).applied).toEqual([]);
    for (const ip of ['2001:db8:abce::1', '203.0.114.1']) expect(evaluate([outsideOffices], signIn({ location: { ip } }), ctx).applied).toEqual(['Outside']);
  });

  test('a named location by id (tenant) or by location:name (repository); a country location by country code', () => {
    const byId = policy('By id', { locations: { includeLocations: ['loc-2'] } }, BLOCK);
    const byName = policy('By name', { locations: { includeLocations: ['location:embargo'] } }, BLOCK);
    expect(evaluate([byId, byName], signIn({ location: { country: 'ir' } }), ctx).blockedBy).toEqual(['By id', 'By name']);
    expect(evaluate([byId], signIn({ location: { country: 'FR' } }), ctx).outcome).toBe('allow');
  });

  test('the MFA Trusted IPs location (all zeros) matches only a sign-in from those IPs', () => {
    const p = policy('Not from MFA trusted IPs', { locations: { includeLocations: ['All'], excludeLocations: ['00000000-0000-0000-0000-000000000000'] } }, MFA);
    expect(evaluate([p], signIn({ location: { ip: '198.51.100.1', mfaTrustedIps: true } }), NONE).applied).toEqual([]);
    expect(evaluate([p], signIn({ location: { ip: '198.51.100.1' } }), NONE).applied).toEqual(['Not from MFA trusted IPs']);
  });

  test('an unknown location is taken as untrusted and in no named location, and said so', () => {
    const result = evaluate([outsideOffices], signIn({ location: undefined }), ctx);
    expect(result.applied).toEqual(['Outside']);
    expect(result.assumptions).toEqual([{ input: 'location', assumed: 'untrusted, in no named location', policies: ['Outside'] }]);
  });

  test('platforms: an unknown platform is matched by "all" only (blocking unknown platforms)', () => {
    const unknownPlatforms = policy('Block unknown platforms', { platforms: { includePlatforms: ['all'], excludePlatforms: ['android', 'iOS', 'windows', 'macOS'] } }, BLOCK);
    expect(evaluate([unknownPlatforms], signIn({ platform: 'linux' }), NONE).outcome).toBe('block');
    expect(evaluate([unknownPlatforms], signIn({ platform: 'iOS' }), NONE).notApplied[0]?.reason).toBe('platform excluded (iOS)');
    expect(evaluate([unknownPlatforms], signIn({ platform: undefined }), NONE).outcome).toBe('block');
  });

  test('client app types: "all" covers every type; a listed set only its own', () => {
    const legacy = policy('Legacy', { clientAppTypes: ['exchangeActiveSync', 'other'] }, BLOCK);
    expect(evaluate([legacy], signIn({ clientAppType: 'other' }), NONE).outcome).toBe('block');
    expect(evaluate([legacy], signIn({ clientAppType: 'mobileAppsAndDesktopClients' }), NONE).outcome).toBe('allow');
  });

  test('device filter, Microsoft\'s privileged-workstation scenario: block admins unless extensionAttribute1 is SAW', () => {
    const saw = policy('Admins only from SAW', { devices: { deviceFilter: { mode: 'exclude', rule: 'device.extensionAttribute1 -eq "SAW"' } } }, BLOCK);
    expect(evaluate([saw], signIn({ device: { extensionAttribute1: 'SAW' } }), NONE).notApplied[0]?.reason).toBe('device excluded by the device filter');
    expect(evaluate([saw], signIn({ device: { extensionAttribute1: 'laptop' } }), NONE).outcome).toBe('block');
    const unregistered = evaluate([saw], signIn({ device: undefined }), NONE);
    expect(unregistered.outcome).toBe('block');
    expect(unregistered.assumptions[0]).toMatchObject({ input: 'device', assumed: 'unregistered (every property null)' });
  });

  test('a device filter rule that does not parse: the policy is not applied and the reason says why, no guess', () => {
    const bad = policy('Bad rule', { devices: { deviceFilter: { mode: 'include', rule: 'device.trustType -equals "AzureAD"' } } }, BLOCK);
    const result = evaluate([bad], signIn(), NONE);
    expect(result.outcome).toBe('allow');
    expect(result.notApplied[0]?.reason).toBe('cannot evaluate: the device filter rule does not parse ("-equals" at character 18 is not a supported operator)');
  });

  test('risk levels: a policy for high sign-in risk does not apply to none, and an absent risk is stated', () => {
    const risky = policy('High risk', { signInRiskLevels: ['high'] }, BLOCK);
    expect(evaluate([risky], signIn({ risks: { signIn: 'high' } }), NONE).outcome).toBe('block');
    const absent = evaluate([risky], signIn({ risks: {} }), NONE);
    expect(absent.outcome).toBe('allow');
    expect(absent.assumptions).toEqual([{ input: 'signInRisk', assumed: 'none (no risk detected)', policies: ['High risk'] }]);
  });
});

describe('country locations when the country is not given', () => {
  test('an IP alone does not tell the country: the sign-in is in no country location, and that is stated', () => {
    const ctx: EvaluationContext = { namedLocations: locationViews([{ id: 'loc-2', displayName: 'Embargo', countriesAndRegions: ['KP'] }]) };
    const p = policy('Embargo', { locations: { includeLocations: ['location:Embargo'] } }, BLOCK);
    const result = evaluate([p], signIn({ location: { ip: '175.45.176.1' } }), ctx);
    expect(result.outcome).toBe('allow');
    expect(result.assumptions).toEqual([{ input: 'country', assumed: 'in no country location', policies: ['Embargo'] }]);
  });
});

describe("Microsoft's filter-for-devices scenarios (concept-condition-filters-for-devices)", () => {
  test('block operating systems older than Windows 10: a Windows 10 device is spared, Windows 7 and an unregistered device are blocked', () => {
    const oldWindows = policy('Block old Windows', {
      devices: { deviceFilter: { mode: 'exclude', rule: 'device.operatingSystem -eq "Windows" -and device.operatingSystemVersion -startsWith "10.0"' } },
    }, BLOCK);
    const on = (device: Record<string, string> | undefined) => evaluate([oldWindows], signIn({ device }), NONE);
    expect(on({ operatingSystem: 'Windows', operatingSystemVersion: '10.0.19045' })).toMatchObject({ outcome: 'allow', notApplied: [{ name: 'Block old Windows', reason: 'device excluded by the device filter' }] });
    expect(on({ operatingSystem: 'Windows', operatingSystemVersion: '6.1.7601' }).outcome).toBe('block');
    // Positive operators never match an unregistered device: it is not excluded, so it is blocked.
    expect(on(undefined).outcome).toBe('block');
  });
});
