/**
 * `caac init`: starts a repository — the folder layout, a commented caac.yml, the JSON Schemas the
 * files link to (`$schema`), the example workflows with the folder's path, and a .gitignore line
 * for `.caac/`. `--from-tenant` adopts an existing tenant: a backup into the new folder, each file
 * linked to its schema, and a caac.yml whose emergencyAccess *suggests* (commented out, with
 * counts) the accounts and groups most enabled policies exclude: the user confirms by uncommenting.
 * Nothing is ever guarded by a guess, and no existing file is overwritten: the run stops before
 * writing anything (and before any Graph request) and lists what is in the way.
 */
import policySchema from '../../schemas/policy.schema.json' with { type: 'json' };
import namedLocationSchema from '../../schemas/named-location.schema.json' with { type: 'json' };
import authenticationStrengthSchema from '../../schemas/authentication-strength.schema.json' with { type: 'json' };
import settingsSchema from '../../schemas/settings.schema.json' with { type: 'json' };
import { ConfigurationError } from '../errors.js';
import { KIND_FOLDERS, isJsonObject, type DocumentKind, type JsonObject } from '../model/documents.js';
import type { ApiVersion } from '../model/tenant.js';
import type { Directory } from '../ports/directory.js';
import type { Tenant } from '../ports/tenant.js';
import type { ExampleWorkflow } from '../model/init.js';
import type { InitFiles } from '../ports/init-files.js';
import { runBackup } from './backup.js';
import { type BackupResult } from '../model/outcomes.js';
import type { EmergencyAccessSuggestion, InitResult, SuggestedAccount } from '../model/outcomes.js';
import { silentLogger, type Logger } from '../ports/logger.js';

export type { ExampleWorkflow } from '../model/init.js';
export type { InitFiles } from '../ports/init-files.js';

export interface InitOptions {
  /** The repository folder, relative to the root (`conditional-access`). */
  dir: string;
  workflows: readonly ExampleWorkflow[];
  log?: Logger;
}

export const SCHEMA_FOLDER = '.schemas';
const SCHEMAS: Readonly<Record<string, unknown>> = {
  'policy.schema.json': policySchema,
  'named-location.schema.json': namedLocationSchema,
  'authentication-strength.schema.json': authenticationStrengthSchema,
  'settings.schema.json': settingsSchema,
};
const SCHEMA_OF_KIND: Record<DocumentKind, string> = {
  policy: 'policy.schema.json',
  namedLocation: 'named-location.schema.json',
  authenticationStrength: 'authentication-strength.schema.json',
};
const SETTINGS_FILES = ['caac.yml', 'caac.yaml', 'caac.json'];
const IGNORED = '.caac/';

