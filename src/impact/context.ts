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
