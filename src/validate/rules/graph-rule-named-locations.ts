/**
 * The named-location limits Graph enforces when a location is written (Entra's "Network
 * assignment" docs: "Only CIDR masks greater than /8 are allowed", "No more than 2000 IP ranges
 * per named location", "No more than 195 named locations"; a country location lists at least one
 * country unless it includes unknown countries). Part of the graph-rule rule: caught here, they
 * are a line in the pull request instead of a half-applied deployment.
 */
import { displayNameOf, isJsonObject, type JsonValue } from '../../model/documents.js';
import type { PreparedDocument, RuleHit } from '../../model/rule.js';

export const MAX_RANGES_PER_LOCATION = 2000;
export const MAX_NAMED_LOCATIONS = 195;
/** Graph accepts a mask only when it is greater than this. */
const WIDEST_REFUSED_MASK = 8;

const COUNTRY = '#microsoft.graph.countrynamedlocation';

type Hit = Omit<RuleHit, 'document'>;

/** The checks of one named location document. */
export function namedLocationHits(document: PreparedDocument): Hit[] {
  const doc = document.value;
  const hits: Hit[] = [];
  const ranges = doc['ipRanges'];
  if (Array.isArray(ranges)) {
    ranges.forEach((range, i) => {
      const problem = rangeProblem(range);
      if (problem) hits.push({ path: `/ipRanges/${i}/cidrAddress`, message: problem });
    });
    if (ranges.length > MAX_RANGES_PER_LOCATION) {
      hits.push({
        path: `/ipRanges/${MAX_RANGES_PER_LOCATION}`,
        message: `${ranges.length.toLocaleString('en-US')} IP ranges: Graph accepts at most ${MAX_RANGES_PER_LOCATION.toLocaleString('en-US')} per named location; split them over several locations (a policy can include or exclude them all), or merge adjacent ranges`,
      });
    }
  }
  const type = typeof doc['@odata.type'] === 'string' ? doc['@odata.type'].replace(/^#?/, '#').toLowerCase() : undefined;
  const countries = doc['countriesAndRegions'];
  if (type === COUNTRY && Array.isArray(countries) && countries.length === 0 && doc['includeUnknownCountriesAndRegions'] !== true) {
    hits.push({
      path: '/countriesAndRegions',
      message:
        'countriesAndRegions is empty: Graph refuses a country location that matches nothing; list at least one ISO 3166-1 code (for example ["FR"]), or set includeUnknownCountriesAndRegions to true for a location of unknown countries only',
    });
  }
  return hits;
}

/** Why Graph would refuse one ipRanges item, or undefined. Items of the wrong shape are the schema's. */
function rangeProblem(range: JsonValue): string | undefined {
  if (!isJsonObject(range) || typeof range['cidrAddress'] !== 'string') return undefined;
  const cidr = range['cidrAddress'].trim();
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return `"${cidr}" is not in CIDR notation (address/mask, for example 203.0.113.0/24 or 2001:db8::/48): Graph refuses it`;
  const v6 = m[1]!.includes(':');
  const mask = Number(m[2]);
  if (mask > (v6 ? 128 : 32)) return `"${cidr}": an ${v6 ? 'IPv6' : 'IPv4'} mask is at most /${v6 ? 128 : 32}`;
  if (mask <= WIDEST_REFUSED_MASK) {
    return `"${cidr}": Graph accepts only CIDR masks greater than /${WIDEST_REFUSED_MASK} (a /${mask} spans ${v6 ? 'a vast share of the IPv6 space' : `${(2 ** (32 - mask)).toLocaleString('en-US')} addresses`}); write the ranges you mean with masks of /${WIDEST_REFUSED_MASK + 1} or longer, or use a country location`;
  }
  return undefined;
}

/**
 * More than 195 named locations: one finding, on the 196th file in load order (sorted by path).
 * That file is what takes the repository over the limit, and a finding needs a file and a line
 * that annotations and SARIF can show; caac.yml may not exist.
 */
export function namedLocationCountHits(documents: readonly PreparedDocument[]): RuleHit[] {
  const locations = documents.filter((d) => d.kind === 'namedLocation');
  if (locations.length <= MAX_NAMED_LOCATIONS) return [];
  const first = locations[MAX_NAMED_LOCATIONS]!;
  const name = displayNameOf(first);
  return [
    {
      document: first,
      path: '/displayName',
      message: `the repository defines ${locations.length} named locations: Graph allows at most ${MAX_NAMED_LOCATIONS} in a tenant (its unmanaged ones count too), and this one${name ? ` ("${name}")` : ''} is number ${MAX_NAMED_LOCATIONS + 1}; merge locations (a location holds up to ${MAX_RANGES_PER_LOCATION.toLocaleString('en-US')} ranges) or delete ${locations.length - MAX_NAMED_LOCATIONS}`,
    },
  ];
}