/** A folder path a workflow's YAML can hold unquoted, inside the repository. */
export function checkDir(dir: string): string {
  const clean = dir.replace(/\\/g, '/').replace(/\/+$/, '').replace(/^\.\//, '');
  if (clean === '' || clean === '.' || clean.startsWith('/') || /^[A-Za-z]:/.test(clean) || clean.split('/').some((s) => s === '..' || s === '' || s.startsWith('.'))) {
    throw new ConfigurationError(`--dir ${dir}: give a folder inside this repository, relative to it (for example conditional-access); init writes the workflows and .gitignore here`);
  }
  if (!/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(clean)) {
    throw new ConfigurationError(`--dir ${dir}: use letters, digits, ".", "_", "-" and "/" only (the workflows name the folder)`);
  }
  return clean;
}

/** What init will create (path → content), before anything is written. */
export function templateFiles(dir: string, workflows: readonly ExampleWorkflow[], settings: string): Map<string, string> {
  const files = new Map<string, string>();
  files.set(`${dir}/caac.yml`, settings);
  for (const kind of Object.keys(KIND_FOLDERS) as DocumentKind[]) files.set(`${dir}/${KIND_FOLDERS[kind]}/.gitkeep`, '');
  for (const [name, schema] of Object.entries(SCHEMAS)) files.set(`${dir}/${SCHEMA_FOLDER}/${name}`, JSON.stringify(schema, null, 2) + '\n');
  for (const w of workflows) files.set(`.github/workflows/caac-${w.name}`, adaptWorkflow(w.content, dir));
  return files;
}

/** The example names the default folder; the user's may differ (the action owner's name stays). */
export function adaptWorkflow(content: string, dir: string): string {
  return content.replace(/conditional-access(?!-as-code)/g, dir);
}

/** Fails, listing them, when any file init would write (or a backup would fill) is already there. */
function refuseConflicts(files: InitFiles, planned: Iterable<string>, dir: string, fromTenant: boolean): void {
  const inTheWay = [...planned].filter((p) => files.exists(p));
  for (const name of SETTINGS_FILES) if (files.exists(`${dir}/${name}`) && !inTheWay.includes(`${dir}/${name}`)) inTheWay.push(`${dir}/${name}`);
  if (fromTenant) {
    for (const folder of Object.values(KIND_FOLDERS)) {
      for (const entry of files.list(`${dir}/${folder}`)) if (!entry.startsWith('.')) inTheWay.push(`${dir}/${folder}/${entry}`);
    }
  }
  if (inTheWay.length === 0) return;
  const shown = inTheWay.slice(0, 10).join(', ') + (inTheWay.length > 10 ? `, and ${inTheWay.length - 10} more` : '');
  throw new ConfigurationError(
    `init writes nothing over existing files, and ${inTheWay.length === 1 ? 'this one is' : `these ${inTheWay.length} are`} in the way: ${shown}. Move them away, or choose another folder with --dir${fromTenant ? ' (to update a repository from the tenant, use caac backup --out)' : ''}`,
  );
}

export async function runInit(files: InitFiles, options: InitOptions & { fromTenant?: { tenant: Tenant; directory: Directory; apiVersion: ApiVersion } }): Promise<InitResult> {
  const log = options.log ?? silentLogger;
  const dir = checkDir(options.dir);
  // The template's paths do not depend on the settings' content: check them before any request.
  refuseConflicts(files, templateFiles(dir, options.workflows, '').keys(), dir, options.fromTenant !== undefined);

  let settings = caacYml(undefined);
  let backup: BackupResult | undefined;
  let suggestion: EmergencyAccessSuggestion | undefined;
  const created: string[] = [];
  if (options.fromTenant) {
    backup = await runBackup({ ...options.fromTenant, store: files.backupStore(dir) }, { apiVersion: options.fromTenant.apiVersion, log });
    const policies: JsonObject[] = [];
    for (const path of backup.written) {
      const linked = linkSchema(files.read(`${dir}/${path}`), path);
      files.replace(`${dir}/${path}`, linked.content);
      if (linked.kind === 'policy') policies.push(linked.value);
      created.push(`${dir}/${path}`);
    }
    suggestion = suggestEmergencyAccess(policies);
    settings = caacYml(suggestion);
  }
  for (const [path, content] of templateFiles(dir, options.workflows, settings)) {
    if (path.endsWith('/.gitkeep') && files.list(path.slice(0, path.lastIndexOf('/'))).some((e) => !e.startsWith('.'))) continue;
    files.create(path, content);
    created.push(path);
  }
  const updated: string[] = [];
  if (!files.exists('.gitignore')) {
    files.create('.gitignore', gitignoreLines());
    created.push('.gitignore');
  } else if (!coversCaacFolder(files.read('.gitignore'))) {
    const current = files.read('.gitignore');
    files.append('.gitignore', (current === '' || current.endsWith('\n') ? '' : '\n') + gitignoreLines());
    updated.push('.gitignore');
  }
  return { created: created.sort(), updated, backup, suggestion };
}

function gitignoreLines(): string {
  return `# caac: local working files (never policy bodies in the repository by accident)\n${IGNORED}\n`;
}

function coversCaacFolder(text: string): boolean {
  return text.split(/\r?\n/).some((l) => ['.caac', '.caac/', '/.caac', '/.caac/', '.caac/*', '.caac/**'].includes(l.trim()));
}

/** A backed-up document with `$schema` first, pointing at the copy init writes beside it. */
function linkSchema(content: string, path: string): { content: string; kind: DocumentKind; value: JsonObject } {
  const kind = (Object.keys(KIND_FOLDERS) as DocumentKind[]).find((k) => path.startsWith(`${KIND_FOLDERS[k]}/`))!;
  const value = JSON.parse(content) as JsonObject;
  const linked = { $schema: `../${SCHEMA_FOLDER}/${SCHEMA_OF_KIND[kind]}`, ...value };
  return { content: JSON.stringify(linked, null, 2) + '\n', kind, value };
}

// ── The emergency-access suggestion ─────────────────────────────────────────────────────────────

/** Keywords of excludeUsers that are no account. */
const USER_KEYWORDS = new Set(['all', 'none', 'guestsorexternalusers']);

/**
 * The accounts and groups that more than half of the enabled policies exclude, most excluded
 * first: break-glass accounts are excluded everywhere, so they stand out; a per-policy exclusion
 * does not. Only a suggestion: the caller writes it commented out.
 */
export function suggestEmergencyAccess(policies: readonly JsonObject[]): EmergencyAccessSuggestion {
  const enabled = policies.filter((p) => p['state'] === 'enabled');
  const counts = new Map<string, SuggestedAccount>();
  for (const p of enabled) {
    const conditions = p['conditions'];
    const users = isJsonObject(conditions) ? conditions['users'] : undefined;
    if (!isJsonObject(users)) continue;
    for (const [field, kind] of [['excludeUsers', 'user'], ['excludeGroups', 'group']] as const) {
      const list = users[field];
      if (!Array.isArray(list)) continue;
      for (const ref of new Set(list.filter((v): v is string => typeof v === 'string' && !USER_KEYWORDS.has(v.toLowerCase())))) {
        const key = `${kind}\u0000${ref.toLowerCase()}`;
        const entry = counts.get(key) ?? { reference: ref, kind, excludedBy: 0 };
        entry.excludedBy += 1;
        counts.set(key, entry);
      }
    }
  }
  const accounts = [...counts.values()]
    .filter((a) => a.excludedBy * 2 > enabled.length)
    .sort((a, b) => b.excludedBy - a.excludedBy || (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
  return { enabledPolicies: enabled.length, accounts };
}

/** caac.yml, commented; emergencyAccess is never active: a TODO, or the suggestion commented out. */
export function caacYml(suggestion: EmergencyAccessSuggestion | undefined): string {
  const lines = [
    `# yaml-language-server: $schema=${SCHEMA_FOLDER}/settings.schema.json`,
    '# caac settings. Policies, named locations and authentication strengths live next to this file,',
    '# one document each (JSON or YAML) under policies/, named-locations/ and authentication-strengths/,',
    "# in Microsoft Graph's own shape, with references by name (group:, user:, role:, app:, location:,",
    '# authStrength:). `caac validate` checks them; `caac plan` shows what would change in the tenant.',
    '',
    '# TODO: name your emergency-access (break-glass) accounts before the first apply. Every enabled or',
    '# report-only policy must exclude them. Until emergencyAccess is set, validate and plan warn',
    '# (no-emergency-access) on every run.',
  ];
  if (!suggestion) {
    lines.push(
      '# Uncomment and fill in (at least one of the two):',
      '# emergencyAccess:',
      '#   users: ["user:breakglass1@<your-domain>", "user:breakglass2@<your-domain>"]',
      '#   groups: ["group:<your break-glass group>"]',
    );
  } else if (suggestion.accounts.length === 0) {
    lines.push(
      `# No account or group is excluded by most of the tenant's ${suggestion.enabledPolicies} enabled policies:`,
      '# the tenant may have no break-glass accounts yet. Create them, exclude them, then fill in:',
      '# emergencyAccess:',
      '#   users: ["user:breakglass1@<your-domain>"]',
      '#   groups: ["group:<your break-glass group>"]',
    );
  } else {
    lines.push(
      '# SUGGESTED from the tenant: what most enabled policies exclude. Check each one is a break-glass',
      '# account or group (not, say, a service account), delete the others, then uncomment:',
      '# emergencyAccess:',
    );
    for (const kind of ['user', 'group'] as const) {
      const ofKind = suggestion.accounts.filter((a) => a.kind === kind);
      if (ofKind.length === 0) continue;
      lines.push(`#   ${kind}s:`);
      // JSON's quoting is YAML's too, and it keeps any character of a tenant's name on one line.
      for (const a of ofKind) lines.push(`#     - ${JSON.stringify(a.reference)}  # excluded by ${a.excludedBy} of ${suggestion.enabledPolicies} enabled policies`);
    }
  }
  lines.push(
    '',
    "# Every policy's displayName must match this pattern (optional):",
    '# naming:',
    '#   pattern: "^CA\\\\d{3} - "',
    '',
    '# Delete tenant objects that no file describes (plan --prune does it for one run).',
    'prune: false',
    '',
  );
  return lines.join('\n');
}
