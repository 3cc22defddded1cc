/* global structuredClone */
// `npm run bench`: the whole benchmark, through the bundled CLI against the bundled emulator, both
// as child processes. Tenants of 10, 50 and 195 policies over 3,000 references (bench/tenant-generator.mjs),
// each behind Graph's Conditional Access throttle (1 request/s with a burst of 3; a tenant run at
// a higher rate says so in its `scale` column). For backup and plan (names and ids repositories),
// apply (N = 1, 10, 50, from the ids repository), restore (from the names backup, after a drift
// made behind caac's back) and contingency activate it records wall time, HTTP requests
// (a $batch once, counted by a proxy), Graph requests (every $batch item, counted by the
// emulator) by endpoint, requests on the throttled endpoints, the floor (throttled ÷ rate), the
// ratio of wall time to it, and peak RSS (GNU time). Then bench/validate.mjs (validate of 195 and
// 1,000 policies), cold start (bench/cold-start.mjs), bundle size, and the peer models.
// Prints a table and writes bench/results.json. Options: --tenants 10,50,195 --out file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { formatColdStart, measureColdStart } from './cold-start.mjs';
import { admin, assertBundle, copyRepo, runCli, startCountingProxy, startEmulator, tempDir, throttledCount, writeJson, parseArgs, CLI } from './harness.mjs';
import { countReferences, generateTenant, referenceMix } from './tenant-generator.mjs';

const options = parseArgs(process.argv.slice(2), { tenants: '10,50,195', references: 3000, out: 'bench/results.json', seed: 1 });
/** Graph's rate; the small tenants run faster (scale printed) so the whole run fits in 10 minutes. */
const RATE = { 10: 2, 50: 2, 195: 1 };
const CONTINGENCY_SET = 'bench-outage';

function settingsYaml(tenant) {
  const set = tenant.policies.filter((p) => p.displayName.includes('Contingency')).map((p) => `      - ${JSON.stringify(p.displayName)}`);
  return [
    'emergencyAccess:',
    '  groups: ["group:CA-BreakGlass"]',
    'contingency:',
    `  ${CONTINGENCY_SET}:`,
    '    description: Benchmark set, switched on by `caac contingency activate`.',
    '    activate:',
    ...set,
    '',
  ].join('\n');
}

/** Edits the first N ordinary policies of a repository copy: a state change each (one PATCH). */
function editPolicies(repo, n) {
  const dir = join(repo, 'policies');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('ca9')).sort().slice(0, n);
  if (files.length < n) throw new Error(`only ${files.length} policies to edit, ${n} asked`);
  for (const f of files) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    p.state = p.state === 'disabled' ? 'enabledForReportingButNotEnforced' : 'disabled';
    writeFileSync(join(dir, f), JSON.stringify(p, null, 2) + '\n');
  }
}

/** The first error line a failed run printed, to say in the row why it failed. */
function firstError(r) {
  const line = `${r.stdout}\n${r.stderr}`.split('\n').find((l) => /error|failed|refused/i.test(l));
  return (line ?? r.stderr.trim().split('\n').pop() ?? '').slice(0, 300);
}

