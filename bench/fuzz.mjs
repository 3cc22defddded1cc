/* global structuredClone */
// `npm run fuzz`: mutated documents from the examples and the test fixtures, written into a copy
// of the example repository and checked by `caac validate --format json` (the bundled CLI, a child
// process, as users run it; 25 documents a run, and any case in doubt run again alone). A run is a violation when validate
//   crashes  — an exit code other than 0, 1 or 2 (the codes it documents), or a stack trace;
//   hangs    — no answer within the per-run timeout;
//   accepts  — a document the JSON schemas in schemas/ reject (checked here, independently, with
//              ajv) without an error finding for that file.
// Seeded: run N's document and mutations come from seed N alone, so `npm run fuzz -- --seed N`
// replays it. Writes bench/fuzz.json; exits 1 on any violation.
// Options: --runs N --seconds S --seed N --first N --jobs J --out file.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { assertBundle, CLI, parseArgs, rng, runCli, tempDir, writeJson } from './harness.mjs';

const options = parseArgs(process.argv.slice(2), { runs: 400, seconds: 300, seed: undefined, first: 1, jobs: 2, out: 'bench/fuzz.json', timeout: 20 });
/** Documents per validate run (each checked against its own file's findings). */
const BATCH = 25;
const EXAMPLES = resolve('examples/conditional-access');
const SOURCES = [EXAMPLES, resolve('test/fixtures/corpus')];
const KIND_BY_FOLDER = { policies: 'policy', 'named-locations': 'named-location', 'authentication-strengths': 'authentication-strength' };

const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
const schemas = Object.fromEntries(
  ['policy', 'named-location', 'authentication-strength', 'settings'].map((k) => [k, ajv.compile(JSON.parse(readFileSync(`schemas/${k}.schema.json`, 'utf8')))]),
);

/** Reads a document as caac does: UTF-8 or UTF-16 with a BOM; undefined when it is not JSON. */
function parseDocument(path) {
  const buf = readFileSync(path);
  let text = buf[0] === 0xff && buf[1] === 0xfe ? buf.subarray(2).toString('utf16le') : buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Every seed document the schemas accept as it is (a mutation should be the only fault). */
function corpus() {
  const docs = [];
  for (const root of SOURCES) {
    for (const folder of Object.keys(KIND_BY_FOLDER)) {
      const folderPath = join(root, folder);
      if (!existsSync(folderPath)) continue;
      const files = readdirSync(folderPath);
      for (const f of files.sort()) {
        const doc = parseDocument(join(root, folder, f));
        const kind = KIND_BY_FOLDER[folder];
        if (doc !== undefined && schemas[kind](doc)) docs.push({ kind, folder, source: relative(process.cwd(), join(root, folder, f)), doc });
      }
    }
  }
  docs.push({ kind: 'settings', folder: '.', source: relative(process.cwd(), join(EXAMPLES, 'caac.yml')), doc: YAML.parse(readFileSync(join(EXAMPLES, 'caac.yml'), 'utf8')) });
  return docs;
}

const ODD_VALUES = [
  null, true, false, 0, -1, 1.5, 1e308, -0, '', ' ', 'All', 'None', 'enabled', 'x'.repeat(5000), '\u0000', '\u202e', '💥', '<script>',
  'group:', 'group:Nobody', 'user:', 'role:Global Administrator', 'location:', '00000000-0000-0000-0000-000000000000', 'not-a-guid',
  [], [null], [''], ['All', 'All'], {}, { '': 1 }, { __proto__: null, x: 1 }, [[[]]],
];
const ODD_KEYS = ['', ' ', '__proto__', 'constructor', 'prototype', '@odata.type', 'id', 'x-unknown', 'displayname', 'State', '💥'];

/** Every path (array of keys) to a value in the document. */
function paths(value, prefix = [], out = []) {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function getAt(doc, path) {
  return path.reduce((v, k) => v?.[k], doc);
}

/** One mutation, applied in place to `holder` (a `{ doc }` box, so the root can be replaced); returns its description. */
function mutate(holder, random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const all = paths(holder.doc);
  const path = pick(all);
  const parent = path.length === 0 ? holder : getAt(holder.doc, path.slice(0, -1));
  const key = path.length === 0 ? 'doc' : path[path.length - 1];
  const where = path.length === 0 ? '(root)' : path.join('.');
  const op = pick(['delete', 'replace', 'replace', 'addKey', 'duplicate', 'wrap', 'stringify', 'deepen', 'emptyContainer']);
  const value = parent[key];
  switch (op) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key, 1);
      else if (path.length > 0) delete parent[key];
      else holder.doc = {};
      return `delete ${where}`;
    case 'replace': {
      const v = structuredClone(pick(ODD_VALUES));
      parent[key] = v;
      return `replace ${where} with ${JSON.stringify(v)?.slice(0, 40)}`;
    }
    case 'addKey': {
      const target = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : holder.doc;
      if (typeof target !== 'object' || target === null || Array.isArray(target)) return 'addKey (no object)';
      const k = pick(ODD_KEYS);
      const v = structuredClone(pick(ODD_VALUES));
      Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
      return `add key ${JSON.stringify(k)} = ${JSON.stringify(v)?.slice(0, 40)} at ${target === value ? where : '(root)'}`;
    }
    case 'duplicate':
      if (Array.isArray(value) && value.length > 0) {
        value.push(structuredClone(value[0]));
        return `duplicate first item of ${where}`;
      }
      parent[key] = [structuredClone(value), structuredClone(value)];
      return `array of two copies at ${where}`;
    case 'wrap':
      parent[key] = { value };
      return `wrap ${where} in an object`;
    case 'stringify':
      parent[key] = JSON.stringify(value) ?? 'undefined';
      return `stringify ${where}`;
    case 'deepen': {
      let v = 'deep';
      for (let i = 0; i < 200; i++) v = { a: v };
      parent[key] = v;
      return `200-deep object at ${where}`;
    }
    default:
      parent[key] = Array.isArray(value) ? [] : {};
      return `empty ${Array.isArray(value) ? 'array' : 'object'} at ${where}`;
  }
}

