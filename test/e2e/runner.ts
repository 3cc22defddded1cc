/**
 * Runs our actions the way a GitHub runner does: a JavaScript action as `node dist/action.js`
 * with INPUT_* variables and the GITHUB_* files; a composite action step by step with bash,
 * its `${{ … }}` expressions evaluated in `env:` (never in `run:`, which the tests forbid).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

export const REPO_ROOT = resolve(process.cwd());

export interface StepResult {
  status: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Parses the GITHUB_OUTPUT file format (`name<<delimiter` blocks and `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      outputs[name!] = value.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

export function runJavaScriptAction(script: string, env: Record<string, string>, cwd: string): StepResult {
  const work = mkdtempSync(join(tmpdir(), 'caac-runner-'));
  const outputFile = join(work, 'output');
  const summaryFile = join(work, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const child = spawnSync(process.execPath, [script], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, RUNNER_TEMP: work, ...env },
  });
  return {
    status: child.status ?? -1,
    stdout: child.stdout,
    stderr: child.stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
  };
}

interface CompositeStep {
  id?: string;
  name?: string;
  shell?: string;
  env?: Record<string, string>;
  run?: string;
  uses?: string;
}

interface ActionMetadata {
  inputs?: Record<string, { default?: string; required?: boolean }>;
  outputs?: Record<string, { value?: string }>;
  runs: { using: string; steps?: CompositeStep[] };
}

export function readAction(path: string): ActionMetadata {
  return parse(readFileSync(path, 'utf8')) as ActionMetadata;
}

export interface CompositeResult {
  status: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  steps: Record<string, StepResult>;
}

/**
 * Runs the `run:` steps of a composite action. `uses:` steps (other actions, such as
 * upload-artifact) are skipped unless `usesHandler` handles them.
 */
export function runCompositeAction(
  actionYml: string,
  inputs: Record<string, string>,
  options: { cwd: string; env?: Record<string, string>; githubToken?: string; path?: string },
): CompositeResult {
  const meta = readAction(actionYml);
  const actionPath = dirname(resolve(actionYml));
  const work = mkdtempSync(join(tmpdir(), 'caac-composite-'));
  const summaryFile = join(work, 'summary');
  writeFileSync(summaryFile, '');
  const resolvedInputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(meta.inputs ?? {})) {
    resolvedInputs[name] = inputs[name] ?? (spec.default === '${{ github.token }}' ? (options.githubToken ?? '') : (spec.default ?? ''));
  }
  const stepOutputs: Record<string, Record<string, string>> = {};
  const evaluate = (text: string): string =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
      const input = /^inputs\.([\w-]+)$/.exec(expr);
      if (input) return resolvedInputs[input[1]!] ?? '';
      const out = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
      if (out) return stepOutputs[out[1]!]?.[out[2]!] ?? '';
      if (expr === 'github.token') return options.githubToken ?? '';
      throw new Error(`the test runner cannot evaluate \${{ ${expr} }}`);
    });
  let stdout = '';
  const steps: Record<string, StepResult> = {};
  let status = 0;
  for (const [index, step] of (meta.runs.steps ?? []).entries()) {
    if (step.uses || !step.run) continue;
    if (/\$\{\{/.test(step.run)) throw new Error(`step ${step.name ?? index} inlines an expression in run: (pass it through env:)`);
    const outputFile = join(work, `output-${index}`);
    writeFileSync(outputFile, '');
    const env: Record<string, string> = {
      PATH: options.path ?? process.env['PATH'] ?? '',
      GITHUB_ACTION_PATH: actionPath,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: work,
      ...options.env,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = evaluate(String(v));
    const child = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], { cwd: options.cwd, env, encoding: 'utf8' });
    const result: StepResult = {
      status: child.status ?? -1,
      stdout: child.stdout,
      stderr: child.stderr,
      outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
      summary: '',
    };
    stdout += child.stdout + child.stderr;
    if (step.id) {
      stepOutputs[step.id] = result.outputs;
      steps[step.id] = result;
    }
    if (result.status !== 0) {
      status = result.status;
      break;
    }
  }
  const outputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(meta.outputs ?? {})) outputs[name] = spec.value ? evaluate(spec.value) : '';
  return { status, stdout, outputs, summary: readFileSync(summaryFile, 'utf8'), steps };
}
