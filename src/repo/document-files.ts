/**
 * DocumentFiles on disk. A file is read without following a link, rewritten in its own encoding
 * (UTF-8 with or without a byte order mark, UTF-16) and line endings, and replaced atomically
 * (temp file in the same folder, then rename) only if it still holds the bytes that were read. A
 * new file is linked into place, which fails rather than replace a file that appeared meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, posix, relative, resolve, sep } from 'node:path';
import { ConfigurationError } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../model/documents.js';
import { applyRepairsToValue, type Repair } from '../model/repair.js';
import type { FileChange, Outcome, DocumentFiles } from '../ports/document-files.js';
import { TextDecodingError, decodeText, type TextEncodingName } from './decode.js';
import { SourceSyntaxError } from './json-source.js';
import { kindOfContent } from './document-kind.js';
import { formatOfFile, parseSource, type SourceFormat } from './parse-source.js';
import { readRegularFile } from './read-file.js';
import { applyRepairsToText, jsonFormatting } from './repair-text.js';
import { stringify as stringifyYaml } from 'yaml';

interface ReadFile {
  bytes: Buffer;
  text: string;
  encoding: TextEncodingName;
  bom: boolean;
  format: SourceFormat;
}

export function fileDocumentFiles(cwd = process.cwd()): DocumentFiles {
  const abs = (file: string): string => resolve(cwd, file);
  const read = new Map<string, ReadFile>();
  const readFile = (file: string): Outcome<ReadFile> => {
    const got = readRegularFile(abs(file));
    if ('problem' in got) return { problem: `${file} ${got.problem}` };
    let decoded;
    try {
      decoded = decodeText(got.bytes);
    } catch (e) {
      if (e instanceof TextDecodingError) return { problem: `${file}: ${e.message}` };
      throw e;
    }
    const bom = got.bytes[0] === 0xef || got.bytes[0] === 0xff || got.bytes[0] === 0xfe;
    const entry = { bytes: got.bytes, text: decoded.text, encoding: decoded.encoding, bom, format: formatOfFile(file) ?? 'json' };
    read.set(file, entry);
    return entry;
  };
  return {
    repair(file, repairs) {
      const source = readFile(file);
      if ('problem' in source) return source;
      const after = applyRepairsToText(source.text, source.format, repairs);
      // The edited text must parse to exactly the repaired document (and nothing else moved): a
      // repair never leaves a file broken, nor changes what it did not mean to.
      const problem = repairProblem(source, after, repairs);
      if (problem) return { problem: `${file}: ${problem}; left untouched` };
      return { change: { file, before: source.text, after } };
    },
    readListExport(file) {
      const source = readFile(file);
      if ('problem' in source) return source;
      try {
        const value = parseSource(source.text, source.format).value;
        if (!isJsonObject(value) || !Array.isArray(value['value'])) return { problem: `${file} is not a Graph list export` };
        return { entries: value['value'].map((entry) => (isJsonObject(entry) ? { value: entry, kind: kindOfContent(entry) } : { value: entry })) };
      } catch (e) {
        if (e instanceof SourceSyntaxError) return { problem: `${file}: ${e.message}` };
        throw e;
      }
    },
    splitListExport(file, parts) {
      const source = read.get(file) ?? readFile(file);
      if ('problem' in source) return source;
      const folder = posix.dirname(file);
      const extension = file.match(/\.(json|ya?ml)$/i)?.[0] ?? '.json';
      const taken = new Set<string>();
      const changes: FileChange[] = [];
      for (const part of parts) {
        let name = `${part.stem}${extension}`;
        for (let n = 2; taken.has(name.toLowerCase()) || exists(abs(posix.join(folder, name))); n++) name = `${part.stem}-${n}${extension}`;
        taken.add(name.toLowerCase());
        changes.push({ file: folder === '.' ? name : posix.join(folder, name), after: render(part.value, source) });
      }
      changes.push({ file, before: source.text });
      return { changes };
    },
    createDocument(file, document, format) {
      const path = abs(file);
      assertNoLinkOnTheWay(cwd, path, file);
      mkdirSync(dirname(path), { recursive: true });
      const text = format === 'yaml' ? stringifyYaml(document, { lineWidth: 0 }) : `${JSON.stringify(document, null, 2)}\n`;
      createFile(path, Buffer.from(text, 'utf8'), file);
    },
    commit(changes) {
      // New files first, then rewrites, then removals: a run cut short loses nothing.
      const order = (c: FileChange): number => (c.before === undefined ? 0 : c.after !== undefined ? 1 : 2);
      for (const change of [...changes].sort((a, b) => order(a) - order(b))) commitOne(change, read.get(change.file), abs(change.file));
    },
  };
}

function commitOne(change: FileChange, source: ReadFile | undefined, path: string): void {
  if (change.before === undefined) return createFile(path, encode(change.after ?? '', source), change.file);
  if (!source) throw new Error(`${change.file} was not read before being changed`);
  const now = readRegularFile(path);
  if ('problem' in now || !now.bytes.equals(source.bytes)) {
    throw new ConfigurationError(`${change.file} changed while caac validate --fix ran: nothing written to it; run it again`, { file: change.file });
  }
  if (change.after === undefined) unlinkSync(path);
  else replaceFile(path, encode(change.after, source));
}

/** The text in the file's own encoding (and byte order mark). */
function encode(text: string, source: ReadFile | undefined): Buffer {
  const encoding = source?.encoding ?? 'utf-8';
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  if (encoding === 'utf-8-bom') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
  const body = Buffer.from(text, 'utf16le');
  if (encoding === 'utf-16be') {
    body.swap16();
    return Buffer.concat([Buffer.from([0xfe, 0xff]), body]);
  }
  return source?.bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
}

