/**
 * Named locations: IP ranges (IPv4/IPv6 CIDR) and countries (ISO 3166-1 alpha-2). Graph needs
 * `@odata.type` on POST and on PATCH, and a location cannot change its kind. The limits are those
 * Entra documents for IP locations (concept-assignment-network): masks greater than /8 only, at most
 * 2,000 ranges per location and 195 named locations per tenant; a trusted location cannot be deleted.
 */
import { badRequest, ca } from '../graph-error.js';
import { isObject, mergePatch, normalize, normalizePatch, type TypeDef } from '../schema.js';
import type { Json, JsonObject, TenantState } from '../types.js';
import { isCountryCode, isIPv4Cidr, isIPv6Cidr } from '../validation.js';

export const IP_TYPE = '#microsoft.graph.ipNamedLocation';
export const COUNTRY_TYPE = '#microsoft.graph.countryNamedLocation';
const V4 = '#microsoft.graph.iPv4CidrRange';
const V6 = '#microsoft.graph.iPv6CidrRange';
const ENTITY = 'NamedLocation';
const ctx = { entity: ENTITY };

export const NAMED_LOCATION_LIMIT = 195;
export const RANGES_PER_LOCATION = 2000;
/** "Only CIDR masks greater than /8 are allowed when defining an IP range" (IPv4 or IPv6). */
const WIDEST_MASK = 9;

const server = { id: { k: 'string' }, displayName: { k: 'string' }, modifiedDateTime: { k: 'string' }, createdDateTime: { k: 'string' } } as const;

const ipRangeType: TypeDef = { name: 'ipRange', fields: { cidrAddress: { k: 'string' } } };

const ipInput: TypeDef = {
  name: 'ipNamedLocation',
  fields: { displayName: { k: 'string' }, ipRanges: { k: 'raw' }, isTrusted: { k: 'bool', def: false } },
};
const countryInput: TypeDef = {
  name: 'countryNamedLocation',
  fields: {
    displayName: { k: 'string' },
    countriesAndRegions: { k: 'strings' },
    includeUnknownCountriesAndRegions: { k: 'bool', def: false },
    countryLookupMethod: { k: 'enum', values: ['clientIpAddress', 'authenticatorAppGps', 'unknownFutureValue'], def: 'clientIpAddress' },
  },
};
export const ipStored: TypeDef = { name: 'ipNamedLocation', fields: { ...server, ...ipInput.fields } };
export const countryStored: TypeDef = { name: 'countryNamedLocation', fields: { ...server, ...countryInput.fields } };

