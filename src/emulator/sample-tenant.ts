/**
 * The sample tenant (`seed: 'sample'`): a realistic Conditional Access baseline for Contoso. The
 * policies are written here the way a caac repository writes them — references by name — and
 * resolved to ids when the tenant is built, so examples/conditional-access/ can describe exactly
 * this tenant. Ids are derived from names, so every start gives the same ids.
 */
import { directoryRoleTemplates, firstPartyServicePrincipals, servicePrincipal, stableGuid as builtinGuid } from './builtins.js';
import type { Json, JsonObject, TenantState } from './types.js';
import { sampleSignIns } from './sample-sign-ins.js';

export const SAMPLE_TENANT_ID = '3f2b6c1d-8e4a-4b7f-9c2d-5a6e7f8091ab';
const DOMAIN = 'contoso.onmicrosoft.com';
export const BREAK_GLASS_GROUP = 'CA-BreakGlass';

const userList: Array<[string, string, string | null]> = [
  ['bg1', 'Emergency Access 1', null],
  ['bg2', 'Emergency Access 2', null],
  ['adele.vance', 'Adele Vance', 'Finance Manager'],
  ['alex.wilber', 'Alex Wilber', 'Marketing Assistant'],
  ['megan.bowen', 'Megan Bowen', 'IT Administrator'],
  ['svc-backup', 'Backup Service Account', null],
  ['svc-scanner', 'Document Scanner Account', null],
];

const groupList: Array<[string, string, string[]]> = [
  [BREAK_GLASS_GROUP, 'Emergency access (break-glass) accounts, excluded from every Conditional Access policy', ['bg1', 'bg2']],
  ['CA-ServiceAccounts', 'Non-interactive service accounts that sign in only from the office network', ['svc-backup', 'svc-scanner']],
  ['CA-Pilot', 'Pilot ring for new Conditional Access policies', ['megan.bowen', 'alex.wilber']],
  ['Finance', 'Finance department', ['adele.vance']],
];

const HR_PORTAL = 'Contoso HR Portal';

const ADMIN_ROLES = [
  'Global Administrator', 'Privileged Role Administrator', 'Privileged Authentication Administrator',
  'Security Administrator', 'Conditional Access Administrator', 'Exchange Administrator', 'SharePoint Administrator',
  'User Administrator', 'Authentication Administrator', 'Helpdesk Administrator', 'Application Administrator',
  'Cloud Application Administrator', 'Intune Administrator', 'Billing Administrator',
].map((r) => `role:${r}`);

const CUSTOM_STRENGTH = 'Phishing-resistant MFA (custom)';

const BG = { excludeGroups: [`group:${BREAK_GLASS_GROUP}`] };
const allApps = { includeApplications: ['All'] };

interface PolicySpec {
  displayName: string;
  state: string;
  created: string;
  modified: string | null;
  conditions: JsonObject;
  grantControls?: JsonObject | null;
  sessionControls?: JsonObject | null;
}

const grant = (operator: string, builtInControls: string[], extra: JsonObject = {}): JsonObject => ({ operator, builtInControls, ...extra });

