/**
 * Environments: one repository, several tenants. `caac.yml` `environments:` names each tenant
 * with its connection, the policies it manages and the bindings that turn a reference as the files
 * write it (`group:CA-Pilot`) into the one to use there (`group:PPE-Pilot`, or an id). Every face
 * (CLI, action, Azure Pipelines) selects an environment through `environmentConnection`, and every
 * command that plans hands the `Environment` to runPlan: one place decides, whatever the face.
 */
import { ConfigurationError } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from './documents.js';
import { parsePointer, toPointer, valueAtPointer } from './json-pointer.js';
import { POLICY_REFERENCE_SLOTS, isGuid, parseReferenceValue, type Reference } from './references.js';
import type { PreparedDocument } from './rule.js';
import type { EnvironmentSettings, Settings } from './settings.js';
import { globMatches } from './glob.js';

export type { EnvironmentSettings };

export interface Environment extends EnvironmentSettings {
  name: string;
}

/** The variable that selects an environment when no flag or input does. */
export const ENVIRONMENT_VARIABLE = 'CAAC_ENVIRONMENT';

export function environmentNames(settings: Settings): string[] {
  return Object.keys(settings.environments ?? {}).sort();
}

/** The environment `name` of caac.yml; an unknown name is an error that lists the known ones. */
export function findEnvironment(settings: Settings, name: string): Environment {
  const known = environmentNames(settings);
  const wanted = name.trim();
  const entry = Object.hasOwn(settings.environments ?? {}, wanted) ? settings.environments![wanted] : undefined;
  if (entry === undefined) {
    const list = known.length ? `the environments caac.yml declares are ${known.map((k) => `"${k}"`).join(', ')}` : 'caac.yml declares no environments: (add one, or drop --environment / CAAC_ENVIRONMENT)';
    // The name may come from a variable: quoted as JSON, a control character cannot forge a log line.
    throw new ConfigurationError(`unknown environment ${JSON.stringify(wanted)}: ${list}`);
  }
  return { name: wanted, ...entry };
}

/** The environment asked for: the flag or input first, then CAAC_ENVIRONMENT; undefined for none. */
export function requestedEnvironment(given: string | undefined, env: Record<string, string | undefined>): string | undefined {
  const value = (given ?? env[ENVIRONMENT_VARIABLE])?.trim();
  return value ? value : undefined;
}

/** A connection setting the user gave outside caac.yml, and how (`--tenant-id`, `the tenant-id input`, `AZURE_TENANT_ID`). */
export interface GivenSetting {
  value: string;
  from: string;
}

export interface GivenConnection {
  tenantId?: GivenSetting;
  clientId?: GivenSetting;
  cloud?: GivenSetting;
  graphUrl?: GivenSetting;
}

/** The connection an environment selects, with its name for the tenant-identity message. */
export interface EnvironmentConnection {
  environment: Environment;
  tenantId: string;
  /** Names the environment: the refusal of a token for another tenant quotes it. */
  tenantIdSource: string;
  clientId?: string;
  cloud?: string;
  graphUrl?: string;
}

const same = (a: string, b: string, key: keyof GivenConnection): boolean => {
  const norm = (v: string): string => (key === 'graphUrl' ? v.trim().replace(/\/+$/, '').replace(/\/(v1\.0|beta)$/i, '') : v.trim()).toLowerCase();
  return norm(a) === norm(b);
};

/**
 * The tenant, cloud, Graph URL and client id of environment `name`. A setting given elsewhere
 * (flag, input, AZURE_* variable) that disagrees with the environment stops the run: a matrix job
 * whose variables point at one tenant while `--environment` names another must not guess.
 */
export function environmentConnection(settings: Settings, name: string, given: GivenConnection = {}): EnvironmentConnection {
  const environment = findEnvironment(settings, name);
  const fromEnvironment: GivenConnection = {
    tenantId: { value: environment.tenantId, from: 'tenantId' },
    ...(environment.clientId ? { clientId: { value: environment.clientId, from: 'clientId' } } : {}),
    ...(environment.cloud ? { cloud: { value: environment.cloud, from: 'cloud' } } : {}),
    ...(environment.graphUrl ? { graphUrl: { value: environment.graphUrl, from: 'graphUrl' } } : {}),
  };
  for (const key of ['tenantId', 'clientId', 'cloud', 'graphUrl'] as const) {
    const mine = fromEnvironment[key];
    const theirs = given[key];
    if (mine && theirs && !same(mine.value, theirs.value, key)) {
      throw new ConfigurationError(
        `${theirs.from} says ${JSON.stringify(theirs.value)}, but environment "${environment.name}" of caac.yml sets ${key}: ${JSON.stringify(mine.value)}: nothing was read. ` +
          `Drop ${theirs.from} (the environment names its own), or choose the environment it belongs to.`,
      );
    }
  }
  return {
    environment,
    tenantId: environment.tenantId,
    tenantIdSource: `environment "${environment.name}" of caac.yml (tenantId)`,
    clientId: environment.clientId ?? given.clientId?.value,
    cloud: environment.cloud ?? given.cloud?.value,
    graphUrl: environment.graphUrl ?? given.graphUrl?.value,
  };
}

/** Whether the environment manages the policy named `displayName` (include, default all; then exclude). */
export function selectsPolicy(environment: Environment, displayName: string): boolean {
  const { include, exclude } = environment.policies ?? {};
  const matches = (globs: readonly string[]): boolean => globs.some((g) => globMatches(g, displayName));
  if (include && !matches(include)) return false;
  return !(exclude && matches(exclude));
}

