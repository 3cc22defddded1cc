/* global fetch, structuredClone */
// `npm run soak`: bounded fault-injection runs of `caac apply` (bundled CLI, child process) against
// the bundled emulator. Each run is one seed; the seed alone picks the scenario, the change set and
// the emulator's faults, so `npm run soak -- --seed N` replays run N (two applies at once race
// each other, so that scenario replays the same inputs, not always the same interleaving). Scenarios:
//   faults      the emulator's faults (503, 504, 429, reset, and `lost`: the write is done, its answer lost)
//   list-lag    faults while lists show writes late (Graph's replicas)
//   kill        kill -9 of caac when its K-th Graph request arrives (before or after it is forwarded)
//   concurrent  two applies of the same repository at once
//   edit-during an edit of a policy outside the plan, made by someone else while apply writes
//   stale       the tenant is edited between plan and apply (apply --plan must refuse: exit 3, no write)
// After every run it checks the tenant against the plan: the run completed, or failed with a report
// (no crash, no hang); every object is as before or as planned (nothing lost, duplicated or
// changed beyond the plan; another's edit kept); every object changed has a snapshot written
// before the first write; a rerun without faults converges (apply exits 0, plan shows no change).
// Prints a table, writes bench/soak.json, exits 1 on any violation.
// Options: --runs N --seconds S --seed N (one run) --first N --out file.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { admin, assertBundle, copyRepo, parseArgs, rng, runCli, startCountingProxy, startEmulator, tempDir, writeJson } from './harness.mjs';
import { generateTenant } from './tenant-generator.mjs';

const options = parseArgs(process.argv.slice(2), { runs: 60, seconds: 600, seed: undefined, first: 1, out: 'bench/soak.json', policies: 16, references: 240 });
const SCENARIOS = ['faults', 'faults', 'list-lag', 'kill', 'kill', 'concurrent', 'edit-during', 'stale'];
const RUN_TIMEOUT_MS = 120_000;
const CLIENT = ['--rate-limit', '50'];
/** apply and restore only: how long to look for a write whose answer was lost. */
const CONFIRM = ['--confirm-timeout', '15'];
const WRITES = new Set(['POST', 'PATCH', 'DELETE', 'PUT']);

/** What the seed makes of the run: scenario, changes, faults. */
function scenarioFor(seed, tenant) {
  const random = rng(seed * 7919 + 1);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const scenario = SCENARIOS[seed % SCENARIOS.length];
  const ordinary = tenant.policies.filter((p) => !p.displayName.includes('Contingency'));
  const shuffled = [...ordinary].sort(() => random() - 0.5);
  const flips = shuffled.slice(0, 1 + Math.floor(random() * 4)).map((p) => p.id);
  const grants = shuffled.slice(5, 5 + Math.floor(random() * 3)).map((p) => p.id);
  const remove = random() < 0.5 ? [shuffled[9].id] : [];
  const create = random() < 0.6 ? 1 + Math.floor(random() * 2) : 0;
  const outsider = shuffled[12].id;
  const kinds = pick(['503|504|reset|429|lost', 'lost', '504|reset|lost', '503|429']);
  const rate = [0.05, 0.1, 0.2][Math.floor(random() * 3)];
  const faults = scenario === 'faults' || scenario === 'list-lag' || (scenario === 'concurrent' && random() < 0.5)
    ? `rate=${rate},kinds=${kinds},seed=${seed}${random() < 0.5 ? ',methods=POST|PATCH|DELETE' : ''}`
    : undefined;
  return {
    seed, scenario, flips, grants, remove, create, outsider, faults,
    listLagMs: scenario === 'list-lag' ? pick([300, 1000, 2500]) : 0,
    killAt: 1 + Math.floor(random() * (flips.length + grants.length + remove.length + create + 2)),
    killBeforeForward: random() < 0.5,
    editAt: 1 + Math.floor(random() * 3),
  };
}

const flipState = (s) => (s === 'disabled' ? 'enabledForReportingButNotEnforced' : 'disabled');
const newName = (seed, i) => `CA8${String(i).padStart(3, '0')} - Soak new policy ${seed}-${i}`;

