/**
 * One sign-in, as the impact engine evaluates it. Identities, applications and locations are
 * opaque strings compared without regard to case: a reference as a repository writes it
 * (`group:Finance`, `app:Payroll`, `location:Trusted offices`) or an object id as the tenant
 * holds it. The engine works on whatever the policies hold; the caller writes the sign-in in the
 * same terms (offline: references; against a tenant: ids, resolved through the Directory port).
 *
 * Every field that may be unknown is optional: an input not given is never guessed. The engine
 * takes Microsoft's documented default for it (risk `none`, an unregistered device, …) and says
 * so in the result's `assumptions`, naming the policies that depended on it.
 */

/** Graph's conditionalAccessGuestOrExternalUserTypes members. */
export const GUEST_TYPES = [
  'internalGuest',
  'b2bCollaborationGuest',
  'b2bCollaborationMember',
  'b2bDirectConnectUser',
  'otherExternalUser',
  'serviceProvider',
] as const;
export type GuestType = (typeof GUEST_TYPES)[number];

/** A user signing in: its own reference, the groups and directory roles it holds. */
export interface UserIdentity {
  kind: 'user';
  /** `user:alice@contoso.com` or the user's object id. */
  user: string;
  /** Groups the user is a member of (transitively): references or ids. */
  groups: readonly string[];
  /** Directory roles the user holds (active): `role:Global Administrator` or the role template id. */
  roles: readonly string[];
  /** Set for a guest or external user; absent for a member of the tenant. */
  guestType?: GuestType | undefined;
  /** The external user's home tenant id, for externalTenants (enumerated) conditions. */
  homeTenant?: string | undefined;
}

/** A workload identity (service principal) signing in on its own behalf. */
export interface WorkloadIdentity {
  kind: 'workload';
  /** `servicePrincipal:Payroll sync` or the service principal's object id. */
  servicePrincipal: string;
}

export type SignInIdentity = UserIdentity | WorkloadIdentity;

/** What the sign-in is for: a resource (cloud app), a user action, or an authentication context. */
export type SignInTarget =
  | { kind: 'application'; application: string }
  | { kind: 'userAction'; userAction: string }
  | { kind: 'authContext'; authContext: string };

/** The user actions Graph knows (conditionalAccessApplications.includeUserActions). */
export const USER_ACTIONS = ['urn:user:registersecurityinfo', 'urn:user:registerdevice'] as const;

/** Graph's conditionalAccessDevicePlatform members (`all` is a policy keyword, not a platform). */
export const PLATFORMS = ['android', 'iOS', 'windows', 'windowsPhone', 'macOS', 'linux'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Graph's conditionalAccessClientApp members a sign-in can have (`all` is a policy keyword). */
export const CLIENT_APP_TYPES = ['browser', 'mobileAppsAndDesktopClients', 'exchangeActiveSync', 'other'] as const;
export type ClientAppType = (typeof CLIENT_APP_TYPES)[number];

export const RISK_LEVELS = ['none', 'low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const INSIDER_RISK_LEVELS = ['minor', 'moderate', 'elevated'] as const;
export type InsiderRiskLevel = (typeof INSIDER_RISK_LEVELS)[number];

export const AUTHENTICATION_FLOWS = ['deviceCodeFlow', 'authenticationTransfer'] as const;
export type AuthenticationFlow = (typeof AUTHENTICATION_FLOWS)[number];

/** Where the sign-in comes from. Any subset may be known. */
export interface SignInLocation {
  /** Named locations the sign-in is known to be in (references or ids), besides those its IP or country match. */
  namedLocations?: readonly string[] | undefined;
  /** The client's IP address (IPv4 or IPv6). */
  ip?: string | undefined;
  /** ISO 3166-1 alpha-2 country code, as a country location holds it. */
  country?: string | undefined;
  /** Stated trust, for when neither IP nor named location says it. */
  trusted?: boolean | undefined;
  /** The IP is among the MFA service's trusted IPs (location 00000000-0000-0000-0000-000000000000). */
  mfaTrustedIps?: boolean | undefined;
}

export interface SignInRisks {
  signIn?: RiskLevel | undefined;
  user?: RiskLevel | undefined;
  servicePrincipal?: RiskLevel | undefined;
  insider?: InsiderRiskLevel | undefined;
}

/**
 * Device properties, named as the device-filter rule syntax names them (`isCompliant`,
 * `trustType`, `operatingSystem`, `deviceId`, `displayName`, `extensionAttribute1`…). Absent
 * device: the sign-in comes from an unregistered device, as Microsoft documents it for filters.
 */
export type DeviceProperties = Readonly<Record<string, string | boolean | readonly string[]>>;

export interface SignIn {
  identity: SignInIdentity;
  target: SignInTarget;
  platform?: Platform | undefined;
  clientAppType?: ClientAppType | undefined;
  location?: SignInLocation | undefined;
  risks?: SignInRisks | undefined;
  device?: DeviceProperties | undefined;
  authenticationFlow?: AuthenticationFlow | undefined;
}
