/**
 * Reads a caac repository folder: every policy, named location and authentication strength
 * document, and the settings file. A file that cannot be read becomes a finding and the others
 * still load, so one bad file never hides the problems of the rest.
 */
import { lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ConfigurationError } from '../errors.js';
import { KIND_FOLDERS, KIND_LABELS, isJsonObject, type SourceDocument } from '../model/documents.js';
import type { Finding } from '../model/findings.js';
import type { SettingsSource } from '../model/settings.js';
import type { LoadedRepository } from '../model/repository.js';
import type { PolicyStore } from '../ports/policy-store.js';
import { TextDecodingError, decodeText } from './decode.js';
import { gitCommitOf } from './git-commit.js';
import { kindOfContent, kindOfFolder } from './document-kind.js';
import { SourceSyntaxError } from './json-source.js';
import { MAX_DOCUMENT_FILES, MAX_ENTRIES, MAX_FILE_BYTES } from './limits.js';
import { formatOfFile, locatorFor, parseSource, type SourceFormat } from './parse-source.js';
import { notRegularProblem, readRegularFile, symlinkProblem, tooLargeProblem } from './read-file.js';

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

/**
 * Symbolic links are never followed, anywhere: the root, caac.yml, a folder or a file. A link is
 * an error that names it (a finding; for the root and caac.yml, a ConfigurationError), never
 * skipped: a skipped `policies/` would read as "no policies" and a prune plan would delete them all.
 */
export function loadRepository(root: string, options: LoadOptions = {}): LoadedRepository {
  const cwd = options.cwd ?? process.cwd();
  // resolve, not join: --dir may be absolute.
  const absRoot = resolve(cwd, root);
  checkRoot(absRoot, root, cwd);
  const result: LoadedRepository = { root, files: 0, documents: [], findings: [] };
  for (const entry of listEntries(absRoot, root)) {
    const rel = relative(absRoot, entry.abs).split(sep).join('/');
    const file = relative(cwd, entry.abs).split(sep).join('/');
    if (SETTINGS_FILES.includes(rel)) result.settings = settingsOf(entry, file, result.settings);
    else loadEntry(entry, rel, file, root, result);
  }
  return result;
}

/** The root must be a real folder: not missing, not a link, not a file. */
function checkRoot(absRoot: string, root: string, cwd: string): void {
  let rootStat;
  try {
    rootStat = lstatSync(absRoot);
  } catch {
    throw new ConfigurationError(
      `no folder "${root}" here (${cwd}): run caac from the repository root, or pass --dir with the folder that holds policies/, named-locations/ and caac.yml`,
    );
  }
  if (rootStat.isSymbolicLink()) {
    const real = realTarget(absRoot);
    throw new ConfigurationError(
      `"${root}" is a symbolic link${linkTarget(absRoot) ? ` (to ${JSON.stringify(linkTarget(absRoot))})` : ''}: caac does not follow links in the policy folder, the root included; pass --dir the folder itself${real ? ` (${JSON.stringify(real)})` : ''}`,
    );
  }
  if (!rootStat.isDirectory()) throw new ConfigurationError(`"${root}" is a file, not a folder: --dir takes the folder that holds policies/`);
}

/** caac.yml: one settings file, a regular one (a link or a second file stops the run). */
function settingsOf(entry: Entry, file: string, already: SettingsSource | undefined): SettingsSource {
  if (already) throw new ConfigurationError(`both ${already.file} and ${file} exist: keep one settings file (caac.yml)`, { file });
  if (entry.type === 'link') throw new ConfigurationError(`${file} ${symlinkProblem(linkTarget(entry.abs))}`, { file, line: 1, column: 1 });
  if (entry.type === 'other') throw new ConfigurationError(`${file} ${notRegularProblem()}`, { file, line: 1, column: 1 });
  return loadSettingsFile(entry.abs, file);
}

const fileProblem = (file: string, message: string): Finding => ({ rule: 'file', severity: 'error', file, line: 1, column: 1, path: '', message: `${file} ${message}` });