/** Writes the run's changes into a copy of the repository; returns the expectations. */
function makeChanges(repo, tenant, run) {
  const dir = join(repo, 'policies');
  const byId = new Map();
  for (const f of readdirSync(dir)) {
    const doc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const p = tenant.policies.find((x) => x.displayName === doc.displayName);
    if (p) byId.set(p.id, { file: join(dir, f), doc });
  }
  const expected = new Map(); // id → (policy) => is it as planned?
  for (const id of run.flips) {
    const { file, doc } = byId.get(id);
    doc.state = flipState(doc.state);
    writeFileSync(file, JSON.stringify(doc, null, 2));
    expected.set(id, { state: doc.state });
  }
  for (const id of run.grants) {
    const { file, doc } = byId.get(id);
    const controls = doc.grantControls.builtInControls.includes('block') ? ['block'] : ['mfa', 'compliantDevice'];
    doc.grantControls = { operator: 'OR', builtInControls: controls };
    writeFileSync(file, JSON.stringify(doc, null, 2));
    expected.set(id, { ...expected.get(id), builtInControls: controls });
  }
  for (const id of run.remove) {
    rmSync(byId.get(id).file);
    expected.set(id, 'deleted');
  }
  const template = byId.get(run.flips[0]).doc;
  const created = [];
  for (let i = 0; i < run.create; i++) {
    const doc = structuredClone(template);
    doc.displayName = newName(run.seed, i);
    doc.state = 'disabled';
    delete doc.id;
    writeFileSync(join(dir, `soak-new-${i}.json`), JSON.stringify(doc, null, 2));
    created.push(doc.displayName);
  }
  return { expected, created };
}

/** Lists of strings in a policy are sets to Graph (and caac may write them in another order): sort them. */
function canonical(v) {
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? [...v].sort() : v.map(canonical);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canonical(x)]));
  return v;
}

/** The tenant's policies keyed by id, without the fields Graph sets on every write. */
async function policies(url) {
  const state = await admin(url, 'GET', 'state');
  const out = new Map();
  for (const p of state.policies) {
    const { modifiedDateTime: _m, ...rest } = p;
    out.set(p.id, canonical(rest));
  }
  return out;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The first property path where two objects differ, to say in a violation. */
function difference(a, b, path = '') {
  if (same(a, b)) return '';
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) || Array.isArray(b)) return `${path || '.'}: ${JSON.stringify(a)?.slice(0, 120)} vs planned ${JSON.stringify(b)?.slice(0, 120)}`;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = difference(a[k], b[k], `${path}.${k}`);
    if (d) return d;
  }
  return `${path}: key order`;
}

/** Every policy is as before or as planned; new ones at most once; the outsider's edit kept. */
function checkTenant(before, after, plan, { final, outsiderState }) {
  const problems = [];
  for (const [id, old] of before) {
    const now = after.get(id);
    const want = plan.expected.get(id);
    if (outsiderState !== undefined && id === outsiderState.id) {
      if (now === undefined || now.state !== outsiderState.state) problems.push(`the policy edited by another (${old.displayName}) lost that edit: state ${now?.state}`);
      continue;
    }
    if (now === undefined) {
      if (want !== 'deleted') problems.push(`lost: ${old.displayName} is gone but the plan does not delete it`);
      continue;
    }
    if (want === 'deleted') {
      if (final) problems.push(`not converged: ${old.displayName} should be deleted`);
      if (!same(now, old)) problems.push(`changed beyond the plan: ${old.displayName} (planned for deletion) was modified`);
      continue;
    }
    const planned = { ...old };
    if (want?.state !== undefined) planned.state = want.state;
    if (want?.builtInControls !== undefined) planned.grantControls = canonical({ ...old.grantControls, builtInControls: want.builtInControls });
    if (same(now, planned)) continue;
    if (final) {
      problems.push(`not converged: ${old.displayName} differs from the plan: ${difference(now, planned)}`);
      continue;
    }
    // Mid-way: each planned field is either old or new; nothing else differs.
    const probe = { ...now, state: old.state, grantControls: old.grantControls };
    const fieldsOk = (now.state === old.state || now.state === planned.state) && (same(now.grantControls, old.grantControls) || same(now.grantControls, planned.grantControls));
    if (!same(probe, old) || !fieldsOk) problems.push(`changed beyond the plan: ${old.displayName}`);
  }
  const newOnes = [...after.values()].filter((p) => !before.has(p.id));
  for (const name of plan.created) {
    const n = newOnes.filter((p) => p.displayName === name).length;
    if (n > 1) problems.push(`duplicated: ${n} policies named ${name}`);
    if (final && n === 0) problems.push(`not converged: ${name} was not created`);
  }
  for (const p of newOnes) if (!plan.created.includes(p.displayName)) problems.push(`unexpected object: ${p.displayName}`);
  return problems;
}