/** Named locations and strengths are always managed (a selected policy may need them); policies as selected. */
export function selectsDocument(environment: Environment, document: { kind: string; value: JsonObject }): boolean {
  if (document.kind !== 'policy') return true;
  const name = document.value['displayName'];
  return typeof name === 'string' ? selectsPolicy(environment, name) : true;
}

/** One binding of `references:`: the reference as written, and what stands for it in the tenant. */
export interface Binding {
  written: string;
  reference: Reference;
  target: string;
}

/** The environment's bindings whose key is a `kind:name` reference (the validator refuses the others). */
export function bindingsOf(environment: Environment): Binding[] {
  return Object.entries(environment.references ?? {}).flatMap(([written, target]) => {
    const parsed = parseReferenceValue(written, []);
    return parsed.type === 'reference' ? [{ written, reference: parsed.reference, target: target.trim() }] : [];
  });
}

/** The binding for `value` (same kind, name in any case), if any. */
export function bindingFor(bindings: readonly Binding[], value: string): Binding | undefined {
  const parsed = parseReferenceValue(value, []);
  if (parsed.type !== 'reference') return undefined;
  const { kind, name } = parsed.reference;
  return bindings.find((b) => b.reference.kind === kind && b.reference.name.toLowerCase() === name.toLowerCase());
}

/**
 * The documents with every bound reference rewritten (copies: the loaded documents stay as
 * written), and the bindings used. Only reference slots are rewritten: a displayName that happens
 * to read `group:X` is a name, not a reference.
 */
export function applyBindings(documents: readonly PreparedDocument[], environment: Environment): { documents: PreparedDocument[]; used: Set<string> } {
  const bindings = bindingsOf(environment);
  const used = new Set<string>();
  if (bindings.length === 0) return { documents: [...documents], used };
  const rewrite = (value: string): string => {
    const binding = bindingFor(bindings, value);
    if (!binding) return value;
    used.add(binding.written);
    return binding.target;
  };
  const bound = documents.map((document) => {
    if (document.kind !== 'policy') return document;
    const value = structuredClone(document.value);
    for (const slot of POLICY_REFERENCE_SLOTS) rewriteSlot(value, slot.pointer, slot.single === true, rewrite);
    return { ...document, value };
  });
  return { documents: bound, used };
}

function rewriteSlot(root: JsonObject, pointer: string, single: boolean, rewrite: (value: string) => string): void {
  const segments = parsePointer(pointer);
  const key = segments.pop()!;
  const parent = valueAtPointer(root, toPointer(segments)) as JsonValue | undefined;
  if (!isJsonObject(parent)) return;
  const current = parent[key];
  if (single) {
    if (typeof current === 'string') parent[key] = rewrite(current);
    return;
  }
  if (Array.isArray(current)) parent[key] = current.map((v) => (typeof v === 'string' ? rewrite(v) : v));
}

/** caac.yml's emergency-access users or groups with the environment's bindings applied. */
export function bindList(values: readonly string[], environment: Environment | undefined): string[] {
  if (!environment) return [...values];
  const bindings = bindingsOf(environment);
  return values.map((v) => bindingFor(bindings, v)?.target ?? v);
}

/**
 * caac.yml with the environment's bindings applied to the references it holds itself: the
 * emergency-access lists, the exceptions' exclusions and the rollout rings' members (none: as written).
 */
export function bindSettings(settings: Settings, environment: Environment | undefined): Settings {
  if (!environment) return settings;
  const access = settings.emergencyAccess;
  const bound: Settings = { ...settings };
  if (access && access.waive === undefined) {
    bound.emergencyAccess = { ...access, ...(access.users ? { users: bindList(access.users, environment) } : {}), ...(access.groups ? { groups: bindList(access.groups, environment) } : {}) };
  }
  if (settings.exceptions) {
    bound.exceptions = settings.exceptions.map((e) => ({
      ...e,
      exclude: Object.fromEntries(Object.entries(e.exclude ?? {}).map(([key, list]) => [key, Array.isArray(list) ? bindList(list, environment) : list])),
    }));
  }
  if (settings.rollout?.rings) {
    bound.rollout = { ...settings.rollout, rings: settings.rollout.rings.map((r) => (r.include ? { ...r, include: bindList(r.include, environment) } : r)) };
  }
  return bound;
}

/**
 * The reference a backup writes for `value` (as the tenant names it): the binding's key when the
 * environment binds a reference to it, so a policy backed up from pre-production reads as the
 * repository writes it (`group:CA-Pilot`, not `group:PPE-Pilot`).
 */
export function unbindReference(value: string, environment: Environment | undefined): string {
  if (!environment) return value;
  const trimmed = value.trim();
  const written = referenceOf(trimmed);
  for (const binding of bindingsOf(environment)) {
    const target = binding.target;
    if (isGuid(target)) {
      if (target.toLowerCase() === trimmed.toLowerCase()) return binding.written;
      continue;
    }
    const bound = referenceOf(target);
    if (bound && written && bound.kind === written.kind && bound.name.toLowerCase() === written.name.toLowerCase()) return binding.written;
  }
  return value;
}

function referenceOf(value: string): Reference | undefined {
  const parsed = parseReferenceValue(value, []);
  return parsed.type === 'reference' ? parsed.reference : undefined;
}
