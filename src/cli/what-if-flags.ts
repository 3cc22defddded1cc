/**
 * `caac what-if` flags → one SignIn. A bare name gets the kind its flag implies (`--member-of
 * Finance` is `group:Finance`); ids, `kind:name` references and keywords pass as written. Every
 * value with a fixed vocabulary is checked here, naming the flag and the values it takes.
 */
import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../errors.js';
import { isGuid } from '../model/references.js';
import { DEVICE_FILTER_PROPERTIES } from '../impact/device-filter.js';
import { parseAddress } from '../impact/ip-range.js';
import {
  AUTHENTICATION_FLOWS, CLIENT_APP_TYPES, GUEST_TYPES, INSIDER_RISK_LEVELS, PLATFORMS, RISK_LEVELS, USER_ACTIONS,
  type DeviceProperties, type SignIn, type SignInIdentity, type SignInTarget,
} from '../impact/sign-in.js';

export interface WhatIfSignInFlags {
  user?: string;
  memberOf: string[];
  role: string[];
  guest?: string;
  homeTenant?: string;
  workload?: string;
  app?: string;
  userAction?: string;
  authContext?: string;
  platform?: string;
  clientAppType?: string;
  location: string[];
  ip?: string;
  country?: string;
  trusted?: boolean;
  mfaTrustedIps?: boolean;
  signInRisk?: string;
  userRisk?: string;
  servicePrincipalRisk?: string;
  insiderRisk?: string;
  deviceJson?: string;
  authFlow?: string;
}

const APP_KEYWORDS = ['Office365', 'MicrosoftAdminPortals'];

/** `name` as a reference of `kind`, unless it already is one, an id, or a keyword. */
export function asReference(kind: string, value: string, keywords: readonly string[] = []): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new ConfigurationError(`an empty ${kind} was given`);
  if (isGuid(trimmed)) return trimmed;
  const keyword = keywords.find((k) => k.toLowerCase() === trimmed.toLowerCase());
  if (keyword) return keyword;
  return trimmed.toLowerCase().startsWith(`${kind.toLowerCase()}:`) ? trimmed : `${kind}:${trimmed}`;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const hit = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
  if (!hit) throw new ConfigurationError(`${flag} takes one of ${allowed.join(', ')}, not "${value}"`);
  return hit;
}

function identityOf(flags: WhatIfSignInFlags): SignInIdentity {
  if (flags.workload !== undefined) {
    if (flags.user !== undefined || flags.memberOf.length > 0 || flags.role.length > 0 || flags.guest !== undefined) {
      throw new ConfigurationError('--workload signs in a service principal: leave out --user, --member-of, --role and --guest');
    }
    return { kind: 'workload', servicePrincipal: asReference('servicePrincipal', flags.workload) };
  }
  if (flags.user === undefined) throw new ConfigurationError('what-if needs who signs in: --user REF (with --member-of, --role, --guest) or --workload REF');
  return {
    kind: 'user',
    user: asReference('user', flags.user),
    groups: flags.memberOf.map((g) => asReference('group', g)),
    roles: flags.role.map((r) => asReference('role', r)),
    guestType: oneOf('--guest', flags.guest, GUEST_TYPES),
    homeTenant: flags.homeTenant,
  };
}

function targetOf(flags: WhatIfSignInFlags): SignInTarget {
  const given = [flags.app, flags.userAction, flags.authContext].filter((v) => v !== undefined);
  if (given.length !== 1) throw new ConfigurationError('what-if needs exactly one of --app REF, --user-action URN, --auth-context ID');
  if (flags.app !== undefined) return { kind: 'application', application: asReference('app', flags.app, APP_KEYWORDS) };
  if (flags.userAction !== undefined) return { kind: 'userAction', userAction: oneOf('--user-action', flags.userAction, USER_ACTIONS) ?? '' };
  const context = (flags.authContext ?? '').trim();
  if (!/^c([1-9]|[1-9][0-9])$/i.test(context)) throw new ConfigurationError(`--auth-context takes c1 to c99, not "${flags.authContext ?? ''}"`);
  return { kind: 'authContext', authContext: context.toLowerCase() };
}

/** Reads --device-json: one object of device-filter properties (string, boolean, or list of strings). */
export function readDevice(file: string): DeviceProperties {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`--device-json ${file}: not a readable JSON file (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigurationError(`--device-json ${file}: expected one object of device properties, e.g. {"isCompliant": true, "trustType": "AzureAD"}`);
  const device: Record<string, string | boolean | string[]> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const property = DEVICE_FILTER_PROPERTIES.find((p) => p.toLowerCase() === key.toLowerCase());
    if (!property) throw new ConfigurationError(`--device-json ${file}: "${key}" is not a device property filters read; use ${DEVICE_FILTER_PROPERTIES.slice(0, 14).join(', ')}, extensionAttribute1-15`);
    const ok = typeof value === 'string' || typeof value === 'boolean' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
    if (!ok) throw new ConfigurationError(`--device-json ${file}: "${key}" must be a string, true/false or a list of strings`);
    device[property] = value as string | boolean | string[];
  }
  return device;
}

export function signInFromFlags(flags: WhatIfSignInFlags): SignIn {
  const location = {
    namedLocations: flags.location.map((l) => asReference('location', l)),
    ip: flags.ip,
    country: flags.country?.trim().toUpperCase(),
    trusted: flags.trusted,
    mfaTrustedIps: flags.mfaTrustedIps,
  };
  if (flags.ip !== undefined && !parseAddress(flags.ip)) throw new ConfigurationError(`--ip takes an IPv4 or IPv6 address, not "${flags.ip}"`);
  if (location.country !== undefined && !/^[A-Z]{2}$/.test(location.country)) throw new ConfigurationError(`--country takes a two-letter ISO code (FR, US…), not "${flags.country ?? ''}"`);
  return {
    identity: identityOf(flags),
    target: targetOf(flags),
    platform: oneOf('--platform', flags.platform, PLATFORMS),
    clientAppType: oneOf('--client-app-type', flags.clientAppType, CLIENT_APP_TYPES),
    location,
    risks: {
      signIn: oneOf('--sign-in-risk', flags.signInRisk, RISK_LEVELS),
      user: oneOf('--user-risk', flags.userRisk, RISK_LEVELS),
      servicePrincipal: oneOf('--service-principal-risk', flags.servicePrincipalRisk, RISK_LEVELS),
      insider: oneOf('--insider-risk', flags.insiderRisk, INSIDER_RISK_LEVELS),
    },
    device: flags.deviceJson === undefined ? undefined : readDevice(flags.deviceJson),
    authenticationFlow: oneOf('--auth-flow', flags.authFlow, AUTHENTICATION_FLOWS),
  };
}
