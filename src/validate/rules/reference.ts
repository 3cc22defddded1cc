/**
 * Every id slot of a policy holds a GUID, a Graph keyword, or a `kind:name` reference of the kind
 * that slot takes. Named locations and authentication strengths referenced by name must be
 * defined in the repository (or be a built-in strength), because the plan creates them first.
 * Users, groups, roles and apps are checked against the tenant at plan time.
 */
import { displayNameOf } from '../../model/documents.js';
import { childPointer, valueAtPointer } from '../../model/json-pointer.js';
import type { Severity } from '../../model/findings.js';
import {
  BETA_KEYWORDS,
  BUILT_IN_AUTH_STRENGTHS,
  MFA_TRUSTED_IPS_LOCATION_ID,
  REFERENCE_KINDS,
  POLICY_REFERENCE_SLOTS,
  isGuid,
  parseReferenceValue,
  type ReferenceKind,
  type ReferenceSlot,
} from '../../model/references.js';
import type { PreparedDocument, Rule, RuleHit } from '../../model/rule.js';

/** Where a reference of each kind belongs, for the hint when one sits in the wrong slot. */
const HOME: Record<ReferenceKind, string> = {
  user: 'conditions.users.includeUsers / excludeUsers',
  group: 'conditions.users.includeGroups / excludeGroups',
  role: 'conditions.users.includeRoles / excludeRoles',
  app: 'conditions.applications.includeApplications / excludeApplications',
  servicePrincipal: 'conditions.clientApplications.includeServicePrincipals / excludeServicePrincipals',
  location: 'conditions.locations.includeLocations / excludeLocations',
  authStrength: 'grantControls.authenticationStrength.id',
};

export const reference: Rule = {
  id: 'reference',
  severity: 'error',
  description:
    'A malformed id (not a GUID, keyword or kind:name reference), an unknown reference kind, a reference in the wrong place, or a location:/authStrength: name that the repository does not define.',
  check({ documents }) {
    const defined = {
      location: namesOf(documents, 'namedLocation'),
      authStrength: new Map([...namesOf(documents, 'authenticationStrength'), ...Object.keys(BUILT_IN_AUTH_STRENGTHS).map((n) => [n.toLowerCase(), n] as const)]),
    };
    const hits: RuleHit[] = [];
    for (const document of documents) {
      if (document.kind !== 'policy') continue;
      for (const slot of POLICY_REFERENCE_SLOTS) {
        const raw = valueAtPointer(document.value, slot.pointer);
        const items: [string, unknown][] = slot.single
          ? [[slot.pointer, raw]]
          : Array.isArray(raw)
            ? raw.map((v, i) => [childPointer(slot.pointer, i), v])
            : [];
        for (const [path, value] of items) {
          if (typeof value !== 'string') continue; // absent, or the schema reports the type
          const outcome = checkValue(value, slot, defined);
          if (typeof outcome === 'string') hits.push({ document, path, message: outcome });
          else if (outcome) hits.push({ document, path, ...outcome });
        }
      }
    }
    return hits;
  },
};

function checkValue(
  value: string,
  slot: ReferenceSlot,
  defined: { location: Map<string, string>; authStrength: Map<string, string> },
): string | { severity: Severity; message: string } | undefined {
  const where = slot.pointer.split('/').pop();
  const parsed = parseReferenceValue(value, slot.keywords);
  if (slot.kind === 'tenant' || slot.kind === 'termsOfUse' || slot.kind === 'customFactor') {
    return parsed.type === 'guid' ? undefined : `"${value}" in ${where} must be an id (GUID)`;
  }
  switch (parsed.type) {
    case 'guid':
      return undefined;
    case 'keyword':
      return BETA_KEYWORDS.includes(parsed.keyword)
        ? { severity: 'warning', message: `"${parsed.keyword}" is a beta-only keyword in Microsoft Graph: accepted, but caac manages it only with --api-version beta` }
        : undefined;
    case 'malformed': {
      const keywords = slot.keywords.length ? `, a keyword (${slot.keywords.filter((k) => !BETA_KEYWORDS.includes(k)).join(', ')})` : '';
      const placeholder = /^(%.*%|\{\{.*\}\}|\$\{.*\}|<.*>|__.*__)$/.test(value.trim()) ? ': it looks like a template placeholder that was never replaced' : '';
      return `"${value}" in ${where} is not an object id (GUID)${keywords} or a reference such as "${slot.kind}:Name"${placeholder}`;
    }
    case 'unknown-kind':
      return `unknown reference kind "${parsed.kind}:" in "${value}": use one of ${REFERENCE_KINDS.map((k) => `${k}:`).join(', ')}`;
    case 'reference': {
      const ref = parsed.reference;
      if (ref.kind !== slot.kind) {
        return `"${value}" is a ${ref.kind} reference, but ${where} holds ${slot.kind}s: move it to ${HOME[ref.kind]}`;
      }
      if (ref.kind === 'app' && isGuid(ref.name)) return undefined;
      if (ref.kind === 'location' || ref.kind === 'authStrength') {
        if (isGuid(ref.name)) return undefined;
        const names = defined[ref.kind];
        if (names.has(ref.name.toLowerCase())) {
          const exact = names.get(ref.name.toLowerCase())!;
          return exact === ref.name ? undefined : `"${value}": the ${label(ref.kind)} is named "${exact}" (names are matched exactly)`;
        }
        if (ref.kind === 'location' && ref.name.trim().toLowerCase() === 'mfa trusted ips') {
          return `"${value}": the MFA Trusted IPs are no named location object; write their id "${MFA_TRUSTED_IPS_LOCATION_ID}", which Graph accepts in ${where}`;
        }
        const folder = ref.kind === 'location' ? 'named-locations/' : 'authentication-strengths/';
        const builtIns = ref.kind === 'authStrength' ? ` or a built-in one (${Object.keys(BUILT_IN_AUTH_STRENGTHS).join(', ')})` : '';
        return `"${value}": no ${label(ref.kind)} named "${ref.name}" is defined in ${folder}${builtIns}; add it, fix the name, or use its id`;
      }
      return undefined;
    }
  }
}

function label(kind: 'location' | 'authStrength'): string {
  return kind === 'location' ? 'named location' : 'authentication strength';
}

function namesOf(documents: readonly PreparedDocument[], kind: PreparedDocument['kind']): Map<string, string> {
  const names = new Map<string, string>();
  for (const d of documents) {
    if (d.kind !== kind) continue;
    const name = displayNameOf(d);
    if (name) names.set(name.toLowerCase(), name);
  }
  return names;
}
