/**
 * The edits `caac rollout advance` makes, as text in, text out, so that everything it does not
 * change stays byte for byte: comments, quoting, folded descriptions, key order, indentation.
 * The `yaml` Document API finds the nodes and their source ranges; only those ranges are
 * rewritten (re-serialising the whole document would re-fold long lines and re-space flow lists).
 * A JSON policy file's `state` is edited with jsonc-parser, in the file's own indentation.
 */
import { applyEdits, modify, parseTree, findNodeAtLocation } from 'jsonc-parser';
import { isMap, isScalar, parseDocument, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { ConfigurationError } from '../errors.js';

const PLAIN_SAFE = /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/;

/** A scalar written as the one it replaces was (double, single or plain), or double-quoted when plain would change its meaning. */
function scalarText(value: string, like?: Scalar): string {
  if (like?.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if ((like === undefined || like.type === 'PLAIN') && PLAIN_SAFE.test(value) && !/^\d/.test(value) && !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(value)) return value;
  return JSON.stringify(value);
}

/** A policy name as a key: always double-quoted (names hold ' - ', ':' and '#' often enough). */
const keyText = (key: string): string => JSON.stringify(key);

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

type Edit = { at: number; end: number; text: string };

function applyAll(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  return out;
}

/**
 * caac.yml with `rollout.policies.<key>` set to `{ring, since}`: the existing entry edited in place,
 * or a new entry added at the end of `rollout.policies`. `key` is the entry's key as written, or
 * the displayName for a new one.
 */
export function setRolloutEntry(text: string, file: string, key: string, ring: string, since: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new ConfigurationError(`${file}: cannot edit it: ${doc.errors[0]!.message}`);
  const rollout = doc.get('rollout', true);
  if (!isMap(rollout)) throw new ConfigurationError(`${file}: has no rollout: map to edit; add rollout.rings first`);
  const policies = rollout.get('policies', true);
  if (!isMap(policies)) throw new ConfigurationError(`${file}: add "policies: {}" under rollout: (caac rollout advance edits that map, and will not guess where it goes)`);
  const pair = policies.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Scalar, unknown> | undefined;
  if (pair && isMap(pair.value)) return applyAll(text, entryEdits(text, pair.value, ring, since));
  if (pair) throw new ConfigurationError(`${file}: rollout.policies."${key}" is not a map: write it as {ring: …, since: …}`);
  return applyAll(text, [newEntryEdit(text, policies, key, ring, since)]);
}

function entryEdits(text: string, entry: YAMLMap, ring: string, since: string): Edit[] {
  const edits: Edit[] = [];
  const valueOf = (name: string) => entry.items.find((p) => isScalar(p.key) && p.key.value === name) as Pair<Scalar, Scalar> | undefined;
  const ringPair = valueOf('ring');
  const sincePair = valueOf('since');
  for (const [pair, value] of [[ringPair, ring], [sincePair, since]] as const) {
    if (pair && isScalar(pair.value) && pair.value.range) edits.push({ at: pair.value.range[0], end: pair.value.range[1], text: scalarText(value, pair.value) });
  }
  if (!sincePair && ringPair?.value?.range) {
    const [start, end] = entry.range!;
    if (entry.flow) {
      const close = text.lastIndexOf('}', end);
      const before = text.slice(start, close).trimEnd();
      edits.push({ at: start + before.length, end: start + before.length, text: `, since: ${scalarText(since)}` });
    } else {
      const keyStart = (ringPair.key as Scalar).range![0];
      const at = lineEnd(text, ringPair.value.range[1]);
      edits.push({ at, end: at, text: `\n${' '.repeat(columnOf(text, keyStart))}since: ${scalarText(since)}` });
    }
  }
  return edits;
}

function newEntryEdit(text: string, policies: YAMLMap, key: string, ring: string, since: string): Edit {
  const entry = `${keyText(key)}: { ring: ${scalarText(ring)}, since: ${scalarText(since)} }`;
  const [start, end] = policies.range!;
  if (policies.flow) {
    const close = text.lastIndexOf('}', end);
    const inside = text.slice(start + 1, close).trim();
    return { at: close, end: close, text: `${inside === '' ? '' : ', '}${entry}${inside === '' ? '' : ' '}` };
  }
  const last = policies.items[policies.items.length - 1]!;
  const indent = columnOf(text, (last.key as Scalar).range![0]);
  const lastEnd = (last.value as Scalar | YAMLMap | null)?.range?.[1] ?? (last.key as Scalar).range![1];
  const at = lineEnd(text, lastEnd);
  return { at, end: at, text: `\n${' '.repeat(indent)}${entry}` };
}

/** A policy file with its top-level `state` set, in its own format (JSON indentation kept; YAML in place). */
export function setPolicyState(text: string, file: string, state: string): string {
  if (/\.json$/i.test(file)) {
    const tree = parseTree(text);
    if (!tree || !findNodeAtLocation(tree, ['state'])) throw new ConfigurationError(`${file}: has no "state" to change`);
    const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
    const edits = modify(text, ['state'], state, { formattingOptions: { insertSpaces: !indent.includes('\t'), tabSize: indent.includes('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' } });
    return applyEdits(text, edits);
  }
  const doc = parseDocument(text);
  const node = doc.get('state', true);
  if (!isScalar(node) || !node.range) throw new ConfigurationError(`${file}: has no state: to change`);
  return applyAll(text, [{ at: node.range[0], end: node.range[1], text: scalarText(state, node) }]);
}