/** The baseline, in file form (references by name). Every policy excludes the break-glass group. */
export const SAMPLE_POLICIES: PolicySpec[] = [
  {
    displayName: 'CA001 - Block legacy authentication', state: 'enabled', created: '2025-01-14T09:12:31Z', modified: '2025-03-02T10:05:12Z',
    conditions: { clientAppTypes: ['exchangeActiveSync', 'other'], applications: allApps, users: { includeUsers: ['All'], ...BG } },
    grantControls: grant('OR', ['block']),
  },
  {
    displayName: 'CA002 - Require multifactor authentication for all users', state: 'enabled', created: '2025-01-14T09:15:02Z', modified: '2025-04-11T08:41:55Z',
    conditions: { clientAppTypes: ['all'], applications: allApps, users: { includeUsers: ['All'], excludeGroups: [`group:${BREAK_GLASS_GROUP}`, 'group:CA-ServiceAccounts'] } },
    grantControls: grant('OR', ['mfa']),
  },
  {
    displayName: 'CA003 - Require phishing-resistant MFA for administrators', state: 'enabled', created: '2025-01-14T09:20:44Z', modified: '2025-05-20T14:02:19Z',
    conditions: { clientAppTypes: ['all'], applications: allApps, users: { includeRoles: ADMIN_ROLES, ...BG } },
    grantControls: grant('OR', [], { authenticationStrength: { id: `authStrength:${CUSTOM_STRENGTH}` } }),
  },
  {
    displayName: 'CA004 - Require MFA for Azure management', state: 'enabled', created: '2025-01-14T09:24:10Z', modified: null,
    conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['app:Windows Azure Service Management API'] }, users: { includeUsers: ['All'], ...BG } },
    grantControls: grant('OR', ['mfa']),
  },
  {
    displayName: 'CA005 - Block access from blocked countries', state: 'enabled', created: '2025-01-15T11:02:37Z', modified: '2025-02-01T16:30:00Z',
    conditions: {
      clientAppTypes: ['all'], applications: allApps, users: { includeUsers: ['All'], ...BG },
      locations: { includeLocations: ['location:Blocked countries'] },
    },
    grantControls: grant('OR', ['block']),
  },
  {
    displayName: 'CA006 - Require compliant or hybrid joined device', state: 'enabledForReportingButNotEnforced', created: '2025-01-15T11:10:08Z', modified: '2025-06-03T09:00:41Z',
    conditions: {
      clientAppTypes: ['all'], applications: allApps,
      users: { includeUsers: ['All'], excludeUsers: ['GuestsOrExternalUsers'], ...BG },
      platforms: { includePlatforms: ['windows', 'macOS'] },
    },
    grantControls: grant('OR', ['compliantDevice', 'domainJoinedDevice']),
  },
  {
    displayName: 'CA007 - Require MFA for medium and high sign-in risk', state: 'enabled', created: '2025-01-16T08:01:55Z', modified: '2025-03-18T12:12:12Z',
    conditions: { clientAppTypes: ['all'], signInRiskLevels: ['high', 'medium'], applications: allApps, users: { includeUsers: ['All'], ...BG } },
    grantControls: grant('OR', ['mfa']),
    sessionControls: { signInFrequency: { isEnabled: true, frequencyInterval: 'everyTime', authenticationType: 'primaryAndSecondaryAuthentication' } },
  },
  {
    displayName: 'CA008 - Require password change for high user risk', state: 'enabled', created: '2025-01-16T08:05:21Z', modified: null,
    conditions: { clientAppTypes: ['all'], userRiskLevels: ['high'], applications: allApps, users: { includeUsers: ['All'], ...BG } },
    grantControls: grant('AND', ['mfa', 'passwordChange']),
    sessionControls: { signInFrequency: { isEnabled: true, frequencyInterval: 'everyTime', authenticationType: 'primaryAndSecondaryAuthentication' } },
  },
  {
    displayName: 'CA009 - Require MFA for guests and external users', state: 'enabled', created: '2025-01-20T13:45:00Z', modified: '2025-02-10T07:30:18Z',
    conditions: {
      clientAppTypes: ['all'], applications: allApps,
      users: {
        includeGuestsOrExternalUsers: {
          guestOrExternalUserTypes: 'internalGuest,b2bCollaborationGuest,b2bCollaborationMember,b2bDirectConnectUser,otherExternalUser,serviceProvider',
          externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' },
        },
        ...BG,
      },
    },
    grantControls: grant('OR', ['mfa']),
  },
  {
    displayName: 'CA010 - Block device code flow and authentication transfer', state: 'enabled', created: '2025-02-03T10:00:00Z', modified: '2025-02-03T10:20:45Z',
    conditions: {
      clientAppTypes: ['all'], applications: allApps,
      users: { includeUsers: ['All'], excludeUsers: [`user:svc-scanner@${DOMAIN}`], ...BG },
      authenticationFlows: { transferMethods: 'deviceCodeFlow,authenticationTransfer' },
    },
    grantControls: grant('OR', ['block']),
  },
  {
    displayName: 'CA011 - Require MFA to register security information outside trusted networks', state: 'enabled', created: '2025-02-03T10:30:00Z', modified: null,
    conditions: {
      clientAppTypes: ['all'], applications: { includeUserActions: ['urn:user:registersecurityinfo'] },
      users: { includeUsers: ['All'], ...BG },
      locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
    },
    grantControls: grant('OR', ['mfa']),
  },
  {
    displayName: 'CA012 - Require MFA to register or join devices', state: 'enabled', created: '2025-02-03T10:35:00Z', modified: null,
    conditions: { clientAppTypes: ['all'], applications: { includeUserActions: ['urn:user:registerdevice'] }, users: { includeUsers: ['All'], ...BG } },
    grantControls: grant('OR', ['mfa']),
  },
  {
    displayName: 'CA013 - Limit administrator sessions', state: 'enabled', created: '2025-02-05T09:00:00Z', modified: '2025-05-20T14:05:00Z',
    conditions: { clientAppTypes: ['all'], applications: allApps, users: { includeRoles: ADMIN_ROLES, ...BG } },
    grantControls: null,
    sessionControls: {
      signInFrequency: { isEnabled: true, type: 'hours', value: 4, frequencyInterval: 'timeBased', authenticationType: 'primaryAndSecondaryAuthentication' },
      persistentBrowser: { isEnabled: true, mode: 'never' },
    },
  },
  {
    displayName: 'CA014 - Require app protection on mobile devices (pilot)', state: 'enabledForReportingButNotEnforced', created: '2025-03-10T15:20:00Z', modified: null,
    conditions: {
      clientAppTypes: ['mobileAppsAndDesktopClients', 'browser'], applications: { includeApplications: ['Office365'] },
      users: { includeGroups: ['group:CA-Pilot'], ...BG },
      platforms: { includePlatforms: ['android', 'iOS'] },
    },
    grantControls: grant('OR', ['compliantApplication']),
  },
  {
    displayName: 'CA015 - Require phishing-resistant MFA for highly confidential data', state: 'enabled', created: '2025-03-12T08:00:00Z', modified: '2025-03-12T08:45:10Z',
    conditions: {
      clientAppTypes: ['all'], applications: { includeAuthenticationContextClassReferences: ['c1'] },
      users: { includeGroups: ['group:Finance'], ...BG },
    },
    grantControls: grant('OR', [], { authenticationStrength: { id: 'authStrength:Phishing-resistant MFA' } }),
  },
  {
    displayName: 'CA016 - Block service accounts outside trusted networks', state: 'enabled', created: '2025-03-20T17:00:00Z', modified: null,
    conditions: {
      clientAppTypes: ['all'], applications: allApps,
      users: { includeGroups: ['group:CA-ServiceAccounts'], ...BG },
      locations: { includeLocations: ['All'], excludeLocations: ['location:Trusted office networks', 'location:Branch office VPN'] },
    },
    grantControls: grant('OR', ['block']),
  },
  {
    displayName: 'CA017 - Block users with elevated insider risk', state: 'enabledForReportingButNotEnforced', created: '2025-04-01T09:00:00Z', modified: null,
    conditions: { clientAppTypes: ['all'], insiderRiskLevels: 'elevated', applications: allApps, users: { includeUsers: ['All'], ...BG } },
    grantControls: grant('OR', ['block']),
  },
  {
    displayName: 'CA018 - Monitor HR portal sessions with Defender for Cloud Apps', state: 'enabledForReportingButNotEnforced', created: '2025-04-15T12:00:00Z', modified: '2025-04-16T08:00:00Z',
    conditions: { clientAppTypes: ['browser'], applications: { includeApplications: [`app:${HR_PORTAL}`] }, users: { includeUsers: ['All'], ...BG } },
    grantControls: null,
    sessionControls: { cloudAppSecurity: { isEnabled: true, cloudAppSecurityType: 'monitorOnly' } },
  },
  // Contingency: pre-staged, disabled, switched on by `caac contingency` when MFA is unavailable.
  {
    displayName: 'CA901 - Contingency - Require compliant device when MFA is unavailable', state: 'disabled', created: '2025-05-01T09:00:00Z', modified: null,
    conditions: { clientAppTypes: ['all'], applications: allApps, users: { includeUsers: ['All'], excludeUsers: ['GuestsOrExternalUsers'], excludeGroups: [`group:${BREAK_GLASS_GROUP}`, 'group:CA-ServiceAccounts'] } },
    grantControls: grant('OR', ['compliantDevice', 'domainJoinedDevice']),
  },
  {
    displayName: 'CA902 - Contingency - Block access outside trusted networks', state: 'disabled', created: '2025-05-01T09:05:00Z', modified: null,
    conditions: {
      clientAppTypes: ['all'], applications: allApps, users: { includeUsers: ['All'], ...BG },
      locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
    },
    grantControls: grant('OR', ['block']),
  },
  {
    displayName: 'CA903 - Contingency - Browser-only limited access to Office 365', state: 'disabled', created: '2025-05-01T09:10:00Z', modified: null,
    conditions: { clientAppTypes: ['browser'], applications: { includeApplications: ['Office365'] }, users: { includeUsers: ['All'], ...BG } },
    grantControls: null,
    sessionControls: { applicationEnforcedRestrictions: { isEnabled: true }, persistentBrowser: { isEnabled: true, mode: 'never' } },
  },
];