/** Every object the run changed has a snapshot, and it shows the object as it was before the first write. */
function checkSnapshots(snapDirs, before, after, othersEdit) {
  const snaps = new Map();
  for (const dir of snapDirs) {
    const folder = join(dir, 'policies');
    if (!existsSync(folder)) continue;
    for (const f of readdirSync(folder)) {
      try {
        const doc = JSON.parse(readFileSync(join(folder, f), 'utf8'));
        if (typeof doc.id === 'string' && !snaps.has(doc.id)) snaps.set(doc.id, doc);
      } catch {
        // A torn snapshot file (the process was killed while writing it) is judged below.
      }
    }
  }
  const problems = [];
  for (const [id, old] of before) {
    const now = after.get(id);
    if ((now !== undefined && same(now, old)) || id === othersEdit?.id) continue;
    const snap = snaps.get(id);
    if (snap === undefined) problems.push(`no snapshot of ${old.displayName}, which the run changed`);
    else if (snap.state !== old.state || !same(snap.grantControls?.builtInControls, old.grantControls?.builtInControls)) problems.push(`the snapshot of ${old.displayName} is not the object as it was before the run`);
  }
  return problems;
}

/** What a failed run said, in one line (its first error). */
function reportLine(r) {
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /error|fail|refus|stale|could not|gave up/i.test(l)) ?? lines.pop() ?? '').slice(0, 240);
}

const CRASH = /\n\s+at .+:\d+:\d+\)?\n/;

/** A run's process ended as the CLI documents: done, failed with a message, or refused (3). */
function checkExit(r, label, { killed = false } = {}) {
  if (r.timedOut) return [`${label}: hung (killed after ${RUN_TIMEOUT_MS / 1000} s)`];
  if (killed && r.signal !== null) return [];
  const problems = [];
  if (![0, 1, 3].includes(r.status)) problems.push(`${label}: exit ${r.status} (signal ${r.signal}), not 0, 1 or 3`);
  if (CRASH.test(r.stderr) || CRASH.test(r.stdout)) problems.push(`${label}: crashed with a stack trace: ${r.stderr.split('\n').find((l) => /Error/.test(l)) ?? ''}`);
  if (r.status !== 0 && `${r.stdout}${r.stderr}`.trim().split('\n').filter((l) => !/^caac: (signing|reading)/.test(l)).length === 0) problems.push(`${label}: failed without a report`);
  return problems;
}

