/**
 * The digest of the documents a plan was made from: apply re-reads its folder and refuses a plan
 * made from other documents (a file edited, added or removed after the plan, another caac.yml).
 * sha256 over the canonical JSON (keys sorted, arrays in order) of every document and the settings
 * file as loaded, each with its path inside the folder, sorted by path: the same documents give the
 * same digest wherever the folder lies and whatever its commit, and reformatting a file (or YAML
 * ⇄ JSON with the same content under the same name) does not change it.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { LoadedRepository } from '../model/repository.js';
import { canonicalJson } from '../normalize/normalize-document.js';

export interface DocumentsDigest {
  /** sha256 hex of the documents as loaded. */
  digest: string;
  /** How many documents (the settings file apart) it covers, for the messages. */
  documents: number;
  /** Paths inside the folder with the sha256 of each document, for naming what differs. */
  files: Record<string, string>;
}

/** A file's path inside the loaded folder (file names are relative to the working directory). */
function pathInFolder(file: string, repo: LoadedRepository): string {
  const folder = repo.folder ?? posix.normalize(repo.root.split('\\').join('/'));
  if (folder === '' || folder === '.') return file;
  return file.startsWith(`${folder}/`) ? file.slice(folder.length + 1) : file;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export function documentsDigest(repo: LoadedRepository): DocumentsDigest {
  const entries = repo.documents.map((d) => ({ path: pathInFolder(d.file, repo), value: d.value }));
  if (repo.settings) entries.push({ path: pathInFolder(repo.settings.file, repo), value: repo.settings.value });
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const files: Record<string, string> = {};
  for (const e of entries) files[e.path] = sha256(canonicalJson(e.value));
  return { digest: sha256(canonicalJson(entries)), documents: repo.documents.length, files };
}
