/**
 * The YAML templates users copy (examples/azure-pipelines/): every caac task they use exists at
 * that major version and gets only inputs its task.json declares, its required ones included;
 * every change to a tenant runs in a deployment job behind an Azure Pipelines environment.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

interface TaskMeta {
  name: string;
  version: { Major: number };
  inputs: { name: string; aliases?: string[]; required?: boolean; defaultValue?: string }[];
}

const TASKS = new Map<string, TaskMeta>(
  readdirSync(resolve('azure-pipelines/tasks')).map((name) => [name, JSON.parse(readFileSync(resolve('azure-pipelines/tasks', name, 'task.json'), 'utf8')) as TaskMeta]),
);
const DIR = resolve('examples/azure-pipelines');
const FILES = [...readdirSync(DIR).filter((f) => f.endsWith('.yml')), ...readdirSync(join(DIR, 'templates')).map((f) => join('templates', f))];

type Node = unknown;
/** Every step with `task:` in a parsed pipeline, with the chain of its enclosing objects. */
function steps(node: Node, parents: Record<string, unknown>[] = []): { step: Record<string, unknown>; parents: Record<string, unknown>[] }[] {
  if (Array.isArray(node)) return node.flatMap((n) => steps(n, parents));
  if (typeof node !== 'object' || node === null) return [];
  const obj = node as Record<string, unknown>;
  const here = typeof obj['task'] === 'string' ? [{ step: obj, parents }] : [];
  return [...here, ...Object.values(obj).flatMap((v) => steps(v, [...parents, obj]))];
}

const WRITES = new Set(['CaacApply', 'CaacContingency']);

test.each(FILES)('%s uses the caac tasks as task.json declares them', (file) => {
  const found = steps(parse(readFileSync(join(DIR, file), 'utf8')));
  for (const { step, parents } of found) {
    const m = /^(Caac\w+)@(\d+)$/.exec(String(step['task']));
    if (!m) continue;
    const meta = TASKS.get(m[1]!);
    expect(meta).toBeDefined();
    expect(Number(m[2])).toBe(meta!.version.Major);
    const inputs = (step['inputs'] ?? {}) as Record<string, unknown>;
    const known = new Set(meta!.inputs.flatMap((i) => [i.name, ...(i.aliases ?? [])]));
    for (const name of Object.keys(inputs)) expect(known).toContain(name);
    for (const required of meta!.inputs.filter((i) => i.required && i.defaultValue === undefined)) expect(Object.keys(inputs)).toContain(required.name);
    if (WRITES.has(m[1]!)) expect(parents.some((p) => typeof p['deployment'] === 'string' && typeof p['environment'] === 'string')).toBe(true);
  }
});

test('the templates cover pull requests, apply per environment, nightly backup and hourly drift', () => {
  const all = FILES.map((f) => readFileSync(join(DIR, f), 'utf8')).join('\n');
  for (const task of ['CaacValidate@1', 'CaacPlan@1', 'CaacApply@1', 'CaacBackup@1', 'CaacDrift@1', 'CaacContingency@1']) expect(all).toContain(`task: ${task}`);
  expect(readFileSync(join(DIR, 'backup.yml'), 'utf8')).toMatch(/cron: '0 2 \* \* \*'/);
  expect(readFileSync(join(DIR, 'drift.yml'), 'utf8')).toMatch(/cron: '0 \* \* \* \*'/);
});