function tempBeside(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

function replaceFile(path: string, bytes: Buffer): void {
  const temp = tempBeside(path);
  try {
    writeFileSync(temp, bytes, { flag: 'wx' });
    renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
    throw error;
  }
}

/** A new file: written beside, then hard-linked into place (fails on an existing name or link). */
export function createFile(path: string, bytes: Buffer, shown: string): void {
  assertRealFolder(dirname(path), shown);
  const temp = tempBeside(path);
  try {
    writeFileSync(temp, bytes, { flag: 'wx' });
    linkSync(temp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ConfigurationError(`${shown} already exists: caac never overwrites it; move it away or choose another name`, { file: shown });
    throw e;
  } finally {
    removeQuietly(temp);
  }
}

/** No folder between the working directory and the file may be a symbolic link: a link could lead anywhere. */
function assertNoLinkOnTheWay(cwd: string, path: string, shown: string): void {
  const steps = relative(resolve(cwd), dirname(path)).split(sep).filter((s) => s !== '' && s !== '.');
  let at = resolve(cwd);
  for (const step of steps) {
    at = resolve(at, step);
    let stat;
    try {
      stat = lstatSync(at);
    } catch {
      return; // missing from here on: mkdir creates real folders
    }
    if (stat.isSymbolicLink()) throw new ConfigurationError(`${at} is a symbolic link: caac new does not write through links; use the folder itself`, { file: shown });
    if (!stat.isDirectory()) throw new ConfigurationError(`${at} is a file, not a folder: caac new cannot write ${shown}`, { file: shown });
  }
}

function assertRealFolder(folder: string, shown: string): void {
  try {
    if (lstatSync(folder).isSymbolicLink()) throw new ConfigurationError(`the folder of ${shown} is a symbolic link: caac does not write through links; use the folder itself`, { file: shown });
  } catch (e) {
    if (e instanceof ConfigurationError) throw e;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function repairProblem(source: ReadFile, after: string, repairs: readonly Repair[]): string | undefined {
  let before: JsonValue;
  let now: JsonValue;
  try {
    before = parseSource(source.text, source.format).value;
    now = parseSource(after, source.format).value;
  } catch (e) {
    if (e instanceof SourceSyntaxError) return `the repaired text would not parse (${e.message})`;
    throw e;
  }
  if (!isJsonObject(before) || !isJsonObject(now)) return 'not a document object';
  const expected = applyRepairsToValue(before, repairs);
  return JSON.stringify(now) === JSON.stringify(expected) ? undefined : 'the edited text does not read as the repaired document';
}

/** One entry of a list export, written as the export was: its format, indentation and line ending. */
function render(value: JsonObject, source: ReadFile): string {
  if (source.format === 'yaml') {
    const yaml = stringifyYaml(value, { lineWidth: 0 });
    return source.text.includes('\r\n') ? yaml.replace(/\n/g, '\r\n') : yaml;
  }
  const style = jsonFormatting(source.text);
  const json = JSON.stringify(value, null, style.insertSpaces ? style.tabSize : '\t');
  return (style.eol === '\r\n' ? json.replace(/\n/g, '\r\n') : json) + style.eol;
}
