/**
 * Reads a caac repository folder: every policy, named location and authentication strength
 * document, and the settings file. A file that cannot be read becomes a finding and the others
 * still load, so one bad file never hides the problems of the rest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ConfigurationError } from '../errors.js';
import { KIND_FOLDERS, KIND_LABELS, isJsonObject, type SourceDocument } from '../model/documents.js';
import type { Finding } from '../model/findings.js';
import type { SettingsSource } from '../model/settings.js';
import type { LoadedRepository, PolicyStore } from '../model/repository.js';
import { decodeText } from './decode.js';
import { gitCommitOf } from './git-commit.js';
import { kindOfContent, kindOfFolder } from './document-kind.js';
import { SourceSyntaxError } from './json-source.js';
import { formatOfFile, locatorFor, parseSource, type SourceFormat } from './parse-source.js';

export const DEFAULT_ROOT = 'conditional-access';
export const SETTINGS_FILES = ['caac.yml', 'caac.yaml', 'caac.json'];

export interface LoadOptions {
  /** Base for the file names in findings; defaults to the working directory. */
  cwd?: string;
}

/** The PolicyStore over a folder on disk (with where it lies and its commit, which plans record). */
export function filePolicyStore(root: string, options: LoadOptions = {}): PolicyStore {
  return {
    load: () => {
      const repo = loadRepository(root, options);
      const cwd = options.cwd ?? process.cwd();
      const commit = gitCommitOf(resolve(cwd, root));
      return { ...repo, folder: relative(cwd, resolve(cwd, root)).split(sep).join('/'), ...(commit ? { commit } : {}) };
    },
  };
}

