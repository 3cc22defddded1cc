/**
 * Conditional Access templates (`GET /identity/conditionalAccess/templates`, `…/templates/{id}`):
 * Microsoft's recommended policies, read-only and the same in every tenant. The set below is the
 * emulator's own writing, in Graph's shape (conditionalAccessTemplate: id, name, description,
 * `scenarios` as a comma-separated templateScenarios flags string, `details` a
 * conditionalAccessPolicyDetail with conditions, grantControls, sessionControls), including what
 * Graph's answer carries that a policy file must not: the "Current administrator will be
 * excluded" placeholder in excludeUsers, and beta-era properties answered as null.
 *
 * Queries, as Graph documents them: `$filter=scenarios has '<scenario>'` (the only filter), and
 * `$select`. Any other filter, an unknown scenario, or a paging option is a 400.
 */
import { badRequest } from '../graph-error.js';
import type { JsonObject } from '../types.js';

/** templateScenarios, in the enum's declared order (Graph answers flags in this order). */
export const TEMPLATE_SCENARIOS = ['new', 'secureFoundation', 'zeroTrust', 'remoteWork', 'protectAdmins', 'emergingThreats', 'unknownFutureValue'] as const;

/** The placeholder Graph's templates put where the portal excludes the signed-in administrator. */
export const CURRENT_ADMIN_PLACEHOLDER = 'Current administrator will be excluded';

const ADMIN_ROLES = [
  '62e90394-69f5-4237-9190-012177145e10', // Global Administrator
  '194ae4cb-b126-40b2-bd5b-6091b380977d', // Security Administrator
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', // Conditional Access Administrator
  'e8611ab8-c189-46e8-94e1-60213ab1f814', // Privileged Role Administrator
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13', // Privileged Authentication Administrator
  'c4e39bd9-1100-46d3-8c65-fb160da0071f', // Authentication Administrator
  '29232cdf-9323-42fd-ade2-1d097af3e4de', // Exchange Administrator
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c', // SharePoint Administrator
  'fe930be7-5e62-47db-91af-98c3a49a38b1', // User Administrator
  '729827e3-9c14-49f7-bb1b-9608f156bbb8', // Helpdesk Administrator
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', // Application Administrator
  '158c047a-c907-4556-b7ef-446551a6b5f7', // Cloud Application Administrator
];

/** Conditions as Graph answers them: every property named, absent ones empty or null. */
function conditions(overrides: { users?: JsonObject; applications?: JsonObject } & JsonObject): JsonObject {
  const { users = {}, applications = {}, ...rest } = overrides;
  return {
    userRiskLevels: [],
    signInRiskLevels: [],
    clientAppTypes: ['all'],
    servicePrincipalRiskLevels: [],
    platforms: null,
    locations: null,
    signInRiskDetections: null,
    times: null,
    deviceStates: null,
    devices: null,
    clientApplications: null,
    ...rest,
    applications: {
      includeApplications: ['All'],
      excludeApplications: [],
      includeUserActions: [],
      includeAuthenticationContextClassReferences: [],
      applicationFilter: null,
      networkAccess: null,
      ...applications,
    },
    users: {
      includeUsers: [],
      excludeUsers: [CURRENT_ADMIN_PLACEHOLDER],
      includeGroups: [],
      excludeGroups: [],
      includeRoles: [],
      excludeRoles: [],
      includeGuestsOrExternalUsers: null,
      excludeGuestsOrExternalUsers: null,
      ...users,
    },
  };
}

function grant(builtInControls: string[], authenticationStrength: JsonObject | null = null): JsonObject {
  return { operator: 'OR', builtInControls, customAuthenticationFactors: [], termsOfUse: [], authenticationStrength };
}

function template(id: string, name: string, description: string, scenarios: string, details: JsonObject): JsonObject {
  return { id, name, description, scenarios, details: { sessionControls: null, ...details } };
}