async function soakOne(ctx, seed) {
  const { emulator, tenant, baseRepo, work } = ctx;
  const run = scenarioFor(seed, tenant);
  await admin(emulator.url, 'PUT', 'state', tenant);
  await admin(emulator.url, 'POST', 'faults', { spec: null });
  await admin(emulator.url, 'POST', 'list-lag', { ms: 0 });
  const repo = copyRepo(baseRepo, 'caac-soak-repo-');
  const plan = makeChanges(repo, tenant, run);
  const before = await policies(emulator.url);
  const snapDirs = [];
  const snap = () => {
    const d = join(work, `snap-${seed}-${snapDirs.length}`);
    snapDirs.push(d);
    return d;
  };
  let outsiderState;
  let killed = false;
  let child;
  let writes = 0;
  const hook = async ({ method, path }) => {
    // Writes to Conditional Access objects only: $batch and getByIds are POSTs that read.
    if (!WRITES.has(method) || !/\/identity\/conditionalAccess\//.test(path)) return;
    writes += 1;
    if (run.scenario === 'kill' && writes === run.killAt && child !== undefined) {
      if (run.killBeforeForward) {
        child.kill('SIGKILL');
        killed = true;
        throw new Error('killed');
      }
      setTimeout(() => { child.kill('SIGKILL'); killed = true; }, 5);
    }
    if (run.scenario === 'edit-during' && writes === run.editAt && outsiderState === undefined) {
      const old = before.get(run.outsider);
      outsiderState = { id: run.outsider, state: flipState(old.state) };
      await graphPatch(emulator.url, run.outsider, { state: outsiderState.state });
    }
  };
  const proxy = await startCountingProxy(emulator.url, { onRequest: hook });
  const graph = ['--graph-url', proxy.url, ...CLIENT];
  const problems = [];
  const results = [];
  try {
    const planFile = join(work, `plan-${seed}.json`);
    const p = await runCli(['plan', '-d', repo, '--prune', '-o', planFile, ...graph], { cwd: work, timeoutMs: RUN_TIMEOUT_MS, rss: false });
    if (p.status !== 0) throw new Error(`seed ${seed}: the plan before the run failed (exit ${p.status}): ${p.stderr.slice(-500)}`);
    if (run.faults) await admin(emulator.url, 'POST', 'faults', { spec: run.faults });
    if (run.listLagMs) await admin(emulator.url, 'POST', 'list-lag', { ms: run.listLagMs });
    const apply = (extra = []) => runCli(['apply', '--plan', planFile, '-d', repo, '--allow-delete', '--snapshot-dir', snap(), ...extra, ...CONFIRM, ...graph], {
      cwd: work, timeoutMs: RUN_TIMEOUT_MS, rss: false, onSpawn: (c) => (child = c),
    });
    if (run.scenario === 'stale') {
      outsiderState = { id: run.flips[0], state: before.get(run.flips[0]).state === 'disabled' ? 'enabled' : 'disabled' };
      await graphPatch(emulator.url, outsiderState.id, { state: outsiderState.state });
      const r = await apply();
      results.push(r);
      problems.push(...checkExit(r, 'apply'));
      const now = await policies(emulator.url);
      if (r.status !== 3) problems.push(`stale: apply of a plan made before another's edit exited ${r.status}, not 3 (refused)`);
      const changed = [...before.keys()].filter((id) => id !== outsiderState.id && !same(before.get(id), now.get(id)));
      if (changed.length > 0 || now.size !== before.size) problems.push(`stale: apply wrote (${changed.length} changed) though it should refuse`);
      // The rerun below starts from the tenant as the other left it: plan again.
      outsiderState = undefined;
      before.set(run.flips[0], now.get(run.flips[0]));
    } else if (run.scenario === 'concurrent') {
      const [a, b] = await Promise.all([apply(), apply()]);
      results.push(a, b);
      problems.push(...checkExit(a, 'apply #1'), ...checkExit(b, 'apply #2'));
    } else {
      const r = await apply();
      results.push(r);
      problems.push(...checkExit(r, 'apply', { killed }));
    }
    await admin(emulator.url, 'POST', 'faults', { spec: null });
    await admin(emulator.url, 'POST', 'list-lag', { ms: 0 });
    const mid = await policies(emulator.url);
    problems.push(...checkTenant(before, mid, plan, { final: false, outsiderState }));
    problems.push(...checkSnapshots(snapDirs, before, mid, outsiderState));

    // The rerun, as an operator would after a failure: plan and apply again, no faults.
    const rerun = await runCli(['apply', '--auto-approve', '-d', repo, '--prune', '--allow-delete', '--snapshot-dir', snap(), ...CONFIRM, ...graph], { cwd: work, timeoutMs: RUN_TIMEOUT_MS, rss: false });
    problems.push(...checkExit(rerun, 'rerun'));
    if (rerun.status !== 0) problems.push(`rerun exited ${rerun.status}: ${rerun.stderr.split('\n').filter(Boolean).pop() ?? ''}`);
    const check = await runCli(['plan', '-d', repo, '--prune', '--detailed-exitcode', ...graph], { cwd: work, timeoutMs: RUN_TIMEOUT_MS, rss: false });
    if (check.status !== 0) problems.push(`not converged: plan after the rerun exited ${check.status}`);
    const after = await policies(emulator.url);
    // The rerun applies the repository, which is the source of truth: another's edit outside it is reverted then.
    problems.push(...checkTenant(before, after, plan, { final: true, outsiderState: undefined }));
  } finally {
    await proxy.close();
  }
  const first = results[0];
  return {
    seed, scenario: run.scenario, faults: run.faults ?? null, listLagMs: run.listLagMs,
    ...(run.scenario === 'kill' ? { killAtWrite: run.killAt, killBeforeForward: run.killBeforeForward, killed } : {}),
    changes: { flips: run.flips.length, grants: run.grants.length, deletes: run.remove.length, creates: run.create },
    exits: results.map((r) => (r.signal ? `signal ${r.signal}` : r.status)),
    ms: Math.round(results.reduce((n, r) => n + r.ms, 0)),
    outcome: first?.status === 0 ? 'completed' : first?.signal ? 'killed' : 'failed with a report',
    ...(first !== undefined && first.status !== 0 && !first.signal ? { report: reportLine(first) } : {}),
    violations: problems,
  };
}

/** Another administrator's edit, straight to Graph (the emulator accepts any bearer token). */
async function graphPatch(url, id, body) {
  const r = await fetch(`${url}/v1.0/identity/conditionalAccess/policies/${id}`, {
    method: 'PATCH', headers: { Authorization: 'Bearer other-admin', 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  if (r.status !== 204 && r.status !== 200) throw new Error(`the outsider's PATCH failed: ${r.status} ${await r.text()}`);
}

async function main() {
  assertBundle();
  const started = Date.now();
  const work = tempDir('caac-soak-');
  const tenant = generateTenant({ policies: options.policies, references: options.references, seed: 7 });
  const seedFile = join(work, 'tenant.json');
  writeJson(seedFile, tenant);
  const emulator = await startEmulator(['--seed', seedFile]);
  const baseRepo = join(work, 'base');
  const b = await runCli(['backup', '-o', baseRepo, '--graph-url', emulator.url], { cwd: work });
  if (b.status !== 0) throw new Error(`backup of the soak tenant failed:\n${b.stderr}`);
  writeFileSync(join(baseRepo, 'caac.yml'), 'emergencyAccess:\n  groups: ["group:CA-BreakGlass"]\n');
  const ctx = { emulator, tenant, baseRepo, work };
  const seeds = options.seed !== undefined ? [options.seed] : Array.from({ length: options.runs }, (_, i) => options.first + i);
  const rows = [];
  try {
    for (const seed of seeds) {
      if (options.seed === undefined && (Date.now() - started) / 1000 > options.seconds) break;
      let row;
      try {
        row = await soakOne(ctx, seed);
      } catch (e) {
        row = { seed, scenario: scenarioFor(seed, tenant).scenario, violations: [`harness: ${e instanceof Error ? e.message : e}`], exits: [], ms: 0, outcome: 'harness error' };
      }
      rows.push(row);
      const mark = row.violations.length === 0 ? 'ok ' : 'VIOLATION';
      console.log(`seed ${String(seed).padStart(4)}  ${row.scenario.padEnd(11)} ${mark}  exits ${row.exits.join('/')}  ${row.outcome}  ${(row.ms / 1000).toFixed(1)} s${row.faults ? `  faults ${row.faults}` : ''}${row.listLagMs ? `  lag ${row.listLagMs} ms` : ''}`);
      if (row.report) console.log(`      report: ${row.report}`);
      for (const v of row.violations) console.log(`      - ${v}`);
    }
  } finally {
    await emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const byScenario = {};
  for (const r of rows) {
    const s = (byScenario[r.scenario] ??= { runs: 0, completed: 0, failedWithReport: 0, killed: 0, violations: 0 });
    s.runs += 1;
    if (r.outcome === 'completed') s.completed += 1;
    else if (r.outcome === 'killed') s.killed += 1;
    else s.failedWithReport += 1;
    if (r.violations.length > 0) s.violations += 1;
  }
  const violating = rows.filter((r) => r.violations.length > 0);
  console.log('\nscenario      runs  completed  failed+report  killed  violations');
  for (const [k, s] of Object.entries(byScenario)) console.log(`${k.padEnd(12)} ${String(s.runs).padStart(5)} ${String(s.completed).padStart(10)} ${String(s.failedWithReport).padStart(14)} ${String(s.killed).padStart(7)} ${String(s.violations).padStart(11)}`);
  console.log(`\n${rows.length} runs in ${Math.round((Date.now() - started) / 1000)} s, ${violating.length} with violations${violating.length ? `: seeds ${violating.map((r) => r.seed).join(', ')} (replay: npm run soak -- --seed N)` : ''}`);
  if (options.seed === undefined || options.out !== 'bench/soak.json') {
    writeJson(options.out, {
      generatedAt: new Date().toISOString(), node: process.version, seconds: Math.round((Date.now() - started) / 1000),
      tenant: { policies: options.policies, references: options.references },
      runs: rows.length, violations: violating.length, byScenario, rows,
    });
    console.log(`wrote ${options.out}`);
  }
  process.exit(violating.length > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(2);
});