export function loadRepository(root: string, options: LoadOptions = {}): LoadedRepository {
  const cwd = options.cwd ?? process.cwd();
  // resolve, not join: --dir may be absolute.
  const absRoot = resolve(cwd, root);
  let rootStat;
  try {
    rootStat = statSync(absRoot);
  } catch {
    throw new ConfigurationError(
      `no folder "${root}" here (${cwd}): run caac from the repository root, or pass --dir with the folder that holds policies/, named-locations/ and caac.yml`,
    );
  }
  if (!rootStat.isDirectory()) throw new ConfigurationError(`"${root}" is a file, not a folder: --dir takes the folder that holds policies/`);

  const display = (abs: string) => relative(cwd, abs).split(sep).join('/');
  const result: LoadedRepository = { root, files: 0, documents: [], findings: [] };

  for (const abs of listFiles(absRoot)) {
    const rel = relative(absRoot, abs).split(sep).join('/');
    const file = display(abs);
    if (SETTINGS_FILES.includes(rel)) {
      if (result.settings) {
        throw new ConfigurationError(`both ${result.settings.file} and ${file} exist: keep one settings file (caac.yml)`, { file });
      }
      result.settings = loadSettingsFile(abs, file);
      continue;
    }
    const bytes = readFileSync(abs);
    let format = formatOfFile(rel);
    const text = decodeText(bytes).text;
    if (!format) {
      // Exports without an extension are common (the Azure samples ship them): read them as JSON
      // when they look like JSON, and leave other files (README, LICENSE, p.json.bak) alone. A
      // name such as "CA001 v1.2 Require MFA" has a dot but no extension.
      if (hasOtherExtension(rel) || !/^\s*[{[]/.test(text)) continue;
      format = 'json';
    }
    result.files++;
    const outcome = readDocument(text, format, file, rel);
    if ('finding' in outcome) result.findings.push(outcome.finding);
    else {
      result.documents.push(outcome.document);
      if (outcome.warning) result.findings.push(outcome.warning);
    }
  }
  return result;
}

type ReadOutcome = { document: SourceDocument; warning?: Finding } | { finding: Finding };

/** Parses one file's text into a document of a known kind, or explains why it cannot. */
export function readDocument(text: string, format: SourceFormat, file: string, relPath: string): ReadOutcome {
  const at = (rule: string, line: number, column: number, message: string, path = ''): { finding: Finding } => ({
    finding: { rule, severity: 'error', file, line, column, path, message },
  });
  if (text.trim() === '') return at('parse', 1, 1, `the file is empty: expected one ${format === 'json' ? 'JSON' : 'YAML'} document`);
  let parsed;
  try {
    parsed = parseSource(text, format);
  } catch (e) {
    if (e instanceof SourceSyntaxError) {
      return at('parse', e.position.line, e.position.column, `invalid ${format === 'json' ? 'JSON' : 'YAML'}: ${e.message}`);
    }
    throw e;
  }
  const { value } = parsed;
  const locate = locatorFor(parsed.positions);
  const split = `caac expects one document per file: split it into one file per entry under policies/, named-locations/ or authentication-strengths/ (for example: jq -c '.value[]' ${shellQuote(file)} | split -l 1 - policy-)`;
  if (Array.isArray(value)) {
    return at('layout', 1, 1, `the file holds an array of ${value.length} documents; ${split.replace(".value[]", ".[]")}`);
  }
  if (!isJsonObject(value)) {
    return at('layout', 1, 1, `the file holds a ${value === null ? 'null' : typeof value}, not a document object`);
  }
  if (Array.isArray(value['value']) && !('displayName' in value)) {
    const p = locate('/value');
    return at('layout', p.line, p.column, `the file holds a Graph list export ("value" with ${value['value'].length} entries); ${split}`, '/value');
  }
  const folderKind = kindOfFolder(relPath);
  const contentKind = kindOfContent(value);
  const kind = contentKind ?? folderKind;
  if (!kind) {
    return at(
      'layout',
      1,
      1,
      'cannot tell what kind of document this is: a policy has "conditions", a named location an "@odata.type" of #microsoft.graph.ipNamedLocation or #microsoft.graph.countryNamedLocation, an authentication strength "allowedCombinations"; or put the file under policies/, named-locations/ or authentication-strengths/',
    );
  }
  const document: SourceDocument = { file, kind, value, locate };
  if (folderKind && contentKind && folderKind !== contentKind) {
    return {
      document,
      warning: {
        rule: 'layout',
        severity: 'warning',
        file,
        line: 1,
        column: 1,
        path: '',
        message: `this ${KIND_LABELS[contentKind]} lies under ${KIND_FOLDERS[folderKind]}/: move it to ${KIND_FOLDERS[contentKind]}/`,
      },
    };
  }
  return { document };
}

function loadSettingsFile(abs: string, file: string): SettingsSource {
  const text = decodeText(readFileSync(abs)).text;
  if (text.trim() === '') return { file, value: {}, locate: () => ({ line: 1, column: 1 }) };
  try {
    const parsed = parseSource(text, formatOfFile(abs) ?? 'yaml');
    if (!isJsonObject(parsed.value)) {
      throw new ConfigurationError(`${file}: the settings must be a mapping of keys (emergencyAccess, naming, prune, …)`, { file, line: 1, column: 1 });
    }
    return { file, value: parsed.value, locate: locatorFor(parsed.positions) };
  } catch (e) {
    if (e instanceof SourceSyntaxError) {
      throw new ConfigurationError(`${file}:${e.position.line}:${e.position.column}: invalid settings file: ${e.message}`, {
        file,
        line: e.position.line,
        column: e.position.column,
      });
    }
    throw e;
  }
}

/** Every file under a folder, depth first, in a stable order; hidden entries and node_modules skipped. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const abs = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(abs));
    else if (entry.isFile()) out.push(abs);
  }
  return out;
}

function hasOtherExtension(relPath: string): boolean {
  const base = relPath.slice(relPath.lastIndexOf('/') + 1);
  return /\.[A-Za-z][A-Za-z0-9]{0,7}$/.test(base) || base.endsWith('~');
}

function shellQuote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
