/**
 * The warnings a reviewer reads first: deletions, enforcement changes, new blocks, break-glass
 * exclusions removed, and beta-only properties that v1.0 ignores.
 */
import { KIND_LABELS, type DocumentKind, type JsonObject } from '../model/documents.js';
import type { PlanWarning } from '../model/plan.js';

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const at = (doc: JsonObject | undefined, ...path: string[]): unknown =>
  path.reduce<unknown>((o, k) => (typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>)[k] : undefined), doc);

export function deleteWarning(kind: DocumentKind, displayName: string, id: string, trusted = false): PlanWarning {
  const restorable = kind === 'authenticationStrength' ? '' : ' (Graph keeps it restorable for 30 days)';
  const untrust = trusted ? '; it is trusted, so it is first marked untrusted (Graph refuses to delete a trusted location)' : '';
  return { kind: 'delete', displayName, message: `deletes the ${KIND_LABELS[kind]} "${displayName}" (${id})${restorable}${untrust}` };
}

/** Warnings about one policy's create (before undefined) or update; both sides normalized. */
export function policyWarnings(displayName: string, before: JsonObject | undefined, after: JsonObject, emergencyIds: ReadonlySet<string>, labels: Record<string, string>): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  // Graph always answers a state and validate refuses a file without one, so a missing state
  // cannot reach here; if it ever did, the warnings judge the worst case (enforced), never less.
  const stateOf = (doc: JsonObject): string => {
    const state = at(doc, 'state');
    return typeof state === 'string' ? state : 'enabled';
  };
  const stateBefore = before === undefined ? undefined : stateOf(before);
  const stateAfter = stateOf(after);
  if (stateAfter === 'enabled' && stateBefore !== 'enabled') {
    warnings.push({
      kind: 'enforcement',
      displayName,
      message:
        before === undefined
          ? `is created enabled: it is enforced as soon as it is applied (consider "enabledForReportingButNotEnforced" first)`
          : `state changes from "${stateBefore}" to "enabled": the policy will be enforced`,
    });
  }
  // A policy newly blocks when it blocks (enabled, with "block") and did not before, or when it gains
  // "block" in report-only mode (it will block once enabled).
  const hasBlock = (doc: JsonObject | undefined): boolean => strings(at(doc, 'grantControls', 'builtInControls')).includes('block');
  const blockedBefore = before !== undefined && hasBlock(before) && stateBefore === 'enabled';
  if (hasBlock(after) && stateAfter === 'enabled' && !blockedBefore) {
    warnings.push({
      kind: 'new-block',
      displayName,
      message:
        before === undefined
          ? 'blocks access: a new enabled policy with the "block" control'
          : hasBlock(before)
            ? `now blocks access: the "block" policy changes from "${stateBefore}" to "enabled"`
            : 'now blocks access: "block" is added to the grant controls',
    });
  } else if (hasBlock(after) && stateAfter === 'enabledForReportingButNotEnforced' && !hasBlock(before)) {
    warnings.push({ kind: 'new-block', displayName, message: '"block" is added to the grant controls: report-only now, it blocks access once enabled' });
  }
  if (before !== undefined && emergencyIds.size) {
    for (const list of ['excludeUsers', 'excludeGroups']) {
      const had = strings(at(before, 'conditions', 'users', list));
      const has = new Set(strings(at(after, 'conditions', 'users', list)).map((v) => v.toLowerCase()));
      for (const id of had) {
        if (emergencyIds.has(id.toLowerCase()) && !has.has(id.toLowerCase())) {
          warnings.push({
            kind: 'break-glass-removed',
            displayName,
            message: `no longer excludes the emergency-access ${list === 'excludeUsers' ? 'account' : 'group'} ${labels[id.toLowerCase()] ?? id} (${id}): this can lock everyone out`,
          });
        }
      }
    }
  }
  return warnings;
}

export function betaWarning(displayName: string, kind: DocumentKind, pointers: readonly string[]): PlanWarning {
  const shown = pointers.slice(0, 4).join(', ') + (pointers.length > 4 ? ` and ${pointers.length - 4} more` : '');
  return {
    kind: 'beta',
    displayName,
    message: `the ${KIND_LABELS[kind]} sets beta-only propert${pointers.length > 1 ? 'ies' : 'y'} ${shown}, ignored under --api-version v1.0: plan and apply with --api-version beta to manage ${pointers.length > 1 ? 'them' : 'it'}`,
  };
}
