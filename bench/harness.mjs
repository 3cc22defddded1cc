/* global fetch, structuredClone */
// What bench, soak and fuzz share: the bundled emulator as a child process, a counting proxy in
// front of it (the HTTP requests that cross the wire, a $batch once), the bundled CLI as a child
// process under GNU time (peak RSS), and the emulator's own request counts (every $batch item).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The bundled CLI; CAAC_BENCH_CLI points elsewhere (e.g. lib/src/cli/main.js when dist/ cannot be built). */
export const CLI = resolve(process.env.CAAC_BENCH_CLI ?? 'dist/cli.js');
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

export function assertBundle() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run bundle" first (or set CAAC_BENCH_CLI)`);
}

export const tempDir = (prefix) => mkdtempSync(join(tmpdir(), prefix));

/** Starts `caac emulator` with these flags; resolves once it listens. `stop()` ends it by its pid. */
export function startEmulator(flags) {
  const child = spawn(process.execPath, [CLI, 'emulator', ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((ok, fail) => {
    let out = '';
    const onData = (c) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        child.stdout.off('data', onData);
        ok({
          url: m[1],
          pid: child.pid,
          stop: () => new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (out += c.toString()));
    child.once('exit', (code) => fail(new Error(`emulator exited (${code}) before listening:\n${out}`)));
  });
}

/** Admin call to the emulator (not counted by it). */
export async function admin(url, method, path, body) {
  const r = await fetch(`${url}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method} /_emulator/${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? undefined : r.json();
}

/**
 * A proxy that forwards every request to the emulator and counts it by `METHOD /path` (no query),
 * so a `$batch` counts once, as the HTTP requests a client spends.
 */
export async function startCountingProxy(target, hooks = {}) {
  const counts = { total: 0, byEndpoint: {} };
  let self = '';
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!path.startsWith('/_emulator')) {
      counts.total += 1;
      const key = `${req.method} ${path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '{id}')}`;
      counts.byEndpoint[key] = (counts.byEndpoint[key] ?? 0) + 1;
    }
    const forward = () => request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      // Graph's links (@odata.nextLink) name the emulator: point them at the proxy, or the
      // client rightly refuses to follow a link to another host.
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => {
        const body = Buffer.from(Buffer.concat(chunks).toString('utf8').replaceAll(target, self));
        const headers = { ...r.headers };
        if (headers['content-length'] !== undefined) headers['content-length'] = String(body.length);
        res.writeHead(r.statusCode ?? 502, headers);
        res.end(body);
      });
      r.on('error', () => res.socket?.destroy());
    });
    const send = () => {
      const out = forward();
      // The emulator resets a connection to inject a fault: pass the reset on.
      out.on('error', () => res.socket?.destroy());
      req.pipe(out);
    };
    if (hooks.onRequest === undefined) return send();
    // The soak's hook sees each Graph request before it goes on (to kill the client, or edit the tenant).
    Promise.resolve(hooks.onRequest({ method: req.method, path, count: counts.total })).then(send, () => res.socket?.destroy());
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  self = `http://127.0.0.1:${port}`;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => structuredClone(counts),
    reset: () => {
      counts.total = 0;
      counts.byEndpoint = {};
    },
    close: () => new Promise((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    }),
  };
}

/**
 * Runs the bundled CLI as a child process (async, so the proxy keeps answering) under GNU time;
 * resolves with status, signal, output, wall ms and peak RSS in KB. `onSpawn` receives the child
 * (the soak kills it; pass `rss: false` so it is node); `timeoutMs` kills a run that hangs.
 */
export function runCli(args, { cwd, env = {}, onSpawn, timeoutMs, rss = true } = {}) {
  // Without GNU time between, the child is node itself: what the soak's kill -9 must hit.
  const argv = GNU_TIME && rss ? [GNU_TIME, ['-f', '@@RSS %M', process.execPath, CLI, ...args]] : [process.execPath, [CLI, ...args]];
  return new Promise((ok) => {
    const start = process.hrtime.bigint();
    const child = spawn(argv[0], argv[1], { cwd, env: { PATH: process.env.PATH ?? '', CAAC_ACCESS_TOKEN: 'bench', ...env } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (c) => (stdout += c.toString()));
    child.stderr.on('data', (c) => (stderr += c.toString()));
    onSpawn?.(child);
    child.on('close', (status, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const m = /@@RSS (\d+)\s*$/.exec(stderr);
      let rssKb;
      if (m) {
        rssKb = Number(m[1]);
        stderr = stderr.slice(0, m.index);
      }
      // GNU time reports a child killed by a signal as "Command terminated by signal N" and exits 128+N.
      const killed = /Command terminated by signal (\d+)/.exec(stderr);
      if (killed) stderr = stderr.replace(/Command terminated by signal \d+\n?/, '');
      ok({ status: killed ? null : status, signal: killed ? Number(killed[1]) : signal, stdout, stderr, ms, rssKb, timedOut });
    });
  });
}

/** Copies a repository folder to a fresh temp dir; returns the new folder. */
export function copyRepo(dir, prefix = 'caac-bench-repo-') {
  const to = join(tempDir(prefix), 'conditional-access');
  cpSync(dir, to, { recursive: true });
  return to;
}

export const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
export const writeJson = (path, value) => writeFileSync(path, JSON.stringify(value, null, 2) + '\n');

/** Requests on the endpoints that share the Conditional Access throttle (identity/conditionalAccess). */
export function throttledCount(byEndpoint) {
  return Object.entries(byEndpoint)
    .filter(([k]) => /^\S+ \/(v1\.0|beta)\/identity\/conditionalAccess(\/|$)/i.test(k))
    .reduce((n, [, v]) => n + v, 0);
}

/** mulberry32, for the soak and fuzz seeds. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `--name value` and `--flag` from argv into an object. */
export function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument '${argv[i]}'`);
    const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`unknown option --${m[1]}; expected ${Object.keys(defaults).map((k) => `--${k}`).join(', ')}`);
    if (typeof defaults[key] === 'boolean') out[key] = true;
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`--${m[1]} needs a value`);
      out[key] = typeof defaults[key] === 'number' || defaults[key] === undefined ? Number(v) : v;
      if (Number.isNaN(out[key])) throw new Error(`--${m[1]} takes a number, not '${v}'`);
    }
  }
  return out;
}