const TEMPLATES: readonly JsonObject[] = [
  template(
    '3c1f7a52-8d0e-4b6a-9f21-6a5e0c4d8b11',
    'Require multifactor authentication for administrators',
    'Administrators in highly privileged roles prove who they are with a second factor at every sign-in.',
    'secureFoundation,zeroTrust,protectAdmins',
    { conditions: conditions({ users: { includeRoles: ADMIN_ROLES } }), grantControls: grant(['mfa']) },
  ),
  template(
    '7e2b9d04-51a3-4c8f-b6e2-0d9f3a7c5e22',
    'Block legacy authentication',
    'Sign-ins through protocols that cannot do multifactor authentication (Exchange ActiveSync, other clients) are blocked.',
    'secureFoundation,zeroTrust,remoteWork,protectAdmins',
    { conditions: conditions({ clientAppTypes: ['exchangeActiveSync', 'other'], users: { includeUsers: ['All'] } }), grantControls: grant(['block']) },
  ),
  template(
    'a4d86e13-2f7b-4e09-8c5a-b1e7f2d90c33',
    'Require multifactor authentication for all users',
    'Every user proves who they are with a second factor, whatever the application.',
    'secureFoundation,zeroTrust,remoteWork',
    { conditions: conditions({ users: { includeUsers: ['All'] } }), grantControls: grant(['mfa']) },
  ),
  template(
    'c58f2a61-9b4d-4d7e-a3f0-2e6b8c1d7f44',
    'Require multifactor authentication for guest access',
    'Guests and external users prove who they are with a second factor before they reach the tenant\'s resources.',
    'zeroTrust,remoteWork',
    {
      conditions: conditions({
        users: {
          includeGuestsOrExternalUsers: {
            guestOrExternalUserTypes: 'internalGuest,b2bCollaborationGuest,b2bCollaborationMember,b2bDirectConnectUser,otherExternalUser,serviceProvider',
            externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' },
          },
        },
      }),
      grantControls: grant(['mfa']),
    },
  ),
  template(
    'd91e4b27-6c8a-4f3d-b5e1-7a2c9f0e8d55',
    'Securing security info registration',
    'Registering security information (authentication methods) from outside a trusted location needs multifactor authentication.',
    'secureFoundation,zeroTrust,remoteWork',
    {
      conditions: conditions({
        users: { includeUsers: ['All'], excludeRoles: ['62e90394-69f5-4237-9190-012177145e10'] },
        applications: { includeApplications: [], includeUserActions: ['urn:user:registersecurityinfo'] },
        locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
      }),
      grantControls: grant(['mfa']),
    },
  ),
  template(
    'e03a6c85-4d1f-4b2e-9a7c-3f8e1b6d2a66',
    'Require multifactor authentication for risky sign-ins',
    'A sign-in that Microsoft Entra ID Protection rates medium or high risk needs multifactor authentication, every time.',
    'zeroTrust,emergingThreats',
    {
      conditions: conditions({ signInRiskLevels: ['high', 'medium'], users: { includeUsers: ['All'] } }),
      grantControls: grant(['mfa']),
      sessionControls: {
        applicationEnforcedRestrictions: null,
        cloudAppSecurity: null,
        persistentBrowser: null,
        disableResilienceDefaults: null,
        signInFrequency: { value: null, type: null, authenticationType: 'primaryAndSecondaryAuthentication', frequencyInterval: 'everyTime', isEnabled: true },
      },
    },
  ),
  template(
    'f6b2d918-3e5c-4a7f-8d09-5c1a7e4b3f77',
    'Require phishing-resistant multifactor authentication for administrators',
    'Administrators in highly privileged roles sign in with a phishing-resistant method (FIDO2 security key, Windows Hello for Business, certificate).',
    'zeroTrust,protectAdmins,emergingThreats',
    {
      conditions: conditions({ users: { includeRoles: ADMIN_ROLES.slice(0, 6) } }),
      grantControls: grant([], {
        id: '00000000-0000-0000-0000-000000000004',
        displayName: 'Phishing-resistant MFA',
        description: 'Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key',
        policyType: 'builtIn',
        requirementsSatisfied: 'mfa',
        allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'],
      }),
    },
  ),
  template(
    '0a7c3e49-8f2d-4b6e-a1c5-9d4f6b2e8a88',
    'Block access for unknown or unsupported device platform',
    'Sign-ins from a device platform that is none of the known ones are blocked.',
    'zeroTrust,remoteWork',
    {
      conditions: conditions({
        users: { includeUsers: ['All'] },
        platforms: { includePlatforms: ['all'], excludePlatforms: ['android', 'iOS', 'windows', 'macOS', 'linux'] },
      }),
      grantControls: grant(['block']),
    },
  ),
];

/** The templates a list answers: all, or those whose scenarios include the one filtered on. */
export function listTemplates(filter: string | null): JsonObject[] {
  if (filter === null) return structuredClone([...TEMPLATES]);
  const scenario = parseScenarioFilter(filter);
  return structuredClone(TEMPLATES.filter((t) => String(t['scenarios']).split(',').includes(scenario)));
}

/** One template by id (ids compare without regard to case, as Graph's entity keys do), or undefined. */
export function findTemplate(id: string): JsonObject | undefined {
  const found = TEMPLATES.find((t) => String(t['id']).toLowerCase() === id.toLowerCase());
  return found === undefined ? undefined : structuredClone(found);
}

/** `scenarios has 'zeroTrust'` (or `has microsoft.graph.templateScenarios'zeroTrust'`); anything else is a 400. */
function parseScenarioFilter(raw: string): string {
  const m = /^\s*scenarios\s+has\s+(?:microsoft\.graph\.templateScenarios)?'([^']*)'\s*$/.exec(raw);
  if (m === null) {
    const property = /^\s*\(?\s*([A-Za-z]\w*)/.exec(raw)?.[1];
    if (property !== undefined && property !== 'scenarios') {
      throw badRequest(`Unsupported or invalid query filter clause specified for property '${property}' of resource 'conditionalAccessTemplate'.`);
    }
    throw badRequest(`Invalid filter clause: ${raw}. Templates support only: scenarios has '<scenario>'.`);
  }
  const scenario = m[1]!;
  if (!(TEMPLATE_SCENARIOS as readonly string[]).includes(scenario)) {
    throw badRequest(`The value '${scenario}' is not valid for the enum type 'microsoft.graph.templateScenarios'. Valid values: ${TEMPLATE_SCENARIOS.join(', ')}.`);
  }
  return scenario;
}
