// Cold start of the bundled CLI beside bare `node -e 0`, in the same run: the median wall time of
// fresh processes, so the figure is what a user (or a CI step) waits before caac does anything.
// The runs are interleaved (bare node, --version, validate, … in turn), so a busy machine slows
// each the same. Measures and prints; asserts nothing (the targets are printed beside the figures).
//
//   node bench/cold-start.mjs [runs]        (after npm run bundle; default 30 runs)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Issue [10]: --version within 40 ms of bare node, validate of an empty repository within 100 ms, dist/ ≤ 3 MB. */
export const TARGETS = { versionOverBareMs: 40, validateOverBareMs: 100, distBytes: 3_000_000 };

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function once(args, cwd) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return ms;
}

/** The size of every file in dist/ (the bundle, its chunks, re2.wasm): what a clone of the action carries. */
export function distBytes(dist = resolve('dist')) {
  return readdirSync(dist).reduce((n, f) => n + statSync(join(dist, f)).size, 0);
}

/**
 * Median and min ms of `node -e 0`, `caac --version`, `caac validate` of an empty repository
 * (the folders `caac init` makes, no files) and of the example repository, each run `runs` times
 * as a fresh process; and the differences to bare node that the targets are about.
 */
export function measureColdStart({ cli = resolve('dist/cli.js'), examples = resolve('examples/conditional-access'), runs = 30 } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'caac-cold-'));
  try {
    const empty = join(cwd, 'empty');
    for (const folder of ['policies', 'named-locations', 'authentication-strengths']) mkdirSync(join(empty, folder), { recursive: true });
    cpSync(examples, join(cwd, 'conditional-access'), { recursive: true });
    const commands = {
      nodeBare: ['-e', '0'],
      version: [cli, '--version'],
      validate: [cli, 'validate', '--dir', empty],
      validateExamples: [cli, 'validate', '--dir', 'conditional-access'],
    };
    const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
    once(commands.version, cwd); // the first run warms the file cache; it is not counted
    for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(commands)) times[name].push(once(args, cwd));
    const stats = Object.fromEntries(Object.entries(times).map(([k, ms]) => [k, { medianMs: Math.round(median(ms)), minMs: Math.round(Math.min(...ms)), runs }]));
    return {
      ...stats,
      versionOverBareMs: stats.version.medianMs - stats.nodeBare.medianMs,
      validateOverBareMs: stats.validate.medianMs - stats.nodeBare.medianMs,
      distBytes: distBytes(resolve(cli, '..')),
    };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** One line per figure, with its target. */
export function formatColdStart(r) {
  const mark = (ok) => (ok ? 'within target' : 'OVER TARGET');
  return [
    `cold start, median of ${r.nodeBare.runs} runs each (min in brackets):`,
    `  node -e 0                      ${r.nodeBare.medianMs} ms (${r.nodeBare.minMs})`,
    `  caac --version                 ${r.version.medianMs} ms (${r.version.minMs}): +${r.versionOverBareMs} ms over bare node, ${mark(r.versionOverBareMs <= TARGETS.versionOverBareMs)} (+${TARGETS.versionOverBareMs})`,
    `  caac validate, empty repo      ${r.validate.medianMs} ms (${r.validate.minMs}): +${r.validateOverBareMs} ms over bare node, ${mark(r.validateOverBareMs <= TARGETS.validateOverBareMs)} (+${TARGETS.validateOverBareMs})`,
    `  caac validate, examples (25)   ${r.validateExamples.medianMs} ms (${r.validateExamples.minMs})`,
    `dist/: ${(r.distBytes / 1e6).toFixed(2)} MB, ${mark(r.distBytes <= TARGETS.distBytes)} (${TARGETS.distBytes / 1e6} MB)`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runs = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  console.log(formatColdStart(measureColdStart({ runs })));
}