/** The case for a seed: which document, which mutations, and whether the text is then cut short. */
function caseFor(seed, docs) {
  const random = rng(seed * 2654435761);
  const base = docs[Math.floor(random() * docs.length)];
  const holder = { doc: structuredClone(base.doc) };
  const mutations = [];
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) mutations.push(mutate(holder, random));
  let text = base.kind === 'settings' ? YAML.stringify(holder.doc ?? null) : JSON.stringify(holder.doc, null, 2);
  // Now and then the text itself breaks: cut short, or a stray byte.
  const r = random();
  if (r < 0.05) {
    text = text.slice(0, Math.floor(random() * text.length));
    mutations.push('truncate text');
  } else if (r < 0.08) {
    const at = Math.floor(random() * text.length);
    text = `${text.slice(0, at)}${String.fromCharCode(Math.floor(random() * 0x3000))}${text.slice(at)}`;
    mutations.push(`insert a character at ${at}`);
  }
  return { seed, base, text, mutations };
}

/** Does the schema (ajv, here) reject the text as caac would read it? Unparsable text counts as rejected. */
function schemaRejects(kind, text) {
  let value;
  try {
    value = kind === 'settings' ? YAML.parse(text) : JSON.parse(text);
  } catch {
    return 'does not parse';
  }
  return schemas[kind](value) ? undefined : ajv.errorsText(schemas[kind].errors).slice(0, 300);
}

const CRASH = /\n\s+at .+:\d+:\d+\)?\n/;

/** A copy of the example repository with the cases' documents written in; returns where each went. */
function writeRepo(cases) {
  const root = tempDir('caac-fuzz-');
  const repo = join(root, 'conditional-access');
  cpSync(EXAMPLES, repo, { recursive: true });
  const files = cases.map((c) => {
    const file = c.base.kind === 'settings' ? join(repo, 'caac.yml') : join(repo, c.base.folder, `fuzz-${c.seed}.json`);
    mkdirSync(join(repo, c.base.folder), { recursive: true });
    writeFileSync(file, c.text);
    return file;
  });
  return { root, files };
}

/** Crash and hang checks of one validate process. */
function processViolations(r) {
  const violations = [];
  if (r.timedOut) violations.push(`hang: no answer in ${options.timeout} s`);
  else if (![0, 1, 2].includes(r.status)) violations.push(`crash: exit ${r.status}${r.signal ? ` (signal ${r.signal})` : ''}`);
  if (CRASH.test(r.stderr) || CRASH.test(r.stdout)) violations.push(`crash: stack trace: ${r.stderr.split('\n').find((l) => /Error/.test(l)) ?? r.stderr.slice(0, 200)}`);
  return violations;
}

/**
 * Findings of the report for one file, by severity; duplicate-name is left out (it comes from the
 * other documents of a batch). A warning counts as a finding: caac reads some schema breaks
 * leniently on purpose and says so (enum casing, server-managed fields it drops).
 */
function findingsFor(report, file) {
  const mine = report.findings.filter((f) => f.rule !== 'duplicate-name' && String(f.file ?? '').endsWith(basename(file)));
  return { errors: mine.filter((f) => f.severity === 'error').length, all: mine.length };
}

const row = (c, rejected, exit, ms, violations, mode) => ({
  seed: c.seed, source: c.base.source, kind: c.base.kind, mutations: c.mutations, schema: rejected === undefined ? 'valid' : 'invalid', exit, ms: Math.round(ms), mode, violations,
});

