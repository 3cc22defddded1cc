/**
 * A backup into a working repository, decided on plain data (pure): which existing file holds
 * which tenant object, what each file becomes, which new files are made and which are removed.
 *
 * - An object that already has a file keeps that file, its name and its format: YAML stays YAML
 *   (edited through the `yaml` Document, so comments on what is kept survive), JSON keeps its
 *   indentation, line endings and key order. A file whose document already says what the tenant
 *   says (compared in the backup's canonical form) is not touched at all.
 * - Files are matched to tenant objects by `id` first, then by displayName (trimmed, any case):
 *   an `id` that names no object of the tenant (a repository promoted from another tenant) does
 *   not stop a match by name.
 * - Only a file that holds an object the tenant no longer has is removed. A file that cannot be
 *   parsed, holds no object, or holds an object another file already holds is left alone and
 *   reported: the user decides.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Pair } from 'yaml';
import { KIND_FOLDERS, isJsonObject, type DocumentKind, type JsonObject, type JsonValue } from '../model/documents.js';
import type { BackupFile } from './backup-files.js';
import { backupDocument, serializeDocument } from './document.js';
import { withSuffix } from './slug.js';
import { formatOfPath, type FileFormat, type KindFile } from '../model/repository-files.js';


/** A file found in one of caac's folders. */
export type ExistingFile = KindFile;

export interface InPlacePlan {
  /** Files to write (new or rewritten), with their new bytes. */
  writes: { path: string; content: string }[];
  /** Paths of existing files whose document is already right. */
  unchanged: string[];
  /** Existing files that hold an object the tenant no longer has. */
  removals: { path: string; displayName: string }[];
  /** displayNames of objects that get a new file / whose file changes. */
  added: string[];
  changed: string[];
  /** Files left alone that the user should look at. */
  warnings: string[];
}

interface Parsed {
  file: ExistingFile;
  format: FileFormat;
  value: JsonObject;
  id?: string;
  name?: string;
}

const nameKey = (name: string): string => name.trim().toLowerCase();

function parseExisting(file: ExistingFile): { parsed?: Parsed; problem?: string } {
  const format = formatOfPath(file.path);
  if (!format) return { problem: 'not a .json or .yaml file' };
  let value: unknown;
  try {
    if (format === 'json') value = JSON.parse(file.content.replace(/^\uFEFF/, ''));
    else {
      const doc = parseDocument(file.content, { uniqueKeys: true, prettyErrors: false });
      if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message.split('\n')[0]);
      value = doc.toJS({ maxAliasCount: 100 });
    }
  } catch (e) {
    return { problem: `it cannot be parsed (${e instanceof Error ? e.message : String(e)})` };
  }
  if (!isJsonObject(value as JsonValue)) return { problem: 'it does not hold an object' };
  const obj = value as JsonObject;
  const id = typeof obj['id'] === 'string' && obj['id'].trim() !== '' ? obj['id'].trim().toLowerCase() : undefined;
  const name = typeof obj['displayName'] === 'string' ? nameKey(obj['displayName']) : undefined;
  if (id === undefined && name === undefined) return { problem: 'it holds neither an id nor a displayName' };
  return { parsed: { file, format, value: obj, id, name } };
}

