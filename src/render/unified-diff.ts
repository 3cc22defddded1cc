/**
 * A unified diff of one file's change (`--fix --dry-run`), as `diff -u` and `git apply` read it:
 * `--- a/file`, `+++ b/file`, hunks with three lines of context. A created file is diffed against
 * /dev/null, a removed one to it.
 */
import type { FileChange } from '../ports/document-files.js';

const CONTEXT = 3;
/** Above this many line pairs the diff shows the whole file replaced (still correct, less precise). */
const MAX_CELLS = 4_000_000;

type Op = { kind: ' ' | '-' | '+'; line: string };

export function renderUnifiedDiff(change: FileChange): string {
  const before = splitLines(change.before ?? '');
  const after = splitLines(change.after ?? '');
  const ops = diffLines(before, after);
  if (!ops.some((o) => o.kind !== ' ')) return '';
  const header = [`--- ${change.before === undefined ? '/dev/null' : `a/${change.file}`}`, `+++ ${change.after === undefined ? '/dev/null' : `b/${change.file}`}`];
  return [...header, ...hunks(ops)].join('\n') + '\n';
}

/** Lines without their ending; a carriage return stays visible as part of the line it ends. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Longest common subsequence of lines, then the edit script. */
function diffLines(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const middle: Op[] =
    midA.length * midB.length > MAX_CELLS
      ? [...midA.map((line) => ({ kind: '-' as const, line })), ...midB.map((line) => ({ kind: '+' as const, line }))]
      : lcsOps(midA, midB);
  return [...a.slice(0, start).map((line) => ({ kind: ' ' as const, line })), ...middle, ...a.slice(endA).map((line) => ({ kind: ' ' as const, line }))];
}

function lcsOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i]! });
      i++;
      j++;
    } else if (i < n && (j >= m || table[i + 1]![j]! >= table[i]![j + 1]!)) ops.push({ kind: '-', line: a[i++]! });
    else ops.push({ kind: '+', line: b[j++]! });
  }
  return ops;
}

function hunks(ops: Op[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === ' ') {
      i++;
      continue;
    }
    // A hunk: context before, changes (merging gaps of at most 2 × CONTEXT), context after.
    const from = Math.max(0, i - CONTEXT);
    let to = i;
    while (to < ops.length) {
      if (ops[to]!.kind !== ' ') {
        to++;
        continue;
      }
      let next = to;
      while (next < ops.length && ops[next]!.kind === ' ') next++;
      if (next < ops.length && next - to <= 2 * CONTEXT) to = next;
      else break;
    }
    const end = Math.min(ops.length, to + CONTEXT);
    const slice = ops.slice(from, end);
    const oldStart = ops.slice(0, from).filter((o) => o.kind !== '+').length;
    const newStart = ops.slice(0, from).filter((o) => o.kind !== '-').length;
    const oldCount = slice.filter((o) => o.kind !== '+').length;
    const newCount = slice.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const o of slice) out.push(`${o.kind}${o.line}`);
    i = end;
  }
  return out;
}

function range(start: number, count: number): string {
  return `${count === 0 ? start : start + 1},${count}`;
}
