/**
 * Access impact: the sign-in matrix evaluated against the policies before and after a change, and
 * every sign-in whose result changes, grouped by the change (becomes blocked, no longer blocked,
 * gains or loses requirements) and counted, with the people it touches and one example each. A
 * report-only policy enforces nothing, so moving a disabled policy to report-only changes nothing
 * and moving an enabled one there shows as requirements lost. Pure.
 */
import type { JsonObject, JsonValue } from '../model/documents.js';
import type { ImpactChange, PlanImpact, PlanImpactGroup } from '../model/plan.js';
import { locationViews, type EvaluationContext } from './context.js';
import { evaluate } from './evaluate.js';
import type { Evaluation, SessionControls } from './evaluation.js';
import { describeSignIn, signInMatrix, type MatrixSignIn } from './matrix.js';
import { decisiveExclusions, impactExceptions, type ExceptionExclusion } from './exception-exclusions.js';

export type { ImpactChange } from '../model/plan.js';
/** One group of sign-ins that change the same way (the plan file's shape). */
export type AccessImpactGroup = PlanImpactGroup;
/** The plan's "Access impact" (the plan file's shape). */
export type AccessImpact = PlanImpact;

export interface ImpactInput {
  before: { policies: readonly JsonObject[]; namedLocations: readonly JsonObject[] };
  after: { policies: readonly JsonObject[]; namedLocations: readonly JsonObject[] };
  emergency: { users: readonly string[]; groups: readonly string[] };
  /** id → `group:Finance`, for people to read. */
  label?: (id: string) => string;
  /** Who caac.yml's exceptions add to (or, ended, take from) the policies' exclusions: their changes are grouped and counted apart. */
  exceptions?: readonly ExceptionExclusion[];
}

/** JSON with keys sorted, so that two copies of one policy compare equal whatever their key order. */
function stable(value: JsonValue | undefined): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (typeof value === 'object' && value !== null) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stable(value[k])}`).join(',')}}`;
  return JSON.stringify(value ?? null);
}

const keyOf = (p: JsonObject): string => (typeof p['id'] === 'string' ? `id:${p['id'].toLowerCase()}` : `name:${String(p['displayName'])}`);

/** Policies that differ between the sides (changed, added or removed), each side's copy. */
function changedPolicies(before: readonly JsonObject[], after: readonly JsonObject[]): { before: JsonObject[]; after: JsonObject[] } {
  const old = new Map(before.map((p) => [keyOf(p), stable(p)]));
  const now = new Map(after.map((p) => [keyOf(p), stable(p)]));
  return {
    before: before.filter((p) => now.get(keyOf(p)) !== stable(p)),
    after: after.filter((p) => old.get(keyOf(p)) !== stable(p)),
  };
}

function sessionRequirements(s: SessionControls): string[] {
  const out: string[] = [];
  const f = s.signInFrequency;
  if (f) out.push(f.frequencyInterval === 'everyTime' ? 'sign-in frequency: every time' : `sign-in frequency: ${f.value ?? '?'} ${f.type ?? ''}`.trim());
  if (s.persistentBrowser) out.push(`persistent browser: ${s.persistentBrowser}`);
  if (s.applicationEnforcedRestrictions) out.push('app-enforced restrictions');
  if (s.cloudAppSecurity) out.push(`Defender for Cloud Apps: ${s.cloudAppSecurity}`);
  if (s.continuousAccessEvaluation) out.push(`continuous access evaluation: ${s.continuousAccessEvaluation}`);
  if (s.disableResilienceDefaults) out.push('resilience defaults disabled');
  if (s.secureSignInSession) out.push('secure sign-in session');
  return out;
}

/** What a sign-in must do to get in, each requirement as one string (a policy's OR choice stays one). */
export function requirementsOf(e: Evaluation, label: (id: string) => string): string[] {
  const out = new Set<string>();
  for (const r of e.grant?.policies ?? []) {
    const options = [...r.controls.map((c) => c.replace(/^(termsOfUse|customFactor):(.*)$/, (_m, k: string, id: string) => `${k}:${label(id)}`)), ...(r.authenticationStrength ? [`authentication strength ${label(r.authenticationStrength)}`] : [])];
    if (r.operator === 'OR' && options.length > 1) out.add([...options].sort().join(' or '));
    else options.forEach((o) => out.add(o));
  }
  sessionRequirements(e.session).forEach((s) => out.add(s));
  return [...out].sort();
}