export function planInPlace(files: readonly BackupFile[], existing: readonly ExistingFile[]): InPlacePlan {
  const plan: InPlacePlan = { writes: [], unchanged: [], removals: [], added: [], changed: [], warnings: [] };
  const parsed: Parsed[] = [];
  /** Paths that stay on disk whatever happens (lowercased): a new file must not take one. */
  const staying = new Set<string>();
  for (const file of [...existing].sort((a, b) => compare(a.path, b.path))) {
    const { parsed: p, problem } = parseExisting(file);
    if (p) parsed.push(p);
    else {
      staying.add(file.path.toLowerCase());
      plan.warnings.push(`${file.path}: left alone, ${problem}; fix or remove it`);
    }
  }

  const claimed = new Map<Parsed, BackupFile>();
  const newFiles: BackupFile[] = [];
  for (const kind of new Set(files.map((f) => f.kind))) {
    const ofKind = files.filter((f) => f.kind === kind);
    const candidates = parsed.filter((p) => p.file.kind === kind);
    const tenantIds = new Set(ofKind.map((f) => f.id.toLowerCase()));
    const unmatched: BackupFile[] = [];
    // By id first, for every object, so that a name never takes a file another object's id holds.
    for (const f of ofKind) {
      const hit = candidates.find((p) => !claimed.has(p) && p.id === f.id.toLowerCase());
      if (hit) claimed.set(hit, f);
      else unmatched.push(f);
    }
    for (const f of unmatched) {
      const hit = candidates.find((p) => !claimed.has(p) && (p.id === undefined || !tenantIds.has(p.id)) && p.name === nameKey(f.displayName));
      if (hit) claimed.set(hit, f);
      else newFiles.push(f);
    }
  }

  for (const p of parsed) {
    const f = claimed.get(p);
    if (f) {
      staying.add(p.file.path.toLowerCase());
      // `$schema` is the file's own (for editors; Graph has no such field): kept, never compared.
      const { $schema, ...value } = p.value;
      if (serializeDocument(backupDocument(p.file.kind, value)) === f.content) {
        plan.unchanged.push(p.file.path);
        continue;
      }
      plan.writes.push({ path: p.file.path, content: rewrite(p, $schema === undefined ? f.document : { $schema, ...f.document }) });
      plan.changed.push(f.displayName);
      continue;
    }
    const holder = [...claimed].find(([other, of]) => other.file.kind === p.file.kind && ((p.id !== undefined && of.id.toLowerCase() === p.id) || (p.name !== undefined && nameKey(of.displayName) === p.name)));
    if (holder) {
      staying.add(p.file.path.toLowerCase());
      plan.warnings.push(`${p.file.path}: left alone, it describes ${label(p.file.kind)} "${holder[1].displayName}" that ${holder[0].file.path} holds; keep one of the two files`);
      continue;
    }
    plan.removals.push({ path: p.file.path, displayName: typeof p.value['displayName'] === 'string' ? p.value['displayName'] : p.file.path });
  }

  for (const f of newFiles) {
    const path = freePath(f, staying);
    staying.add(path.toLowerCase());
    plan.writes.push({ path, content: f.content });
    plan.added.push(f.displayName);
  }
  plan.writes.sort((a, b) => compare(a.path, b.path));
  for (const list of [plan.unchanged, plan.added, plan.changed]) list.sort(compare);
  plan.removals.sort((a, b) => compare(a.path, b.path));
  return plan;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function label(kind: DocumentKind): string {
  return kind === 'policy' ? 'the policy' : kind === 'namedLocation' ? 'the named location' : 'the authentication strength';
}

/** The backup's own path, unless a file that stays has it (any case): then `stem-2.json`, … */
function freePath(file: BackupFile, taken: ReadonlySet<string>): string {
  if (!taken.has(file.path.toLowerCase())) return file.path;
  const stem = file.path.slice(KIND_FOLDERS[file.kind].length + 1).replace(/\.json$/, '');
  for (let n = 2; ; n++) {
    const path = `${KIND_FOLDERS[file.kind]}/${withSuffix(stem, n)}.json`;
    if (!taken.has(path.toLowerCase())) return path;
  }
}

function rewrite(p: Parsed, document: JsonObject): string {
  return p.format === 'json' ? rewriteJson(p.file.content, p.value, document) : rewriteYaml(p.file.content, document);
}

// ── JSON: the file's indentation, line endings, final newline and key order ─────────────────────

export function rewriteJson(content: string, old: JsonObject, document: JsonObject): string {
  const indent = /^[{[][ \t]*\r?\n([ \t]+)\S/.exec(content.replace(/^\uFEFF/, ''))?.[1] ?? (content.trim().includes('\n') ? '  ' : '');
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const finalNewline = /\n$/.test(content) || content === '';
  let text = JSON.stringify(keepKeyOrder(old, document), null, indent);
  if (eol === '\r\n') text = text.replace(/\n/g, '\r\n');
  return (content.startsWith('\uFEFF') ? '\uFEFF' : '') + text + (finalNewline ? eol : '');
}

/** `next`, its keys in `old`'s order where `old` has them; a new key goes after the key it follows in `next`. */
function keepKeyOrder(old: JsonValue | undefined, next: JsonValue): JsonValue {
  if (Array.isArray(next)) return next.map((item, i) => keepKeyOrder(Array.isArray(old) ? old[i] : undefined, item));
  if (!isJsonObject(next)) return next;
  if (!isJsonObject(old as JsonValue)) return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, keepKeyOrder(undefined, v)]));
  const previous = old as JsonObject;
  const keys = Object.keys(previous).filter((k) => k in next);
  const nextKeys = Object.keys(next);
  nextKeys.forEach((key, i) => {
    if (keys.includes(key)) return;
    const after = i === 0 ? -1 : keys.indexOf(nextKeys[i - 1]!);
    keys.splice(after + 1, 0, key);
  });
  const out: JsonObject = {};
  for (const key of keys) out[key] = keepKeyOrder(previous[key], next[key] as JsonValue);
  return out;
}