/** One entry of the folder: a document, a finding, or nothing (a file that is not caac's). */
function loadEntry(entry: Entry, rel: string, file: string, root: string, result: LoadedRepository): void {
  if (entry.type === 'link') return void result.findings.push(fileProblem(file, symlinkProblem(linkTarget(entry.abs))));
  if (entry.type === 'other') return void result.findings.push(fileProblem(file, notRegularProblem()));
  const format = formatOfFile(rel);
  // A README, LICENSE or p.json.bak is left alone, unread.
  if (!format && hasOtherExtension(rel)) return;
  if (result.files >= MAX_DOCUMENT_FILES) {
    throw new ConfigurationError(
      `more than ${MAX_DOCUMENT_FILES.toLocaleString('en-US')} policy files under "${root}": a tenant holds at most 195 policies and 195 named locations, so --dir probably names the wrong folder`,
    );
  }
  const text = readText(entry, file, format, result);
  if (text === undefined) return;
  // Exports without an extension are common (the Azure samples ship them): read them as JSON
  // when they look like JSON. A name such as "CA001 v1.2 Require MFA" has a dot but no extension.
  if (!format && !/^\s*[{[]/.test(text)) return;
  result.files++;
  const outcome = readDocument(text, format ?? 'json', file, rel);
  if ('finding' in outcome) result.findings.push(outcome.finding);
  else {
    result.documents.push(outcome.document);
    if (outcome.warning) result.findings.push(outcome.warning);
  }
}

/** The file's text, or undefined with a finding (too large, unreadable, not UTF-8) or without (not a document). */
function readText(entry: Entry, file: string, format: ReturnType<typeof formatOfFile>, result: LoadedRepository): string | undefined {
  const problem = (finding: Finding): undefined => {
    result.files++;
    result.findings.push(finding);
    return undefined;
  };
  if (entry.size > MAX_FILE_BYTES) return problem(fileProblem(file, tooLargeProblem(entry.size)));
  const read = readRegularFile(entry.abs);
  if ('problem' in read) return problem(fileProblem(file, read.problem));
  try {
    return decodeText(read.bytes).text;
  } catch (e) {
    if (!(e instanceof TextDecodingError)) throw e;
    // An extensionless file that does not even start like JSON is not a document: left alone.
    if (!format && !/^\s*[{[]/.test(read.bytes.subarray(0, 64).toString('latin1').replace(/^\xef\xbb\xbf/, ''))) return undefined;
    return problem({ rule: 'parse', severity: 'error', file, line: e.position.line, column: e.position.column, path: '', message: e.message });
  }
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
  const at = { file, line: 1, column: 1 };
  const read = readRegularFile(abs);
  if ('problem' in read) throw new ConfigurationError(`${file} ${read.problem}`, at);
  let text: string;
  try {
    text = decodeText(read.bytes).text;
  } catch (e) {
    if (!(e instanceof TextDecodingError)) throw e;
    const { line, column } = e.position;
    throw new ConfigurationError(`${file}:${line}:${column}: ${e.message}`, { file, line, column });
  }
  if (text.trim() === '') return { file, value: {}, locate: () => ({ line: 1, column: 1 }) };
  try {
    const parsed = parseSource(text, formatOfFile(abs) ?? 'yaml');
    if (!isJsonObject(parsed.value)) {
      throw new ConfigurationError(`${file}: the settings must be a mapping of keys (emergencyAccess, naming, prune, …)`, at);
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

interface Entry {
  abs: string;
  type: 'file' | 'link' | 'other';
  /** lstat size (files). */
  size: number;
}

/**
 * Every entry under a folder that is not a folder itself, depth first, in a stable order; hidden
 * entries and node_modules skipped. Iterative, and bounded by MAX_ENTRIES, so a wrong --dir (/)
 * stops quickly with a message rather than walking a disk.
 */
function listEntries(absRoot: string, root: string): Entry[] {
  const out: Entry[] = [];
  let seen = 0;
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const visit = (dir: string): void => {
    // Depth first with an explicit stack of folders being listed, not recursion: a folder's
    // entries come in name order, each subfolder's where its name sorts.
    const stack: { dir: string; names: string[]; next: number }[] = [{ dir, names: readdirSync(dir).sort(byName), next: 0 }];
    while (stack.length) {
      const frame = stack[stack.length - 1]!;
      if (frame.next >= frame.names.length) {
        stack.pop();
        continue;
      }
      const name = frame.names[frame.next++]!;
      if (name.startsWith('.') || name === 'node_modules') continue;
      if (++seen > MAX_ENTRIES) {
        throw new ConfigurationError(`more than ${MAX_ENTRIES.toLocaleString('en-US')} files and folders under "${root}": --dir should name the folder that holds policies/, named-locations/ and caac.yml`);
      }
      const abs = join(frame.dir, name);
      const stat = lstatSync(abs);
      if (stat.isSymbolicLink()) out.push({ abs, type: 'link', size: 0 });
      else if (stat.isDirectory()) stack.push({ dir: abs, names: readdirSync(abs).sort(byName), next: 0 });
      else if (stat.isFile()) out.push({ abs, type: 'file', size: stat.size });
      else out.push({ abs, type: 'other', size: 0 });
    }
  };
  visit(absRoot);
  return out;
}

function linkTarget(abs: string): string | undefined {
  try {
    return readlinkSync(abs);
  } catch {
    return undefined;
  }
}

function realTarget(abs: string): string | undefined {
  try {
    return realpathSync(abs);
  } catch {
    return undefined;
  }
}

function hasOtherExtension(relPath: string): boolean {
  const base = relPath.slice(relPath.lastIndexOf('/') + 1);
  return /\.[A-Za-z][A-Za-z0-9]{0,7}$/.test(base) || base.endsWith('~');
}

function shellQuote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
