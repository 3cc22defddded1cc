/**
 * The network condition: which named locations a sign-in is in, whether it is trusted, and a
 * policy's include/exclude lists (`All`, `AllTrusted`, the MFA Trusted IPs id, named locations).
 * Source: learn.microsoft.com/entra/identity/conditional-access/concept-assignment-network.
 */
import type { JsonObject } from '../model/documents.js';
import { MFA_TRUSTED_IPS_LOCATION_ID } from '../model/references.js';
import type { EvaluationContext, LocationView } from './context.js';
import { cidrContains, parseAddress } from './ip-range.js';
import type { SignInLocation } from './sign-in.js';
import { containsRef, objectAt, sameRef, stringsAt } from './values.js';
import { APPLIES, notApplies, type Assume, type Verdict } from './verdict.js';

export interface ResolvedLocation {
  known: boolean;
  /** The named locations the sign-in is in. */
  inside: LocationView[];
  trusted: boolean;
  mfaTrustedIps: boolean;
  /** The IP or country, when given, for reasons. */
  label: string;
  /** Keys of the country locations, when the sign-in's country is not given (it cannot be told from the IP). */
  unknownCountryKeys: readonly string[];
}

function contains(location: LocationView, signIn: SignInLocation): boolean {
  if (signIn.namedLocations?.some((ref) => location.keys.some((key) => sameRef(key, ref)))) return true;
  if (location.kind === 'ip') {
    const address = signIn.ip === undefined ? undefined : parseAddress(signIn.ip);
    return address !== undefined && location.ipRanges.some((cidr) => cidrContains(cidr, address));
  }
  if (signIn.country !== undefined) return location.countries.some((c) => sameRef(c, signIn.country ?? ''));
  return false;
}

export function resolveLocation(signIn: SignInLocation | undefined, context: EvaluationContext): ResolvedLocation {
  const given = signIn ?? {};
  const known = given.ip !== undefined || given.country !== undefined || (given.namedLocations?.length ?? 0) > 0 || given.trusted !== undefined;
  const inside = context.namedLocations.filter((location) => contains(location, given));
  const trusted = given.trusted ?? (inside.some((l) => l.isTrusted) || given.mfaTrustedIps === true);
  const label = [given.ip, given.country, ...(given.namedLocations ?? [])].filter((v) => v !== undefined).join(', ');
  const unknownCountryKeys = given.country === undefined ? context.namedLocations.filter((l) => l.kind === 'country').flatMap((l) => l.keys) : [];
  return { known, inside, trusted, mfaTrustedIps: given.mfaTrustedIps === true, label: label || 'an unknown location', unknownCountryKeys };
}

function entryCovers(entry: string, where: ResolvedLocation): boolean {
  if (sameRef(entry, 'All')) return true;
  if (sameRef(entry, 'AllTrusted')) return where.trusted;
  if (sameRef(entry, MFA_TRUSTED_IPS_LOCATION_ID)) return where.mfaTrustedIps;
  return where.inside.some((location) => location.keys.some((key) => sameRef(key, entry)));
}

export function locationVerdict(conditions: JsonObject, where: ResolvedLocation, assume: Assume): Verdict {
  const locations = objectAt(conditions['locations']);
  const include = stringsAt(locations?.['includeLocations']);
  const exclude = stringsAt(locations?.['excludeLocations']);
  if (include.length === 0 && exclude.length === 0) return APPLIES;
  if (!where.known && !(include.length === 1 && containsRef(include, 'All') && exclude.length === 0)) {
    assume('location', 'untrusted, in no named location');
  } else if ([...include, ...exclude].some((entry) => where.unknownCountryKeys.some((key) => sameRef(key, entry)))) {
    assume('country', 'in no country location');
  }
  const excludedBy = exclude.find((entry) => entryCovers(entry, where));
  if (excludedBy) return notApplies(`location excluded (${excludedBy}: ${where.label})`);
  if (!include.some((entry) => entryCovers(entry, where))) return notApplies(`location not included (${where.label})`);
  return APPLIES;
}
