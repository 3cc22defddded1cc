/** What the engine needs besides the policies and the sign-in: the named locations they name. */

/** A named location, as the engine reads it (from a repository file or from the tenant). */
export interface LocationView {
  /** Every string a policy may use for it: its id and/or `location:<displayName>`. */
  keys: readonly string[];
  displayName: string;
  kind: 'ip' | 'country';
  /** CIDR ranges (IPv4 and IPv6) of an IP location. */
  ipRanges: readonly string[];
  isTrusted: boolean;
  /** ISO country codes of a country location. */
  countries: readonly string[];
  includeUnknownCountriesAndRegions: boolean;
}

export interface EvaluationContext {
  namedLocations: readonly LocationView[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The engine's view of named-location documents (repository files or tenant objects): each is
 * known by its id when it has one and by `location:<displayName>`, so policies may use either.
 */
export function locationViews(documents: readonly Record<string, unknown>[]): LocationView[] {
  return documents.map((doc) => {
    const displayName = typeof doc['displayName'] === 'string' ? doc['displayName'] : '';
    const keys = [typeof doc['id'] === 'string' ? doc['id'] : undefined, displayName ? `location:${displayName}` : undefined].filter((k): k is string => k !== undefined);
    const ranges = Array.isArray(doc['ipRanges']) ? doc['ipRanges'] : [];
    const countries = Array.isArray(doc['countriesAndRegions']) ? doc['countriesAndRegions'] : [];
    return {
      keys,
      displayName,
      kind: Array.isArray(doc['countriesAndRegions']) ? 'country' : 'ip',
      ipRanges: ranges.filter(isObject).map((r) => r['cidrAddress']).filter((c): c is string => typeof c === 'string'),
      isTrusted: doc['isTrusted'] === true,
      countries: countries.filter((c): c is string => typeof c === 'string'),
      includeUnknownCountriesAndRegions: doc['includeUnknownCountriesAndRegions'] === true,
    };
  });
}