async function measure(ctx, label, args, { cwd, expect = [0] } = {}) {
  await admin(ctx.emulator.url, 'POST', 'requests/reset');
  ctx.proxy.reset();
  const r = await runCli([...args, '--graph-url', ctx.proxy.url, '--rate-limit', String(ctx.rate)], { cwd });
  // A failed command is a result too (a row that says so), not the end of the benchmark.
  const failed = !expect.includes(r.status);
  const error = failed ? firstError(r) : undefined;
  const graph = await admin(ctx.emulator.url, 'GET', 'requests');
  const http = ctx.proxy.counts();
  const throttled = throttledCount(graph.byEndpoint);
  const rejected = graph.byStatus['429'] ?? 0;
  // The floor counts what had to pass the throttle: requests it answered, not its 429s.
  const floorS = (throttled - rejected) / ctx.rate;
  const row = {
    tenant: ctx.policies, references: ctx.references, op: label, rate: ctx.rate, scale: ctx.rate,
    exit: r.status, ...(failed ? { failed: true, error } : {}),
    wallMs: Math.round(r.ms), http: http.total, graph: graph.total, throttled, rejected429: rejected,
    floorS: Number(floorS.toFixed(2)), ratio: floorS > 0 ? Number((r.ms / 1000 / floorS).toFixed(2)) : null,
    peakRssMb: r.rssKb === undefined ? null : Math.round(r.rssKb / 1024),
    httpByEndpoint: http.byEndpoint, graphByEndpoint: graph.byEndpoint,
  };
  // Plan logs its access impact: sign-ins of the matrix evaluated, how many change, and the time.
  const impact = /access impact: (\d+) sign-ins evaluated, (\d+) change \((\d+) ms\)/.exec(`${r.stdout}\n${r.stderr}`);
  if (impact) row.impact = { signIns: Number(impact[1]), changed: Number(impact[2]), ms: Number(impact[3]) };
  if (failed) console.log(`  ${label}: FAILED (exit ${r.status}): ${error}`);
  console.log(`  ${label.padEnd(26)} ${String(row.wallMs).padStart(7)} ms  http ${String(row.http).padStart(4)}  graph ${String(row.graph).padStart(5)}  throttled ${String(throttled).padStart(3)}  floor ${row.floorS}s  ratio ${row.ratio ?? '-'}  rss ${row.peakRssMb} MB${row.impact ? `  impact ${row.impact.signIns} sign-ins, ${row.impact.changed} change, ${row.impact.ms} ms` : ''}`);
  return row;
}

async function benchTenant(policies) {
  const rate = RATE[policies] ?? 1;
  const tenant = generateTenant({ policies, references: options.references, seed: options.seed });
  const references = countReferences(tenant);
  const work = tempDir(`caac-bench-${policies}-`);
  const seedFile = join(work, 'tenant.json');
  writeJson(seedFile, tenant);
  // Graph's own limits at 1 request/s (--realistic: a burst of 3); a scaled run at `rate`.
  const emulator = await startEmulator(['--seed', seedFile, ...(rate === 1 ? ['--realistic'] : ['--rate-limit', String(rate)])]);
  const proxy = await startCountingProxy(emulator.url);
  const ctx = { emulator, proxy, rate, policies, references };
  const reset = () => admin(emulator.url, 'PUT', 'state', tenant);
  console.log(`tenant: ${policies} policies, ${references} references ${JSON.stringify(referenceMix(options.references))}, rate ${rate}/s${rate === 1 ? " (Graph's)" : ` (scaled ×${rate})`}`);
  const rows = [];
  try {
    const names = join(work, 'names');
    const ids = join(work, 'ids');
    rows.push(await measure(ctx, 'backup (names)', ['backup', '-o', names], { cwd: work }));
    rows.push(await measure(ctx, 'backup (ids)', ['backup', '--ids', '-o', ids], { cwd: work }));
    writeFileSync(join(names, 'caac.yml'), settingsYaml(tenant));
    rows.push(await measure(ctx, 'plan (names)', ['plan', '-d', names], { cwd: work }));
    rows.push(await measure(ctx, 'plan (ids)', ['plan', '-d', ids], { cwd: work }));
    // Apply works from the ids repository: its plan costs what the ids plan above costs, and
    // the names resolution it would add is the plan (names) row's.
    for (const n of [1, 10, 50].filter((k) => k <= policies - 3)) {
      await reset();
      const repo = copyRepo(ids);
      editPolicies(repo, n);
      const planFile = join(work, `plan-${n}.json`);
      // The plan of N changed policies: its access impact judges the matrix on both sides.
      const p = await measure(ctx, `plan N=${n} changed (ids)`, ['plan', '-d', repo, '-o', planFile], { cwd: work });
      rows.push(p);
      if (p.failed) throw new Error(`plan for apply N=${n} failed: ${p.error}`);
      rows.push(await measure(ctx, `apply N=${n} (ids)`, ['apply', '--plan', planFile, '-d', repo, '--snapshot-dir', join(work, `snap-${n}`)], { cwd: work }));
    }
    // Restore undoes a 10-policy drift (or all the tenant has), then one policy alone.
    // The drift is made behind caac's back (the emulator's admin API), as another admin would.
    const drifted = Math.min(10, policies - 3);
    const driftedTenant = structuredClone(tenant);
    for (const p of driftedTenant.policies.slice(0, drifted)) p.state = p.state === 'disabled' ? 'enabledForReportingButNotEnforced' : 'disabled';
    await admin(emulator.url, 'PUT', 'state', driftedTenant);
    rows.push(await measure(ctx, `restore (${drifted} drifted)`, ['restore', '--from', names, '--auto-approve', '--snapshot-dir', join(work, 'snap-restore')], { cwd: work }));
    await admin(emulator.url, 'PUT', 'state', driftedTenant);
    const first = tenant.policies[0].displayName;
    rows.push(await measure(ctx, 'restore --only (1 drifted)', ['restore', '--from', names, '--only', first, '--auto-approve', '--snapshot-dir', join(work, 'snap-only')], { cwd: work }));
    await reset();
    rows.push(await measure(ctx, 'contingency activate', ['contingency', 'activate', CONTINGENCY_SET, '-d', names], { cwd: work }));
    rows.push(...peerModels(tenant, rate));
  } finally {
    await proxy.close();
    await emulator.stop();
  }
  return rows;
}