function odataType(body: JsonObject, required: boolean): string | undefined {
  const t = body['@odata.type'];
  if (t === undefined && !required) return undefined;
  if (typeof t !== 'string') throw badRequest("1007: '@odata.type' is required for named locations: '#microsoft.graph.ipNamedLocation' or '#microsoft.graph.countryNamedLocation'.");
  const lower = t.replace(/^#?/, '#').toLowerCase();
  if (lower === IP_TYPE.toLowerCase()) return IP_TYPE;
  if (lower === COUNTRY_TYPE.toLowerCase()) return COUNTRY_TYPE;
  throw badRequest(`1007: Unknown named location type '${t}'.`);
}

function shapeRanges(raw: Json | undefined): JsonObject[] {
  if (!Array.isArray(raw) || raw.length === 0) throw badRequest("1101: 'ipRanges' must list at least one IP range.");
  if (raw.length > RANGES_PER_LOCATION) throw ca.tooManyRanges(raw.length, RANGES_PER_LOCATION);
  return raw.map((r, i) => {
    if (!isObject(r)) throw badRequest(`1101: 'ipRanges[${i}]' must be an object.`);
    const { cidrAddress } = normalize(ipRangeType, r, `ipRanges[${i}]`, ctx);
    if (typeof cidrAddress !== 'string') throw badRequest(`1101: 'ipRanges[${i}].cidrAddress' is required.`);
    const t = typeof r['@odata.type'] === 'string' ? (r['@odata.type'] as string).replace(/^#?/, '#').toLowerCase() : undefined;
    if (t !== undefined && t !== V4.toLowerCase() && t !== V6.toLowerCase()) throw badRequest(`1101: Unknown IP range type '${String(r['@odata.type'])}'.`);
    const v4 = isIPv4Cidr(cidrAddress);
    const v6 = isIPv6Cidr(cidrAddress);
    if ((t === V4.toLowerCase() && !v4) || (t === V6.toLowerCase() && !v6) || (!v4 && !v6)) {
      throw badRequest(`1102: Invalid IP range '${cidrAddress}': expected ${t === V6.toLowerCase() ? 'an IPv6' : t === V4.toLowerCase() ? 'an IPv4' : 'a'} CIDR address.`);
    }
    if (Number(cidrAddress.slice(cidrAddress.lastIndexOf('/') + 1)) < WIDEST_MASK) throw ca.maskTooWide(cidrAddress);
    return { '@odata.type': v4 ? V4 : V6, cidrAddress };
  });
}

function check(l: JsonObject): JsonObject {
  if (typeof l.displayName !== 'string' || l.displayName.trim() === '') throw badRequest("1007: 'displayName' is required.");
  if (l['@odata.type'] === IP_TYPE) {
    l.ipRanges = shapeRanges(l.ipRanges);
  } else {
    const codes = Array.isArray(l.countriesAndRegions) ? (l.countriesAndRegions as string[]) : [];
    const upper = codes.map((c) => c.toUpperCase());
    const bad = upper.find((c) => !isCountryCode(c));
    if (bad !== undefined) throw badRequest(`1103: Invalid country or region code '${bad}': expected an ISO 3166-1 alpha-2 code.`);
    if (upper.length === 0 && l.includeUnknownCountriesAndRegions !== true) throw badRequest("1103: 'countriesAndRegions' must list at least one country or region.");
    l.countriesAndRegions = upper;
  }
  return l;
}

function strip(body: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(body)) if (!k.startsWith('@odata.')) out[k] = v;
  for (const f of ['id', 'createdDateTime', 'modifiedDateTime']) if (f in out) throw ca.readOnly(f);
  return out;
}

export function createNamedLocation(body: Json | undefined, id: string, now: string): JsonObject {
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  const type = odataType(body, true) as string;
  const input = normalize(type === IP_TYPE ? ipInput : countryInput, strip(body), '', ctx);
  // Graph answers a new location with modifiedDateTime equal to createdDateTime.
  return check({ '@odata.type': type, id, displayName: input.displayName ?? null, modifiedDateTime: now, createdDateTime: now, ...input });
}

/** PATCH merges (the update reference: properties left out keep their values); ipRanges is replaced whole. */
export function patchNamedLocation(stored: JsonObject, body: Json | undefined, now: string): JsonObject {
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  const type = odataType(body, true);
  if (type !== stored['@odata.type']) throw badRequest(`1104: A named location cannot change its type from '${String(stored['@odata.type'])}' to '${String(type)}'.`);
  const input = type === IP_TYPE ? ipInput : countryInput;
  const patch = normalizePatch(input, strip(body), '', ctx);
  return check({ ...mergePatch(input, structuredClone(stored), patch, ctx), modifiedDateTime: now });
}

/** Graph refuses the 196th named location, whether created or restored from deletedItems. */
export function assertLocationCapacity(state: TenantState): void {
  if (state.namedLocations.length >= NAMED_LOCATION_LIMIT) throw ca.locationLimit(NAMED_LOCATION_LIMIT);
}

/** A location marked trusted must be marked untrusted (PATCH) before it can be deleted. */
export function assertUntrusted(location: JsonObject): void {
  if (location['@odata.type'] === IP_TYPE && location.isTrusted === true) throw ca.trustedLocation(String(location.id));
}

/** For seeds and state files. */
export function normalizeStoredNamedLocation(l: JsonObject): JsonObject {
  const type = odataType(l, true) as string;
  const fields: JsonObject = {};
  for (const [k, v] of Object.entries(l)) if (!k.startsWith('@odata.')) fields[k] = v;
  return check({ '@odata.type': type, ...normalize(type === IP_TYPE ? ipStored : countryStored, fields, '', ctx) });
}
