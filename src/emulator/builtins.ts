/**
 * What every Entra tenant has before anyone configures it: the directory role templates, the
 * built-in authentication strengths, and a handful of Microsoft's first-party service principals
 * that Conditional Access policies commonly target. Ids and appIds are Microsoft's real ones, so a
 * repository written against the emulator resolves the same way in a real tenant.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from './types.js';

/** A stable GUID derived from a name, so seeded tenants have the same ids on every start. */
export function stableGuid(name: string): string {
  const h = createHash('sha1').update(`caac-emulator:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ROLE_TEMPLATES: Array<[string, string, string]> = [
  ['62e90394-69f5-4237-9190-012177145e10', 'Global Administrator', 'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.'],
  ['194ae4cb-b126-40b2-bd5b-6091b380977d', 'Security Administrator', 'Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.'],
  ['b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', 'Conditional Access Administrator', 'Can manage Conditional Access capabilities.'],
  ['e8611ab8-c189-46e8-94e1-60213ab1f814', 'Privileged Role Administrator', 'Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.'],
  ['7be44c8a-adaf-4e2a-84d6-ab2649e08a13', 'Privileged Authentication Administrator', 'Can access to view, set and reset authentication method information for any user (admin or non-admin).'],
  ['c4e39bd9-1100-46d3-8c65-fb160da0071f', 'Authentication Administrator', 'Can access to view, set and reset authentication method information for any non-admin user.'],
  ['29232cdf-9323-42fd-ade2-1d097af3e4de', 'Exchange Administrator', 'Can manage all aspects of the Exchange product.'],
  ['f28a1f50-f6e7-4571-818b-6a12f2af6b6c', 'SharePoint Administrator', 'Can manage all aspects of the SharePoint service.'],
  ['fe930be7-5e62-47db-91af-98c3a49a38b1', 'User Administrator', 'Can manage all aspects of users and groups, including resetting passwords for limited admins.'],
  ['9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', 'Application Administrator', 'Can create and manage all aspects of app registrations and enterprise apps.'],
  ['158c047a-c907-4556-b7ef-446551a6b5f7', 'Cloud Application Administrator', 'Can create and manage all aspects of app registrations and enterprise apps except App Proxy.'],
  ['729827e3-9c14-49f7-bb1b-9608f156bbb8', 'Helpdesk Administrator', 'Can reset passwords for non-administrators and Helpdesk Administrators.'],
  ['966707d0-3269-4727-9be2-8c3a10f19b9d', 'Password Administrator', 'Can reset passwords for non-administrators and Password Administrators.'],
  ['b0f54661-2d74-4c50-afa3-1ec803f12efe', 'Billing Administrator', 'Can perform common billing related tasks like updating payment information.'],
  ['3a2c62db-5318-420d-8d74-23affee5d9d5', 'Intune Administrator', 'Can manage all aspects of the Intune product.'],
  ['69091246-20e8-4a56-aa4d-066075b2a7a8', 'Teams Administrator', 'Can manage the Microsoft Teams service.'],
  ['17315797-102d-40b4-93e0-432062caca18', 'Compliance Administrator', 'Can read and manage compliance configuration and reports in Microsoft Entra ID and Microsoft 365.'],
  ['5d6b6bb7-de71-4623-b4af-96380a352509', 'Security Reader', 'Can read security information and reports in Microsoft Entra ID and Office 365.'],
  ['f2ef992c-3afb-46b9-b7cf-a126ee74c451', 'Global Reader', 'Can read everything that a Global Administrator can, but not update anything.'],
  ['4a5d8f65-41da-4de4-8968-e035b65339cf', 'Reports Reader', 'Can read sign-in and audit reports.'],
  ['95e79109-95c0-4d8e-aee3-d01accf2d47b', 'Guest Inviter', 'Can invite guest users independent of the members can invite guests setting.'],
  ['cf1c38e5-3621-4004-a7cb-879624dced7c', 'Application Developer', 'Can create application registrations independent of the Users can register applications setting.'],
  ['9f06204d-73c1-4d4c-880a-6edb90606fd8', 'Microsoft Entra Joined Device Local Administrator', 'Users assigned to this role are added to the local administrators group on Microsoft Entra joined devices.'],
  ['d29b2b05-8046-44ba-8758-1e26182fcf32', 'Directory Synchronization Accounts', 'Only used by Microsoft Entra Connect service.'],
];

export function directoryRoleTemplates(): JsonObject[] {
  return ROLE_TEMPLATES.map(([id, displayName, description]) => ({ id, deletedDateTime: null, description, displayName }));
}

/** Microsoft's first-party apps (appOwnerOrganizationId is Microsoft's tenant). */
const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
const FIRST_PARTY: Array<[string, string]> = [
  ['00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online'],
  ['00000003-0000-0ff1-ce00-000000000000', 'Office 365 SharePoint Online'],
  ['00000003-0000-0000-c000-000000000000', 'Microsoft Graph'],
  ['797f4846-ba00-4fd7-ba43-dac1f8f63013', 'Windows Azure Service Management API'],
  ['d4ebce55-015a-49b5-a083-c84d1797ae8c', 'Microsoft Intune Enrollment'],
  ['cc15fd57-2c6c-4117-a88c-83b1d56b4bbe', 'Microsoft Teams Services'],
];

export function servicePrincipal(appId: string, displayName: string, owner: string, tenantId: string): JsonObject {
  return {
    id: stableGuid(`${tenantId}:sp:${appId}`),
    accountEnabled: true,
    appDisplayName: displayName,
    appId,
    appOwnerOrganizationId: owner,
    displayName,
    servicePrincipalType: 'Application',
    tags: [],
  };
}

export function firstPartyServicePrincipals(tenantId: string): JsonObject[] {
  return FIRST_PARTY.map(([appId, name]) => servicePrincipal(appId, name, MICROSOFT_TENANT, tenantId));
}

export const BUILT_IN_STRENGTH_IDS = [
  '00000000-0000-0000-0000-000000000002',
  '00000000-0000-0000-0000-000000000003',
  '00000000-0000-0000-0000-000000000004',
] as const;

const BUILT_IN_CREATED = '2021-12-01T00:00:00Z';

export function builtInStrengths(): JsonObject[] {
  const strength = (id: string, displayName: string, description: string, allowedCombinations: string[]): JsonObject => ({
    id,
    createdDateTime: BUILT_IN_CREATED,
    modifiedDateTime: BUILT_IN_CREATED,
    displayName,
    description,
    policyType: 'builtIn',
    requirementsSatisfied: 'mfa',
    allowedCombinations,
  });
  const phishingResistant = ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'];
  const passwordless = [...phishingResistant, 'deviceBasedPush'];
  return [
    strength(BUILT_IN_STRENGTH_IDS[0], 'Multifactor authentication', 'Combinations of methods that satisfy strong authentication, such as a password + SMS', [
      ...passwordless,
      'temporaryAccessPassOneTime',
      'temporaryAccessPassMultiUse',
      'password,microsoftAuthenticatorPush',
      'password,softwareOath',
      'password,hardwareOath',
      'password,sms',
      'password,voice',
      'federatedMultiFactor',
      'microsoftAuthenticatorPush,federatedSingleFactor',
      'softwareOath,federatedSingleFactor',
      'hardwareOath,federatedSingleFactor',
      'sms,federatedSingleFactor',
      'voice,federatedSingleFactor',
    ]),
    strength(BUILT_IN_STRENGTH_IDS[1], 'Passwordless MFA', 'Passwordless methods that satisfy strong authentication, such as Passwordless sign-in with the Microsoft Authenticator', passwordless),
    strength(BUILT_IN_STRENGTH_IDS[2], 'Phishing-resistant MFA', 'Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key', phishingResistant),
  ];
}

/** Modes an allowedCombinations entry may combine (authenticationMethodModes). */
export const AUTH_METHOD_MODES = [
  'password', 'voice', 'hardwareOath', 'softwareOath', 'sms', 'fido2', 'windowsHelloForBusiness',
  'microsoftAuthenticatorPush', 'deviceBasedPush', 'temporaryAccessPassOneTime', 'temporaryAccessPassMultiUse',
  'email', 'x509CertificateSingleFactor', 'x509CertificateMultiFactor', 'federatedSingleFactor',
  'federatedMultiFactor', 'qrCodePin',
] as const;