/**
 * Peers on the same tenant, computed from their documented per-reference calls (not run):
 * Microsoft365DSC's Conditional Access export makes one Graph call per referenced user and group
 * and two per policy on the throttled endpoints; Terraform azuread refreshes with a GET per policy
 * and per named location, and after an update polls ≥ 6 times over ≥ 25 s per policy.
 */
function peerModels(tenant, rate) {
  const users = new Set();
  const groups = new Set();
  for (const p of tenant.policies) {
    const u = p.conditions.users;
    for (const v of [...u.includeUsers, ...u.excludeUsers]) if (v !== 'All') users.add(v);
    for (const v of [...u.includeGroups, ...u.excludeGroups]) groups.add(v);
  }
  const P = tenant.policies.length;
  const L = tenant.namedLocations.length;
  const model = (op, graph, throttled, wallFloorS, formula) => ({
    tenant: P, references: countReferences(tenant), op, model: true, formula, rate, scale: rate, wallMs: null, http: graph, graph, throttled,
    rejected429: null, floorS: Number((throttled / rate).toFixed(2)), modelWallS: wallFloorS, ratio: null, peakRssMb: null,
  });
  const dscThrottled = 2 * P;
  const rows = [model('model: Microsoft365DSC pass', users.size + groups.size + dscThrottled, dscThrottled, dscThrottled / rate, 'users + groups referenced + 2 per policy (throttled)')];
  const tfRefresh = P + L;
  rows.push(model('model: Terraform plan', tfRefresh, tfRefresh, tfRefresh / rate, 'GET per policy and named location'));
  for (const n of [1, 10, 50].filter((k) => k <= P - 3)) {
    const throttled = tfRefresh + n * 7;
    // ≥ 25 s of polling per updated policy, ten policies at a time (Terraform's default parallelism).
    rows.push(model(`model: Terraform apply N=${n}`, throttled, throttled, Math.max(throttled / rate, 25 * Math.ceil(n / 10)), 'refresh + per policy 1 write and ≥ 6 polls over ≥ 25 s'));
  }
  return rows;
}

function bundleSize() {
  const files = readdirSync('dist').map((f) => ({ file: f, bytes: statSync(join('dist', f)).size }));
  return { cliBytes: statSync(CLI).size, distBytes: files.reduce((n, f) => n + f.bytes, 0), files };
}