/** One case alone in a repository: the authoritative verdict. */
async function fuzzOne(c) {
  const { root, files } = writeRepo([c]);
  const rejected = schemaRejects(c.base.kind, c.text);
  const r = await runCli(['validate', '--format', 'json'], { cwd: root, timeoutMs: options.timeout * 1000, rss: false });
  const violations = processViolations(r);
  let found = { errors: 0, all: 0 };
  if (r.status === 0 || r.status === 1) {
    try {
      found = findingsFor(JSON.parse(r.stdout), files[0]);
    } catch {
      violations.push('validate --format json printed no JSON report');
    }
  }
  // exit 2 is a settings (or usage) error: for caac.yml, that is the finding.
  const reported = found.all > 0 || (c.base.kind === 'settings' && r.status !== 0);
  if (rejected !== undefined && !reported && !r.timedOut) violations.push(`accepted a document the schema rejects (${rejected}); exit ${r.status}`);
  rmSync(root, { recursive: true, force: true });
  return { ...row(c, rejected, r.status, r.ms, violations, 'alone'), warningsOnly: rejected !== undefined && found.errors === 0 && found.all > 0 };
}

/**
 * Documents (not caac.yml) go BATCH to a repository and one validate run, for speed; any case the
 * batch leaves in doubt (a crash or hang of the run, or a schema-invalid document without an
 * error for its file) is run again alone, and that run decides.
 */
async function fuzzBatch(seeds, docs) {
  const cases = seeds.map((seed) => caseFor(seed, docs));
  const alone = cases.filter((c) => c.base.kind === 'settings');
  const batch = cases.filter((c) => c.base.kind !== 'settings');
  const rows = [];
  if (batch.length > 0) {
    const { root, files } = writeRepo(batch);
    const r = await runCli(['validate', '--format', 'json'], { cwd: root, timeoutMs: options.timeout * 1000, rss: false });
    rmSync(root, { recursive: true, force: true });
    let report;
    try {
      if (processViolations(r).length === 0) report = JSON.parse(r.stdout);
    } catch {
      report = undefined;
    }
    batch.forEach((c, i) => {
      const rejected = schemaRejects(c.base.kind, c.text);
      const found = report === undefined ? undefined : findingsFor(report, files[i]);
      if (found === undefined || (rejected !== undefined && found.errors === 0)) alone.push(c);
      else rows.push(row(c, rejected, r.status, r.ms / batch.length, [], 'batch'));
    });
  }
  for (const c of alone) rows.push(await fuzzOne(c));
  return rows;
}

async function main() {
  assertBundle();
  const started = Date.now();
  const docs = corpus();
  const seeds = options.seed !== undefined ? [options.seed] : Array.from({ length: options.runs }, (_, i) => options.first + i);
  const rows = [];
  let next = 0;
  const worker = async () => {
    while (next < seeds.length) {
      if (options.seed === undefined && (Date.now() - started) / 1000 > options.seconds) return;
      const chunk = seeds.slice(next, next + BATCH);
      next += chunk.length;
      const results = options.seed !== undefined ? [await fuzzOne(caseFor(options.seed, docs))] : await fuzzBatch(chunk, docs);
      for (const row of results) {
        rows.push(row);
        if (row.violations.length > 0 || options.seed !== undefined) {
          console.log(`seed ${row.seed}  ${row.source}  [${row.mutations.join('; ')}]  schema ${row.schema}, exit ${row.exit}`);
          for (const v of row.violations) console.log(`    - ${v}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, worker));
  rows.sort((a, b) => a.seed - b.seed);
  const violating = rows.filter((r) => r.violations.length > 0);
  const summary = {
    runs: rows.length,
    schemaInvalid: rows.filter((r) => r.schema === 'invalid').length,
    exits: rows.reduce((m, r) => ({ ...m, [String(r.exit)]: (m[String(r.exit)] ?? 0) + 1 }), {}),
    acceptedWithWarningsOnly: rows.filter((r) => r.warningsOnly).length,
    violations: violating.length,
  };
  console.log(`\nfuzz: ${summary.runs} runs (${docs.length} seed documents) in ${Math.round((Date.now() - started) / 1000)} s: ${summary.schemaInvalid} schema-invalid (${summary.acceptedWithWarningsOnly} with warnings only), exits ${JSON.stringify(summary.exits)}, ${summary.violations} violations${violating.length ? ` (seeds ${violating.map((r) => r.seed).join(', ')}; replay: npm run fuzz -- --seed N)` : ''}`);
  if (options.seed === undefined) {
    writeJson(options.out, {
      generatedAt: new Date().toISOString(), node: process.version, mode: `the CLI as a child process (node ${relative(process.cwd(), CLI)} validate --format json), ${BATCH} documents a run; a case in doubt is run again alone and that run decides`,
      seconds: Math.round((Date.now() - started) / 1000), seedDocuments: docs.map((d) => d.source), ...summary,
      violating, warningsOnly: rows.filter((r) => r.warningsOnly).map((r) => ({ seed: r.seed, source: r.source, mutations: r.mutations })).slice(0, 50), sample: rows.slice(0, 20),
    });
    console.log(`wrote ${options.out}`);
  }
  process.exit(violating.length > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(2);
});
