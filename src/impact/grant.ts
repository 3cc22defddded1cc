/**
 * Grant and session controls of the applying policies, combined. Every applying policy is
 * enforced together: block wins; otherwise each policy's requirement (all of its controls for AND,
 * one of them for OR) must be met. Sources: concept-conditional-access-grant ("require all the
 * selected controls" / "require one of"), concept-conditional-access-session, concept-conditional-access-policies.
 */
import type { JsonObject } from '../model/documents.js';
import type { GrantRequirements, PolicyRequirement, SessionControls } from './evaluation.js';
import { objectAt, stringsAt } from './values.js';

export function isBlock(policy: JsonObject): boolean {
  return stringsAt(objectAt(policy['grantControls'])?.['builtInControls']).some((c) => c.toLowerCase() === 'block');
}

function strengthName(grant: JsonObject): string | null {
  const strength = objectAt(grant['authenticationStrength']);
  if (!strength) return null;
  const name = strength['displayName'] ?? strength['id'];
  return typeof name === 'string' && name !== '' ? name : null;
}

/** The policy's requirement, or undefined when it grants with no control (session controls only). */
export function requirementOf(name: string, policy: JsonObject): PolicyRequirement | undefined {
  const grant = objectAt(policy['grantControls']);
  if (!grant) return undefined;
  const controls = [
    ...stringsAt(grant['builtInControls']),
    ...stringsAt(grant['termsOfUse']).map((id) => `termsOfUse:${id}`),
    ...stringsAt(grant['customAuthenticationFactors']).map((id) => `customFactor:${id}`),
  ];
  const authenticationStrength = strengthName(grant);
  if (controls.length === 0 && authenticationStrength === null) return undefined;
  return { policy: name, operator: grant['operator'] === 'AND' ? 'AND' : 'OR', controls, authenticationStrength };
}

/** Flattens the applying policies' requirements (see GrantRequirements). */
export function combineGrants(requirements: PolicyRequirement[]): GrantRequirements {
  const mandatory = new Set<string>();
  const strengths = new Set<string>();
  const choices = new Map<string, string[]>();
  for (const r of requirements) {
    const options = [...r.controls];
    const single = r.operator === 'AND' || options.length + (r.authenticationStrength ? 1 : 0) === 1;
    if (single) {
      options.forEach((c) => mandatory.add(c));
      if (r.authenticationStrength) strengths.add(r.authenticationStrength);
      continue;
    }
    if (r.authenticationStrength) options.push(`authenticationStrength:${r.authenticationStrength}`);
    const sorted = [...options].sort();
    choices.set(sorted.join('|'), sorted);
  }
  const open = [...choices.values()].filter((choice) => !choice.some((c) => mandatory.has(c) || strengths.has(c.replace(/^authenticationStrength:/, ''))));
  const onlyChoice = open[0];
  if (mandatory.size === 0 && strengths.size === 0 && open.length === 1 && onlyChoice) {
    return { operator: 'OR', controls: onlyChoice, authenticationStrength: [], anyOf: [], policies: requirements };
  }
  return { operator: 'AND', controls: [...mandatory], authenticationStrength: [...strengths], anyOf: open, policies: requirements };
}

type Frequency = NonNullable<SessionControls['signInFrequency']>;

function frequencyHours(f: Frequency): number {
  if (f.frequencyInterval === 'everyTime') return 0;
  return (f.value ?? Number.POSITIVE_INFINITY) * (f.type === 'days' ? 24 : 1);
}

function readFrequency(value: JsonObject): Frequency | undefined {
  if (value['isEnabled'] !== true) return undefined;
  return {
    type: value['type'] === 'days' ? 'days' : value['type'] === 'hours' ? 'hours' : null,
    value: typeof value['value'] === 'number' ? value['value'] : null,
    frequencyInterval: value['frequencyInterval'] === 'everyTime' ? 'everyTime' : 'timeBased',
    authenticationType: typeof value['authenticationType'] === 'string' ? value['authenticationType'] : 'primaryAndSecondaryAuthentication',
  };
}

const CLOUD_APP_SECURITY_ORDER = ['blockDownloads', 'mcasConfigured', 'monitorOnly'];
const CAE_ORDER = ['strictEnforcement', 'strictLocation', 'disabled'];

function stricter(order: string[], a: string | undefined, b: string): string {
  if (a === undefined) return b;
  const ia = order.indexOf(a);
  const ib = order.indexOf(b);
  return ib >= 0 && (ia < 0 || ib < ia) ? b : a;
}

/** Adds one policy's session controls to the combined set: the most restrictive wins. */
export function addSession(into: SessionControls, policy: JsonObject): void {
  const session = objectAt(policy['sessionControls']);
  if (!session) return;
  const frequency = readFrequency(objectAt(session['signInFrequency']) ?? {});
  if (frequency && (!into.signInFrequency || frequencyHours(frequency) < frequencyHours(into.signInFrequency))) into.signInFrequency = frequency;
  const browser = objectAt(session['persistentBrowser']);
  if (browser?.['isEnabled'] === true && (browser['mode'] === 'never' || browser['mode'] === 'always')) {
    into.persistentBrowser = into.persistentBrowser === 'never' ? 'never' : browser['mode'];
  }
  if (objectAt(session['applicationEnforcedRestrictions'])?.['isEnabled'] === true) into.applicationEnforcedRestrictions = true;
  const mcas = objectAt(session['cloudAppSecurity']);
  if (mcas?.['isEnabled'] === true && typeof mcas['cloudAppSecurityType'] === 'string') into.cloudAppSecurity = stricter(CLOUD_APP_SECURITY_ORDER, into.cloudAppSecurity, mcas['cloudAppSecurityType']);
  const cae = objectAt(session['continuousAccessEvaluation']);
  if (typeof cae?.['mode'] === 'string') into.continuousAccessEvaluation = stricter(CAE_ORDER, into.continuousAccessEvaluation, cae['mode']);
  if (session['disableResilienceDefaults'] === true) into.disableResilienceDefaults = true;
  if (objectAt(session['secureSignInSession'])?.['isEnabled'] === true) into.secureSignInSession = true;
}