function table(rows) {
  const head = ['tenant', 'op', 'rate', 'wall s', 'http', 'graph', 'throttled', 'floor s', 'ratio', 'RSS MB'];
  const lines = rows.map((r) => [
    String(r.tenant), r.failed ? `${r.op} FAILED` : r.op, `${r.rate}/s`, r.wallMs === null ? (r.modelWallS === undefined ? '-' : `≥${r.modelWallS.toFixed(0)}`) : (r.wallMs / 1000).toFixed(1),
    String(r.http), String(r.graph), String(r.throttled), String(r.floorS), r.ratio === null ? '-' : String(r.ratio), r.peakRssMb === null ? '-' : String(r.peakRssMb),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (l) => l.map((c, i) => (i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}

async function main() {
  assertBundle();
  const started = Date.now();
  const rows = [];
  for (const p of String(options.tenants).split(',').map(Number)) rows.push(...(await benchTenant(p)));
  console.log('validate of large repositories …');
  const v = spawnSync(process.execPath, ['bench/validate.mjs'], { encoding: 'utf8' });
  if (v.status !== 0) throw new Error(`bench/validate.mjs failed:\n${v.stderr}`);
  const validateLines = v.stdout.trim().split('\n');
  // Cold start and size describe the bundle: with another CLI (CAAC_BENCH_CLI) they are carried
  // over from the last run that had one, and say when that was.
  const bundled = CLI === resolve('dist/cli.js');
  const previous = !bundled && existsSync(options.out) ? JSON.parse(readFileSync(options.out, 'utf8')) : undefined;
  console.log(bundled ? 'cold start …' : `cold start and bundle size: carried over from ${previous?.generatedAt ?? 'nothing (no earlier results)'}`);
  const coldStart = bundled ? measureColdStart() : { ...previous?.coldStart, from: previous?.coldStart?.from ?? previous?.generatedAt };
  const bundle = bundled ? bundleSize() : { ...previous?.bundle, from: previous?.bundle?.from ?? previous?.generatedAt };
  const results = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    cli: relative(process.cwd(), CLI),
    totalSeconds: Math.round((Date.now() - started) / 1000),
    notes: [
      "rate: the emulator's Conditional Access throttle in requests/s (Graph: 1/s, burst 3); the CLI is given the same --rate-limit. A rate above 1 is a scaled run: floor and ratio use that rate.",
      'http: HTTP requests the CLI sent (a $batch once); graph: Graph requests the emulator served, every $batch item counted (as Graph throttles them).',
      'throttled: requests on identity/conditionalAccess/*; floor: (throttled - 429s) / rate; ratio: wall / floor.',
      'model rows are computed from the peers\' documented calls on the same tenant, not run.',
      'impact: the plan\'s access impact (sign-ins of the matrix evaluated before and after, how many change, its time in ms), from the line plan logs.',
    ],
    rows,
    coldStart,
    validate: validateLines,
    bundle: { cliBytes: bundle.cliBytes, distBytes: bundle.distBytes, ...(bundle.from ? { from: bundle.from } : {}) },
  };
  console.log('\n' + table(rows));
  if (bundled) console.log(`\n${formatColdStart(coldStart)}`);
  else console.log(`\ncold start (carried over from ${coldStart.from}, median of ${coldStart.nodeBare?.runs}): node -e 0 ${coldStart.nodeBare?.medianMs} ms, caac --version ${coldStart.version?.medianMs} ms, caac validate ${coldStart.validate?.medianMs} ms`);
  for (const l of validateLines) console.log(l);
  console.log(`bundle: dist/cli.js ${(bundle.cliBytes / 1024).toFixed(0)} KiB, dist/ ${(bundle.distBytes / 1024).toFixed(0)} KiB`);
  console.log(`total ${results.totalSeconds} s; wrote ${options.out}`);
  writeJson(options.out, results);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
