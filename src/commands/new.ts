/**
 * `caac new`: a new policy file, from one of Microsoft's Conditional Access templates (read from
 * the tenant through the Templates port) or, without a template, a minimal skeleton. The file is
 * in the repository's format, starts report-only, excludes caac.yml's emergency-access accounts,
 * has a displayName that matches naming.pattern, and must pass validate before it is written.
 * `caac new --list` lists the templates.
 *
 * Graph requests: --list is one (paced) request; --template <id> one; --template <name> one list;
 * then one getByIds (and one getByAppIds) for the ids the template holds and one batch of name
 * look-ups proving each name unique, as a backup does.
 */
import { ConfigurationError } from '../errors.js';
import { displayNameOf, type JsonObject, type SourceDocument } from '../model/documents.js';
import { isGuid } from '../model/references.js';
import type { LoadedRepository } from '../model/repository.js';
import type { Settings } from '../model/settings.js';
import { TEMPLATE_SCENARIOS, type PolicyTemplate } from '../model/templates.js';
import { requestsSince, type DirectoryObject, type NameQuery, type RequestTally } from '../model/tenant.js';
import type { Directory } from '../ports/directory.js';
import type { DocumentFiles } from '../ports/document-files.js';
import type { PolicyStore } from '../ports/policy-store.js';
import type { Templates } from '../ports/templates.js';
import { directoryCandidates, directoryReferenceNames, heldIds, snapshotReferenceNames } from '../backup/names.js';
import { slugify } from '../backup/slug.js';
import { skeletonPolicy, templateDocument, type TemplateDocument } from '../backup/template-document.js';
import { compileNamingPattern } from '../validate/naming-pattern.js';
import { readSettings } from '../validate/settings.js';
import { validateRepository } from '../validate/validate-repository.js';
import type { Finding } from '../model/findings.js';

export interface NewPorts {
  store: PolicyStore;
  files: DocumentFiles;
  /** Absent for the skeleton (no tenant needed). */
  templates?: Templates;
  directory?: Directory;
  /** The tenant's request tally, for the report. */
  requests?: () => RequestTally;
}

export interface NewOptions {
  /** A template's id or name; absent for the skeleton. */
  template?: string;
  /** The displayName; when absent, `ask` is called (interactive), else the run stops. */
  name?: string;
  ask?: (question: string) => Promise<string>;
}

export interface NewResult {
  file: string;
  displayName: string;
  format: 'json' | 'yaml';
  template?: { id: string; name: string };
  notes: string[];
  /** Warnings validate made on the new file (it has no errors, or it is not written). */
  warnings: Finding[];
  requests?: RequestTally;
}

export async function runNew(ports: NewPorts, options: NewOptions): Promise<NewResult> {
  const repo = ports.store.load();
  const settings = readSettings(repo.settings);
  const before = ports.requests?.();
  const displayName = await chooseName(options, settings, repo);
  const emergency = { users: settings.emergencyAccess?.users ?? [], groups: settings.emergencyAccess?.groups ?? [] };
  let made: TemplateDocument;
  let template: PolicyTemplate | undefined;
  if (options.template === undefined) {
    made = skeletonPolicy(displayName, emergency);
  } else {
    if (!ports.templates || !ports.directory) throw new Error('caac new --template needs the Templates and Directory ports');
    template = await findTemplate(ports.templates, options.template);
    const names = await referenceNames(ports.directory, template, displayName);
    made = templateDocument({ template, displayName, emergency, names });
  }
  const format = repositoryFormat(repo);
  const file = `${repo.folder === undefined || repo.folder === '' ? repo.root.replace(/\/+$/, '') : repo.folder}/policies/${slugify(displayName) || 'policy'}.${format}`;
  const warnings = checkNewDocument(repo, settings, made.document, file);
  ports.files.createDocument(file, made.document, format);
  return {
    file,
    displayName,
    format,
    ...(template ? { template: { id: template.id, name: template.name } } : {}),
    notes: made.notes,
    warnings,
    ...(before && ports.requests ? { requests: requestsSince(before, ports.requests()) } : {}),
  };
}

/** `caac new --list [--scenario …]`: the templates, one request. */
export async function listTemplates(templates: Templates, scenario?: string): Promise<PolicyTemplate[]> {
  if (scenario !== undefined && !(TEMPLATE_SCENARIOS as readonly string[]).includes(scenario)) {
    throw new ConfigurationError(`--scenario ${JSON.stringify(scenario)}: Graph's template scenarios are ${TEMPLATE_SCENARIOS.join(', ')}`);
  }
  const list = await templates.list(scenario);
  return list.sort((a, b) => a.name.localeCompare(b.name));
}

