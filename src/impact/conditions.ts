/**
 * Conditions other than the network: platform, client app type, risks, device filter,
 * authentication flows. An unset condition applies to every sign-in; an input the sign-in did not
 * give is taken at Microsoft's documented default and recorded through `assume`.
 * Source: learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-conditions.
 */
import type { JsonObject } from '../model/documents.js';
import { matchesDeviceFilter, parseDeviceFilterRule } from './device-filter.js';
import type { SignIn } from './sign-in.js';
import { commaListAt, containsRef, objectAt, stringsAt } from './values.js';
import { APPLIES, notApplies, type Assume, type Verdict } from './verdict.js';

export function platformVerdict(conditions: JsonObject, signIn: SignIn, assume: Assume): Verdict {
  const platforms = objectAt(conditions['platforms']);
  const include = stringsAt(platforms?.['includePlatforms']);
  const exclude = stringsAt(platforms?.['excludePlatforms']);
  if (!platforms || (include.length === 0 && exclude.length === 0)) return APPLIES;
  const platform = signIn.platform;
  if (platform === undefined) {
    // An unknown platform is covered by `all` and by no named platform (the documented way to block unknown platforms).
    assume('platform', 'unknown (matches only "all")');
    return containsRef(include, 'all') ? APPLIES : notApplies('platform unknown; the policy names platforms');
  }
  if (containsRef(exclude, platform) || containsRef(exclude, 'all')) return notApplies(`platform excluded (${platform})`);
  if (!containsRef(include, 'all') && !containsRef(include, platform)) return notApplies(`platform not included (${platform})`);
  return APPLIES;
}

export function clientAppVerdict(conditions: JsonObject, signIn: SignIn, assume: Assume): Verdict {
  const types = stringsAt(conditions['clientAppTypes']);
  if (types.length === 0 || containsRef(types, 'all')) return APPLIES;
  if (signIn.clientAppType === undefined) {
    assume('clientAppType', 'unknown (matches only "all")');
    return notApplies(`client app type unknown; the policy applies to ${types.join(', ')}`);
  }
  return containsRef(types, signIn.clientAppType) ? APPLIES : notApplies(`client app type not included (${signIn.clientAppType})`);
}

function riskVerdict(levels: string[], given: string | undefined, input: string, label: string, assume: Assume): Verdict {
  if (levels.length === 0) return APPLIES;
  if (given === undefined) assume(input, 'none (no risk detected)');
  const level = given ?? 'none';
  return containsRef(levels, level) ? APPLIES : notApplies(`${label} ${level} not among ${levels.join(', ')}`);
}

export function risksVerdict(conditions: JsonObject, signIn: SignIn, assume: Assume): Verdict {
  const risks = signIn.risks ?? {};
  const checks: Verdict[] = [
    riskVerdict(stringsAt(conditions['signInRiskLevels']), risks.signIn, 'signInRisk', 'sign-in risk', assume),
    riskVerdict(stringsAt(conditions['userRiskLevels']), risks.user, 'userRisk', 'user risk', assume),
    riskVerdict(stringsAt(conditions['servicePrincipalRiskLevels']), risks.servicePrincipal, 'servicePrincipalRisk', 'service principal risk', assume),
  ];
  const insider = commaListAt(conditions['insiderRiskLevels']);
  if (insider.length > 0) {
    if (risks.insider === undefined) assume('insiderRisk', 'none (no insider risk level)');
    checks.push(risks.insider !== undefined && containsRef(insider, risks.insider) ? APPLIES : notApplies(`insider risk ${risks.insider ?? 'none'} not among ${insider.join(', ')}`));
  }
  return checks.find((check) => !check.applies) ?? APPLIES;
}

export function deviceVerdict(conditions: JsonObject, signIn: SignIn, assume: Assume): Verdict {
  const filter = objectAt(objectAt(conditions['devices'])?.['deviceFilter']);
  if (!filter) return APPLIES;
  const rule = typeof filter['rule'] === 'string' ? filter['rule'] : '';
  const parsed = parseDeviceFilterRule(rule);
  if (!parsed.ok) return notApplies(`cannot evaluate: the device filter rule does not parse (${parsed.error})`);
  if (signIn.device === undefined) assume('device', 'unregistered (every property null)');
  const matches = matchesDeviceFilter(parsed.expression, signIn.device);
  if (filter['mode'] === 'exclude') return matches ? notApplies('device excluded by the device filter') : APPLIES;
  return matches ? APPLIES : notApplies('device not included by the device filter');
}

export function flowVerdict(conditions: JsonObject, signIn: SignIn, assume: Assume): Verdict {
  const methods = commaListAt(objectAt(conditions['authenticationFlows'])?.['transferMethods']);
  if (methods.length === 0) return APPLIES;
  if (signIn.authenticationFlow === undefined) {
    assume('authenticationFlow', 'neither device code flow nor authentication transfer');
    return notApplies(`authentication flow not among ${methods.join(', ')}`);
  }
  return containsRef(methods, signIn.authenticationFlow) ? APPLIES : notApplies(`authentication flow ${signIn.authenticationFlow} not included`);
}