export const CONTINGENCY_POLICIES = SAMPLE_POLICIES.filter((p) => p.displayName.startsWith('CA9')).map((p) => p.displayName);

const NAMED_LOCATIONS: JsonObject[] = [
  {
    '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Trusted office networks', isTrusted: true,
    ipRanges: [
      { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' },
      { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' },
      { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8:1000::/48' },
    ],
  },
  {
    '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Branch office VPN', isTrusted: false,
    ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '192.0.2.0/24' }],
  },
  {
    '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'Blocked countries',
    countriesAndRegions: ['KP', 'IR', 'SY', 'CU'], includeUnknownCountriesAndRegions: false, countryLookupMethod: 'clientIpAddress',
  },
];

const upn = (alias: string): string => `${alias}@${DOMAIN}`;

/**
 * The sample tenant; with another `tenantId`, the same names under other ids: every object id
 * (and the HR portal's appId, which its own tenant registered) is derived from the tenant id, so
 * two emulators are two tenants a repository can be promoted between. The default tenant keeps
 * the ids it always had. Microsoft's own objects (role templates, first-party appIds, built-in
 * strengths) keep theirs, as in Graph.
 */
export function sampleTenant(tenantIdGiven: string = SAMPLE_TENANT_ID): TenantState {
  const tenantId = tenantIdGiven;
  const own = tenantId.toLowerCase() === SAMPLE_TENANT_ID;
  const stableGuid = (name: string): string => builtinGuid(own ? name : `tenant:${tenantId.toLowerCase()}:${name}`);
  const HR_PORTAL_APP_ID = stableGuid('sample:app:contoso-hr-portal');
  const locationId = (name: string): string => stableGuid(`sample:location:${name}`);
  const users: JsonObject[] = userList.map(([alias, displayName, jobTitle]) => {
    const [given, ...rest] = displayName.split(' ');
    return {
      id: stableGuid(`sample:user:${alias}`), businessPhones: [], displayName, givenName: given ?? null, jobTitle, mail: alias.startsWith('svc-') || alias.startsWith('bg') ? null : upn(alias),
      mobilePhone: null, officeLocation: null, preferredLanguage: 'en-US', surname: rest.join(' ') || null, userPrincipalName: upn(alias),
    };
  });
  const userId = (alias: string): string => stableGuid(`sample:user:${alias}`);
  const groups: JsonObject[] = groupList.map(([name, description]) => ({
    id: stableGuid(`sample:group:${name}`), createdDateTime: '2025-01-10T08:00:00Z', description, displayName: name,
    groupTypes: [], isAssignableToRole: name === BREAK_GLASS_GROUP ? true : null, mailEnabled: false, mailNickname: name.replace(/[^A-Za-z0-9]/g, ''), securityEnabled: true, visibility: 'Private',
  }));
  const groupMembers: Record<string, string[]> = Object.fromEntries(groupList.map(([name, , members]) => [stableGuid(`sample:group:${name}`), members.map(userId)]));
  const roles = directoryRoleTemplates();
  const servicePrincipals = [...firstPartyServicePrincipals(tenantId), servicePrincipal(HR_PORTAL_APP_ID, HR_PORTAL, tenantId, tenantId)];
  const applications: JsonObject[] = [
    { id: stableGuid('sample:application:contoso-hr-portal'), appId: HR_PORTAL_APP_ID, displayName: HR_PORTAL, signInAudience: 'AzureADMyOrg', createdDateTime: '2024-11-02T10:00:00Z' },
  ];
  const namedLocations = NAMED_LOCATIONS.map((l, i) => ({
    ...l, id: locationId(String(l.displayName)), createdDateTime: `2025-01-1${i}T07:00:00Z`, modifiedDateTime: `2025-01-1${i}T07:00:00Z`,
  }));
  const strengths: JsonObject[] = [
    {
      id: stableGuid('sample:strength:custom'), createdDateTime: '2025-01-12T12:00:00Z', modifiedDateTime: '2025-01-12T12:00:00Z',
      displayName: CUSTOM_STRENGTH, description: 'FIDO2 security keys and Windows Hello for Business only: for administrators',
      policyType: 'custom', requirementsSatisfied: 'mfa', allowedCombinations: ['fido2', 'windowsHelloForBusiness'],
    },
  ];
  const builtIn: Record<string, string> = {
    'Multifactor authentication': '00000000-0000-0000-0000-000000000002',
    'Passwordless MFA': '00000000-0000-0000-0000-000000000003',
    'Phishing-resistant MFA': '00000000-0000-0000-0000-000000000004',
  };

  const resolveOne = (ref: string): string => {
    const i = ref.indexOf(':');
    const [kind, name] = i < 0 ? ['', ref] : [ref.slice(0, i), ref.slice(i + 1)];
    const find = (list: JsonObject[], key: string, value: string): string => {
      const hit = list.find((o) => o[key] === value);
      if (hit === undefined) throw new Error(`sample tenant: unresolved reference ${ref}`);
      return String(key === 'displayName' && list === servicePrincipals ? hit.appId : hit.id);
    };
    switch (kind) {
      case 'group': return find(groups, 'displayName', name);
      case 'user': return find(users, 'userPrincipalName', name);
      case 'role': return find(roles, 'displayName', name);
      case 'app': return find(servicePrincipals, 'displayName', name);
      case 'location': return find(namedLocations, 'displayName', name);
      case 'authStrength': return builtIn[name] ?? find(strengths, 'displayName', name);
      default: return ref; // a keyword
    }
  };
  const resolve = (v: Json): Json => {
    if (typeof v === 'string') return resolveOne(v);
    if (Array.isArray(v)) return v.map(resolve);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === '@odata.type' || k === 'guestOrExternalUserTypes' || k === 'transferMethods' ? x : resolve(x)]));
    return v;
  };

  const policies: JsonObject[] = SAMPLE_POLICIES.map((p) => {
    const { users: u, applications: a, locations: l, ...rest } = p.conditions as Record<string, JsonObject>;
    return {
      id: stableGuid(`sample:policy:${p.displayName.slice(0, 5)}`),
      templateId: null,
      displayName: p.displayName,
      createdDateTime: p.created,
      modifiedDateTime: p.modified,
      state: p.state,
      sessionControls: p.sessionControls ?? null,
      conditions: { ...rest, users: resolve(u ?? null), applications: resolve(a ?? null), ...(l === undefined ? {} : { locations: resolve(l) }) },
      grantControls: p.grantControls === undefined || p.grantControls === null ? null : (resolve(p.grantControls) as JsonObject),
    } as JsonObject;
  });

  return {
    formatVersion: 1,
    tenantId,
    policies,
    namedLocations,
    authenticationStrengthPolicies: strengths,
    authenticationContextClassReferences: [
      { id: 'c1', displayName: 'Highly confidential data', description: 'Access to data labelled Highly Confidential', isAvailable: true },
    ],
    deletedPolicies: [],
    deletedNamedLocations: [],
    users,
    groups,
    groupMembers,
    servicePrincipals,
    applications,
    directoryRoleTemplates: roles,
    // Megan Bowen, the IT administrator, holds Global Administrator (What If reads role holders).
    directoryRoleAssignments: { [resolveOne('role:Global Administrator')]: [userId('megan.bowen')] },
    signIns: sampleSignIns(Date.now()),
  };
}