// ── YAML: the Document edited in place, so what is kept keeps its comments and style ───────────

export function rewriteYaml(content: string, document: JsonObject): string {
  const doc = parseDocument(content, { uniqueKeys: true, prettyErrors: false });
  const old = doc.toJS({ maxAliasCount: 100 }) as JsonValue;
  doc.contents = update(doc, doc.contents, old, document) as typeof doc.contents;
  // No folding of long strings; a sequence indented under its key or not, as the file had it.
  const indentSeq = !/^([ \t]*)[^\s#-][^\n]*:[ \t]*\r?\n\1- /m.test(content);
  let text = doc.toString({ lineWidth: 0, indentSeq });
  if (content.includes('\r\n')) text = text.replace(/\r?\n/g, '\r\n');
  return text;
}

function update(doc: Document, node: unknown, old: JsonValue | undefined, next: JsonValue): unknown {
  if (isJsonObject(next) && isMap(node) && isJsonObject(old as JsonValue)) {
    const previous = old as JsonObject;
    const keyOf = (pair: Pair): string => String(isScalar(pair.key) ? pair.key.value : pair.key);
    node.items = node.items.filter((pair) => keyOf(pair) in next);
    const nextKeys = Object.keys(next);
    nextKeys.forEach((key, i) => {
      const kept = node.items.find((p) => keyOf(p) === key);
      if (kept) {
        kept.value = update(doc, kept.value, previous[key], next[key] as JsonValue);
        return;
      }
      const after = i === 0 ? -1 : node.items.findIndex((p) => keyOf(p) === nextKeys[i - 1]);
      const pair = doc.createPair(key, next[key]);
      const first = node.items[0]?.key;
      if (after === -1 && isScalar(first) && isScalar(pair.key) && first.commentBefore) {
        // The comment above the first key is the file's header: it stays on top.
        pair.key.commentBefore = first.commentBefore;
        first.commentBefore = undefined;
      }
      node.items.splice(after + 1, 0, pair);
    });
    return node;
  }
  if (Array.isArray(next) && isSeq(node) && Array.isArray(old) && old.length === node.items.length) {
    // Items the file already has keep their node (and comment); the order is the backup's.
    const pool = node.items.map((item, i) => ({ item, value: JSON.stringify(old[i]) }));
    node.items = next.map((value) => {
      const i = pool.findIndex((p) => p.value === JSON.stringify(value));
      return i >= 0 ? pool.splice(i, 1)[0]!.item : doc.createNode(value);
    });
    return node;
  }
  if (isScalar(node) && (next === null || typeof next !== 'object')) {
    if (node.value !== next) node.value = next;
    return node;
  }
  return doc.createNode(next);
}
