// Cold start of the bundled CLI beside bare `node -e 0`: the median wall time of fresh processes,
// so the figure is what a user (or a CI step) waits before caac does anything.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(args, cwd, runs) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  }
  return { medianMs: Math.round(median(ms)), minMs: Math.round(Math.min(...ms)), runs };
}

/**
 * Median (and min) ms of `node -e 0`, `caac --version` and `caac validate` of the example
 * repository, each run `runs` times as a fresh process.
 */
export function measureColdStart({ cli = resolve('dist/cli.js'), examples = resolve('examples/conditional-access'), runs = 9 } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'caac-cold-'));
  try {
    cpSync(examples, join(cwd, 'conditional-access'), { recursive: true });
    return {
      nodeBare: time(['-e', '0'], cwd, runs),
      version: time([cli, '--version'], cwd, runs),
      validate: time([cli, 'validate'], cwd, runs),
    };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(measureColdStart(), null, 2));
