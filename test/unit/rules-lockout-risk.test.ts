/**
 * lockout-risk: an enabled policy that blocks All users on All apps, excluding nobody and narrowed
 * by nothing, is an error; any exclusion or narrowing condition, or a state other than enabled,
 * makes it not one.
 */
import { byRule, dump, lineOf, merge, pretty, removeTempDirs, shown, validate, type Patch } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const FILE = 'policies/block-all.json';

const LOCKOUT = {
  displayName: 'CA000 Block everything',
  state: 'enabled',
  conditions: {
    clientAppTypes: ['all'],
    applications: { includeApplications: ['All'] },
    users: { includeUsers: ['All'] },
  },
  grantControls: { operator: 'OR', builtInControls: ['block'] },
};

function lockout(patch: Patch) {
  const text = pretty(merge(LOCKOUT, patch));
  const result = validate({ [FILE]: text });
  return { text, hits: byRule(result.findings, 'lockout-risk'), all: result.findings };
}

test('an enabled block of All users on All apps with no exclusions is an error', () => {
  const { text, hits } = lockout({});
  expect(hits).toHaveLength(1);
  expect(hits[0]).toMatchObject({
    rule: 'lockout-risk',
    severity: 'error',
    file: shown(FILE),
    path: '/conditions/users/excludeUsers',
    // excludeUsers is absent: the finding sits on its nearest ancestor, "users".
    line: lineOf(text, '"users"'),
    column: 5,
  });
  expect(hits[0]!.message).toMatch(/would lock out every account, administrators included/);
  expect(hits[0]!.message).toMatch(/enabledForReportingButNotEnforced/);
});

test('written in other cases (state "Enabled", keywords "all") it is still caught', () => {
  const { hits } = lockout({ state: 'Enabled', conditions: { users: { includeUsers: ['all'] }, applications: { includeApplications: ['ALL'] }, clientAppTypes: ['All'] } });
  expect(hits).toHaveLength(1);
});

test('empty exclusion lists are no exclusion; without clientAppTypes it is still all clients', () => {
  const { text, hits } = lockout({ conditions: { clientAppTypes: undefined, users: { excludeUsers: [], excludeGroups: [], excludeRoles: [] } } });
  expect(hits).toHaveLength(1);
  expect(hits[0]!.line).toBe(lineOf(text, '"excludeUsers"'));
});

describe('what makes it not a lockout', () => {
  test.each<[string, Patch]>([
    ['report-only', { state: 'enabledForReportingButNotEnforced' }],
    ['disabled', { state: 'disabled' }],
    ['an excluded user', { conditions: { users: { excludeUsers: ['user:bg@contoso.com'] } } }],
    ['an excluded group', { conditions: { users: { excludeGroups: ['group:Break Glass'] } } }],
    ['an excluded role', { conditions: { users: { excludeRoles: ['62e90394-69f5-4237-9190-012177145e10'] } } }],
    ['legacy clients only', { conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] } }],
    ['some platforms', { conditions: { platforms: { includePlatforms: ['android', 'iOS'] } } }],
    ['all platforms but one', { conditions: { platforms: { includePlatforms: ['all'], excludePlatforms: ['windows'] } } }],
    ['outside trusted locations', { conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } } }],
    ['some locations', { conditions: { locations: { includeLocations: ['0b9a3f1e-1111-2222-3333-444455556666'] } } }],
    ['sign-in risk', { conditions: { signInRiskLevels: ['high'] } }],
    ['user risk', { conditions: { userRiskLevels: ['high'] } }],
    ['insider risk', { conditions: { insiderRiskLevels: 'elevated' } }],
    ['a device filter', { conditions: { devices: { deviceFilter: { mode: 'exclude', rule: 'device.isCompliant -eq True' } } } }],
    ['authentication flows', { conditions: { authenticationFlows: { transferMethods: 'deviceCodeFlow' } } }],
    ['a user action', { conditions: { applications: { includeApplications: [], includeUserActions: ['urn:user:registerdevice'] } } }],
    ['an authentication context', { conditions: { applications: { includeApplications: [], includeAuthenticationContextClassReferences: ['c1'] } } }],
    ['some apps', { conditions: { applications: { includeApplications: ['Office365'] } } }],
    ['some users', { conditions: { users: { includeUsers: ['None'], includeGroups: ['group:Contractors'] } } }],
    ['mfa instead of block', { grantControls: { builtInControls: ['mfa'] } }],
  ])('%s', (_name, patch) => {
    const { hits } = lockout(patch);
    expect(dump(hits)).toBe('');
  });
});

describe('what does not narrow it', () => {
  test.each<[string, Patch]>([
    ['clientAppTypes ["all"]', { conditions: { clientAppTypes: ['all'] } }],
    ['includePlatforms ["all"]', { conditions: { platforms: { includePlatforms: ['all'] } } }],
    ['includeLocations ["All"]', { conditions: { locations: { includeLocations: ['All'] } } }],
    ['empty risk levels', { conditions: { signInRiskLevels: [], userRiskLevels: [] } }],
    ['a null device filter', { conditions: { devices: { deviceFilter: null } } }],
    ['excluded applications', { conditions: { applications: { excludeApplications: ['Office365'] } } }],
    ['excluded guests only', { conditions: { users: { excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest' } } } }],
  ])('%s', (_name, patch) => {
    expect(lockout(patch).hits).toHaveLength(1);
  });
});

describe('a missing state is judged as the worst case, never skipped', () => {
  test('a blocking policy with no state is a lockout error beside the schema error, saying its state is missing', () => {
    const { hits, all } = lockout({ state: undefined });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.message).toMatch(/^this possibly enforcing \(its state is missing or unknown\) policy blocks All users on All applications/);
    expect(byRule(all, 'schema').map((f) => f.message)).toEqual([expect.stringMatching(/missing the required property "state"/)]);
  });

  test('disabled and report-only are still not lockouts', () => {
    expect(dump(lockout({ state: 'disabled' }).hits)).toBe('');
    expect(dump(lockout({ state: 'enabledForReportingButNotEnforced' }).hits)).toBe('');
  });
});

describe('workload identities', () => {
  const SPS = { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] };
  test('a block for service principals only (no users) is no lockout of people', () => {
    expect(dump(lockout({ conditions: { users: undefined, clientApplications: SPS } }).hits)).toBe('');
  });
  test('a block for All users and service principals is still a lockout', () => {
    expect(lockout({ conditions: { clientApplications: SPS } }).hits).toHaveLength(1);
  });
});
