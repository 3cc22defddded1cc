/**
 * What one environment plans: the repository's documents narrowed to the policies it selects,
 * with its bindings applied to the references (and to caac.yml's emergency-access lists), before
 * anything is resolved. The repository is still validated whole: an error in a policy another
 * environment manages stops this plan too, since the same merge applies it there next.
 *
 * Prune acts inside the selection only. A tenant policy the environment does not select (by its
 * displayName, or because an unselected file names its id) is never deleted there, even with
 * prune: excluding a policy from an environment must not delete it from that tenant. It is listed
 * as not managed instead.
 */
import { applyBindings, bindSettings, selectsDocument, selectsPolicy, type Environment } from '../model/environments.js';
import type { DocumentKind, JsonObject } from '../model/documents.js';
import type { Plan } from '../model/plan.js';
import type { Settings } from '../model/settings.js';
import type { ValidationResult } from '../validate/validate-repository.js';

export interface EnvironmentScope {
  validation: ValidationResult;
  /** caac.yml with the emergency-access lists bound. */
  settings: Settings;
  /** Tenant objects that prune must leave alone. */
  keep?: (kind: DocumentKind, object: JsonObject) => boolean;
}

/**
 * The plan without the tenant policies outside the environment's selection in its unmanaged list:
 * for drift, a policy an environment does not manage is not drift there (it is not "added").
 */
export function withinSelection(plan: Plan, environment: Environment | undefined): Plan {
  if (!environment) return plan;
  return { ...plan, unmanaged: plan.unmanaged.filter((u) => u.kind !== 'policy' || selectsPolicy(environment, u.displayName)) };
}

export function scopeToEnvironment(validation: ValidationResult, settings: Settings, environment: Environment | undefined): EnvironmentScope {
  if (!environment) return { validation, settings };
  const selected = validation.prepared.filter((d) => selectsDocument(environment, d));
  const left = validation.prepared.filter((d) => !selectsDocument(environment, d));
  const leftIds = new Set(left.map((d) => d.value['id']).filter((id): id is string => typeof id === 'string').map((id) => id.toLowerCase()));
  const { documents } = applyBindings(selected, environment);
  const bound = bindSettings(settings, environment);
  const keep = (kind: DocumentKind, object: JsonObject): boolean => {
    if (kind !== 'policy') return false;
    const name = typeof object['displayName'] === 'string' ? object['displayName'] : '';
    return !selectsPolicy(environment, name) || leftIds.has(String(object['id']).toLowerCase());
  };
  return { validation: { ...validation, prepared: documents }, settings: bound, keep };
}