async function chooseName(options: NewOptions, settings: Settings, repo: LoadedRepository): Promise<string> {
  const pattern = settings.naming?.pattern;
  const rule = pattern === undefined ? '' : ` (it must match naming.pattern "${pattern}" of caac.yml)`;
  let name = options.name;
  if (name === undefined) {
    if (!options.ask) throw new ConfigurationError(`caac new needs the policy's displayName: pass --name "…"${rule}`);
    name = await options.ask(`displayName for the new policy${pattern === undefined ? '' : ` (must match "${pattern}")`}: `);
  }
  name = name.trim();
  if (name === '') throw new ConfigurationError(`the displayName is empty: pass --name "…"${rule}`);
  if (pattern !== undefined) {
    const compiled = compileNamingPattern(pattern);
    if ('problem' in compiled) throw new ConfigurationError(`caac.yml: ${compiled.problem}`);
    if (!compiled.pattern.test(name)) throw new ConfigurationError(`--name ${JSON.stringify(name)} does not match naming.pattern "${pattern}" of caac.yml: choose a name that does`);
  }
  const taken = repo.documents.find((d) => d.kind === 'policy' && displayNameOf(d)?.trim().toLowerCase() === name.toLowerCase());
  if (taken) throw new ConfigurationError(`${taken.file} is already named ${JSON.stringify(name)}: displayName identifies a policy, choose another`);
  return name;
}

/** By id (one GET) when it is a GUID, else by name (one list): exactly one must match. */
async function findTemplate(templates: Templates, wanted: string): Promise<PolicyTemplate> {
  const key = wanted.trim();
  if (isGuid(key)) {
    const found = await templates.get(key);
    if (!found) throw new ConfigurationError(`no Conditional Access template has the id ${key}: caac new --list shows them`);
    return found;
  }
  const all = await templates.list();
  const matches = all.filter((t) => t.name.trim().toLowerCase() === key.toLowerCase());
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new ConfigurationError(`${matches.length} templates are named ${JSON.stringify(key)} (${matches.map((t) => t.id).join(', ')}): pass --template with the id`);
  const near = all.filter((t) => t.name.toLowerCase().includes(key.toLowerCase())).map((t) => `"${t.name}"`);
  throw new ConfigurationError(`no Conditional Access template is named ${JSON.stringify(key)}${near.length ? `; did you mean ${near.slice(0, 3).join(', ')}?` : ''} (caac new --list shows them)`);
}

/** The `kind:name` references for the ids the template holds, proved unique as a backup does. */
async function referenceNames(directory: Directory, template: PolicyTemplate, displayName: string): Promise<Map<string, string>> {
  const held = heldIds([{ displayName, ...template.details }]);
  const [byId, byAppId] = await Promise.all([
    held.objectIds.length ? directory.getByIds(held.objectIds) : Promise.resolve([] as DirectoryObject[]),
    held.appIds.length ? directory.getByAppIds(held.appIds) : Promise.resolve([] as DirectoryObject[]),
  ]);
  const candidates = directoryCandidates(held, byId, byAppId);
  const queries = new Map<string, NameQuery>();
  for (const c of candidates) queries.set(`${c.query.kind}:${c.query.name}`, c.query);
  const byName = queries.size ? await directory.findByNames([...queries.values()]) : new Map<string, DirectoryObject[]>();
  return new Map([...directoryReferenceNames(candidates, byName), ...snapshotReferenceNames({ namedLocations: [], authenticationStrengths: [] })]);
}

/** JSON unless the repository's policies are mostly YAML. */
function repositoryFormat(repo: LoadedRepository): 'json' | 'yaml' {
  const policies = repo.documents.filter((d) => d.kind === 'policy');
  const yaml = policies.filter((d) => /\.ya?ml$/i.test(d.file)).length;
  return yaml > policies.length - yaml ? 'yaml' : 'json';
}

/** Validates the repository with the new file in it: an error on the new file stops the run before anything is written. */
function checkNewDocument(repo: LoadedRepository, settings: Settings, document: JsonObject, file: string): Finding[] {
  const added: SourceDocument = { file, kind: 'policy', value: document, locate: () => ({ line: 1, column: 1 }) };
  const result = validateRepository({ documents: [...repo.documents, added], loadFindings: [], files: repo.files + 1, settings });
  const mine = result.findings.filter((f) => f.file === file);
  const errors = mine.filter((f) => f.severity === 'error');
  if (errors.length) {
    throw new ConfigurationError(`the new policy would not pass validate, so ${file} was not written: ${errors.map((f) => `${f.rule} ${f.path}: ${f.message}`).join('; ')}`, { file });
  }
  return mine;
}
