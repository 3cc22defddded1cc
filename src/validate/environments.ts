/**
 * Checks caac.yml's `environments:` offline, at their line. What cannot be right anywhere is a
 * usage error (readSettings): a tenant id that is no GUID, a Graph URL that is no http(s) URL, a
 * binding whose key is not a `kind:name` reference or whose target is neither a reference of the
 * same kind nor an object id. What may be right later is a warning (`environment-binding`, every
 * validate and plan): a binding no file uses (a typo leaves the written reference unbound, so it
 * resolves by its own name in that tenant: it must not pass unseen, but a binding set up before
 * the pull request that uses it is legitimate), a policy selection that selects no policy.
 */
import { bindingsOf, type Environment } from '../model/environments.js';
import { globMatcher } from '../model/glob.js';
import type { Finding } from '../model/findings.js';
import { childPointer } from '../model/json-pointer.js';
import { POLICY_REFERENCE_SLOTS, isGuid, parseReferenceValue } from '../model/references.js';
import type { PreparedDocument } from '../model/rule.js';
import type { Settings, SettingsSource } from '../model/settings.js';
import { valueAtPointer } from '../model/json-pointer.js';

export const ENVIRONMENT_BINDING = 'environment-binding';

const at = (name: string, ...rest: string[]): string => rest.reduce((p, s) => childPointer(p, s), childPointer('/environments', name));

/** Refuses (through `fail`, at caac.yml's line) what no tenant could accept. */
export function checkEnvironmentSettings(settings: Settings, fail: (path: string, message: string) => never): void {
  for (const [name, environment] of Object.entries(settings.environments ?? {})) {
    if (!isGuid(environment.tenantId.trim())) {
      fail(at(name, 'tenantId'), `environments.${name}.tenantId is "${environment.tenantId}", which is not a tenant id: give the tenant's id (a GUID, the "Tenant ID" on the Microsoft Entra overview page)`);
    }
    if (environment.clientId !== undefined && !isGuid(environment.clientId.trim())) {
      fail(at(name, 'clientId'), `environments.${name}.clientId is "${environment.clientId}": give the application (client) id, a GUID`);
    }
    if (environment.graphUrl !== undefined) checkGraphUrl(environment.graphUrl, (m) => fail(at(name, 'graphUrl'), `environments.${name}.graphUrl ${m}`));
    for (const [written, target] of Object.entries(environment.references ?? {})) {
      const key = parseReferenceValue(written, []);
      if (key.type !== 'reference') {
        fail(at(name, 'references', written), `environments.${name}.references: the key "${written}" is not a reference as the files write it: use "kind:Name" (kinds: user, group, role, app, servicePrincipal, location, authStrength)`);
      }
      const value = parseReferenceValue(target, []);
      const sameKind = value.type === 'reference' && value.reference.kind === key.reference.kind;
      if (value.type !== 'guid' && !sameKind) {
        fail(at(name, 'references', written), `environments.${name}.references binds "${written}" to "${target}": give a ${key.reference.kind}:Name reference of this tenant or the object's id (a GUID)`);
      }
    }
  }
}

function checkGraphUrl(raw: string, fail: (message: string) => never): void {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail(`is "${raw}", which is not a URL: give e.g. https://graph.microsoft.com or http://127.0.0.1:8080 for a caac emulator`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`is "${raw}": it must be http:// or https://`);
  if (url.search !== '' || url.hash !== '') fail(`is "${raw}": it must not carry a query or fragment`);
}

/** Warnings about bindings no file uses and selections that select no policy. */
export function environmentFindings(settings: Settings, source: SettingsSource | undefined, documents: readonly PreparedDocument[]): Finding[] {
  if (!source || !settings.environments) return [];
  const finding = (path: string, message: string): Finding => {
    const p = source.locate(path);
    return { rule: ENVIRONMENT_BINDING, severity: 'warning', file: source.file, line: p.line, column: p.column, path, message };
  };
  const written = writtenReferences(settings, documents);
  const names = documents.filter((d) => d.kind === 'policy').map((d) => d.value['displayName']).filter((n): n is string => typeof n === 'string');
  const findings: Finding[] = [];
  for (const [name, entry] of Object.entries(settings.environments)) {
    const environment: Environment = { name, ...entry };
    for (const binding of bindingsOf(environment)) {
      const key = `${binding.reference.kind}:${binding.reference.name.toLowerCase()}`;
      if (!written.has(key)) {
        findings.push(finding(at(name, 'references', binding.written), `environments.${name} binds "${binding.written}", which no policy, emergencyAccess list, exception or rollout ring writes: check its spelling (a reference left unbound resolves by its own name in that tenant)`));
      }
    }
    for (const list of ['include', 'exclude'] as const) {
      (environment.policies?.[list] ?? []).forEach((glob, i) => {
        if (!names.some(globMatcher(glob))) {
          findings.push(finding(at(name, 'policies', list, String(i)), `environments.${name}.policies.${list} names "${glob}", which matches no policy displayName in the repository`));
        }
      });
    }
  }
  return findings;
}

/** Every `kind:name` the documents, caac.yml's emergency-access lists, exceptions and rollout rings write, as `kind:lower-case name`. */
function writtenReferences(settings: Settings, documents: readonly PreparedDocument[]): Set<string> {
  const out = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value !== 'string') return;
    const parsed = parseReferenceValue(value, []);
    if (parsed.type === 'reference') out.add(`${parsed.reference.kind}:${parsed.reference.name.toLowerCase()}`);
  };
  for (const document of documents) {
    if (document.kind !== 'policy') continue;
    for (const slot of POLICY_REFERENCE_SLOTS) {
      const value = valueAtPointer(document.value, slot.pointer);
      if (Array.isArray(value)) value.forEach(add);
      else add(value);
    }
  }
  [...(settings.emergencyAccess?.users ?? []), ...(settings.emergencyAccess?.groups ?? [])].forEach(add);
  for (const exception of settings.exceptions ?? []) Object.values(exception.exclude ?? {}).forEach((list) => (Array.isArray(list) ? list.forEach(add) : undefined));
  for (const ring of settings.rollout?.rings ?? []) (ring.include ?? []).forEach(add);
  return out;
}