interface Change {
  change: ImpactChange;
  gained: string[];
  lost: string[];
  blockedBy: string[];
  /** The exceptions the change comes from (none: the files' own rules). */
  exceptions?: AccessImpactGroup['exceptions'];
}

function compare(before: Evaluation, after: Evaluation, label: (id: string) => string): Change | undefined {
  if (before.outcome !== 'block' && after.outcome === 'block') return { change: 'blocked', gained: [], lost: [], blockedBy: after.blockedBy };
  if (before.outcome === 'block' && after.outcome !== 'block') return { change: 'unblocked', gained: [], lost: [], blockedBy: before.blockedBy };
  if (before.outcome === 'block') return undefined;
  const was = requirementsOf(before, label);
  const is = requirementsOf(after, label);
  const gained = is.filter((r) => !was.includes(r));
  const lost = was.filter((r) => !is.includes(r));
  return gained.length === 0 && lost.length === 0 ? undefined : { change: 'requirements', gained, lost, blockedBy: [] };
}

const ORDER: Record<ImpactChange, number> = { blocked: 0, requirements: 1, unblocked: 2 };

function group(changes: Array<{ sign: MatrixSignIn; change: Change }>): AccessImpactGroup[] {
  const groups = new Map<string, AccessImpactGroup>();
  for (const { sign, change } of changes) {
    const key = JSON.stringify([change.change, change.gained, change.lost, change.blockedBy, change.exceptions ?? []]);
    let g = groups.get(key);
    if (g === undefined) {
      g = { ...change, signIns: 0, who: [], emergency: false, example: describeSignIn(sign) };
      groups.set(key, g);
    }
    g.signIns += 1;
    if (!g.who.includes(sign.who)) g.who.push(sign.who);
    if (sign.emergency && !g.emergency) {
      g.emergency = true;
      g.example = describeSignIn(sign); // the example a reviewer must see first
    }
  }
  return [...groups.values()].sort((a, b) => ORDER[a.change] - ORDER[b.change] || Number(b.emergency) - Number(a.emergency) || b.signIns - a.signIns);
}

/** Who gains or loses access when the policies go from `before` to `after`. */
export function accessImpact(input: ImpactInput): AccessImpact {
  const label = input.label ?? ((id: string) => id);
  const separate = (input.exceptions ?? []).map((x) => x.value);
  const matrix = signInMatrix({ policies: [...input.before.policies, ...input.after.policies], emergency: input.emergency, label, separate });
  const contextBefore: EvaluationContext = { namedLocations: locationViews(input.before.namedLocations) };
  const contextAfter: EvaluationContext = { namedLocations: locationViews(input.after.namedLocations) };
  const changed = changedPolicies(input.before.policies, input.after.policies);
  const sameLocations = stable(input.before.namedLocations as JsonValue[]) === stable(input.after.namedLocations as JsonValue[]);
  const found: Array<{ sign: MatrixSignIn; change: Change }> = [];
  for (const sign of matrix) {
    // Only a sign-in that a changed policy applies to (enabled, on either side) can change; the
    // rest are not evaluated against the whole set. A changed named location touches every one.
    if (sameLocations) {
      const touched = evaluate(changed.before, sign.signIn, contextBefore).applied.length + evaluate(changed.after, sign.signIn, contextAfter).applied.length;
      if (touched === 0) continue;
    }
    const before = evaluate(input.before.policies, sign.signIn, contextBefore);
    const after = evaluate(input.after.policies, sign.signIn, contextAfter);
    const change = compare(before, after, label);
    if (change === undefined) continue;
    const from = impactExceptions(decisiveExclusions(sign.signIn, input.exceptions ?? [], before, after), label);
    found.push({ sign, change: from.length ? { ...change, exceptions: from } : change });
  }
  const blocked = found.filter((f) => f.change.change === 'blocked');
  const fromExceptions = found.filter((f) => f.change.exceptions !== undefined).length;
  return {
    signIns: matrix.length,
    changed: found.length,
    newlyBlocked: blocked.length,
    emergencyBlocked: blocked.filter((f) => f.sign.emergency).length,
    ...(fromExceptions > 0 ? { fromExceptions } : {}),
    groups: group(found),
  };
}
