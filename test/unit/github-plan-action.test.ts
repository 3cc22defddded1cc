/**
 * actions/plan/action.yml, run step by step the way the runner does (test/e2e/runner.ts), with a
 * stand-in `node` on PATH that records the INPUT_* variables each step receives and writes the
 * outputs the plan command sets: checks the wiring, not the bundle.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { readAction, runCompositeAction } from '../e2e/runner.js';

const ACTION = resolve('actions/plan/action.yml');
const WORKFLOW = resolve('examples/workflows/plan.yml');

let bin: string;
beforeAll(() => {
  bin = mkdtempSync(join(tmpdir(), 'caac-fake-node-'));
  // `node -p …` and `node --version` answer like Node 22; `node script` records its INPUT_* env.
  writeFileSync(
    join(bin, 'node'),
    [
      '#!/bin/bash',
      'if [ "$1" = "-p" ]; then echo 22; exit 0; fi',
      'if [ "$1" = "--version" ]; then echo v22.0.0; exit 0; fi',
      'env | grep "^INPUT_" | sort > "$RUNNER_TEMP/inputs-$INPUT_COMMAND"',
      'echo "ran $1 $INPUT_COMMAND"',
      'if [ "$INPUT_COMMAND" = "plan" ]; then',
      '  { echo "has-changes=true"; echo "create=1"; echo "update=2"; echo "delete=0"; echo "plan-file=$RUNNER_TEMP/caac-plan.json"; echo "comment-url=https://github.com/o/r/pull/1#issuecomment-9"; } >> "$GITHUB_OUTPUT"',
      'fi',
      'if [ "$INPUT_COMMAND" = "validate" ] && [ -n "$FAIL_VALIDATE" ]; then exit 1; fi',
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'node'), 0o755);
});
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function recorded(workDirOf: string, command: string): Record<string, string> {
  const text = readFileSync(join(workDirOf, `inputs-${command}`), 'utf8');
  return Object.fromEntries(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('actions/plan (composite)', () => {
  const meta = parse(readFileSync(ACTION, 'utf8')) as {
    inputs?: Record<string, { default?: string }>;
    runs: { using: string; steps: { id?: string; uses?: string; with?: Record<string, string>; if?: string; run?: string }[] };
  };

  test('inputs and defaults', () => {
    expect(Object.keys(meta.inputs ?? {})).toEqual(['dir', 'github-token', 'tenant-id', 'client-id', 'auth', 'cloud', 'graph-url', 'environment', 'api-version', 'prune', 'comment', 'artifact-name']);
    expect(meta.inputs?.['dir']?.default).toBe('conditional-access');
    expect(meta.inputs?.['github-token']?.default).toBe('${{ github.token }}');
    expect(meta.inputs?.['cloud']?.default).toBe('global');
    expect(meta.inputs?.['api-version']?.default).toBe('v1.0');
    expect(meta.inputs?.['prune']?.default).toBe('false');
    expect(meta.inputs?.['comment']?.default).toBe('true');
    expect(meta.inputs?.['artifact-name']?.default).toBe('caac-plan');
  });

  test('steps: check node, validate, plan, upload the plan file; no expression inlined in run:', () => {
    expect(meta.runs.using).toBe('composite');
    expect(meta.runs.steps.map((s) => s.id ?? s.uses ?? 'check')).toEqual(['check', 'validate', 'plan', 'upload']);
    for (const step of meta.runs.steps) expect(step.run ?? '').not.toMatch(/\$\{\{/);
    const upload = meta.runs.steps.find((s) => s.id === 'upload')!;
    expect(upload.uses).toMatch(/^actions\/upload-artifact@[0-9a-f]{40}$/);
    expect(upload.with).toMatchObject({ name: '${{ inputs.artifact-name }}', path: '${{ steps.plan.outputs.plan-file }}' });
    // The Node check is the validate action's, word for word.
    const validateCheck = (readAction(resolve('actions/validate/action.yml')).runs.steps ?? [])[0]!.run;
    expect(meta.runs.steps[0]!.run).toBe(validateCheck);
  });

  test('every input reaches the plan step through env, and the outputs map from it', () => {
    const inputs = {
      dir: 'tenants/prod',
      'tenant-id': '9e3c2a10-5d4f-4b7e-8a21-0c6f1d2e3b4a',
      'client-id': 'c1c1c1c1-0000-4000-8000-000000000001',
      auth: 'oidc',
      'graph-url': 'http://127.0.0.1:9999',
      environment: 'prod',
      'api-version': 'beta',
      prune: 'true',
      comment: 'false',
      'artifact-name': 'plan-prod',
    };
    const r = runCompositeAction(ACTION, inputs, { cwd: bin, githubToken: 'ghs_tok', path: `${bin}:/usr/bin:/bin` });
    expect(r.status).toBe(0);
    const work = r.outputs['plan-file']!.replace(/\/caac-plan\.json$/, '');
    expect(recorded(work, 'validate')).toEqual({ INPUT_COMMAND: 'validate', INPUT_DIR: 'tenants/prod', INPUT_GITHUB_TOKEN: 'ghs_tok' });
    expect(recorded(work, 'plan')).toEqual({
      INPUT_COMMAND: 'plan',
      INPUT_DIR: 'tenants/prod',
      INPUT_GITHUB_TOKEN: 'ghs_tok',
      INPUT_TENANT_ID: inputs['tenant-id'],
      INPUT_CLIENT_ID: inputs['client-id'],
      INPUT_AUTH: 'oidc',
      INPUT_CLOUD: 'global',
      INPUT_GRAPH_URL: 'http://127.0.0.1:9999',
      INPUT_ENVIRONMENT: 'prod',
      INPUT_API_VERSION: 'beta',
      INPUT_PRUNE: 'true',
      INPUT_COMMENT: 'false',
      INPUT_ARTIFACT_NAME: 'plan-prod',
    });
    expect(r.outputs).toMatchObject({
      'has-changes': 'true',
      create: '1',
      update: '2',
      delete: '0',
      'comment-url': 'https://github.com/o/r/pull/1#issuecomment-9',
    });
    expect(r.outputs['plan-file']).toMatch(/caac-plan\.json$/);
  });

  test('a validation failure stops before the plan', () => {
    const r = runCompositeAction(ACTION, {}, { cwd: bin, path: `${bin}:/usr/bin:/bin`, env: { FAIL_VALIDATE: '1' } });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('ran');
    expect(r.steps['plan']).toBeUndefined();
  });
});

describe('examples/workflows/plan.yml', () => {
  const wf = parse(readFileSync(WORKFLOW, 'utf8')) as {
    on: { pull_request: { paths: string[] } };
    permissions: Record<string, string>;
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
  };

  test('runs on pull requests that touch the policies, with the least permissions', () => {
    expect(wf.on.pull_request.paths).toEqual(['conditional-access/**']);
    expect(wf.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', 'id-token': 'write' });
    const text = readFileSync(WORKFLOW, 'utf8');
    for (const p of ['contents: read', 'pull-requests: write', 'id-token: write']) expect(text).toMatch(new RegExp(`${p}\\s+#`));
  });

  test('checks out, then uses the plan action with ids from repository variables', () => {
    const steps = Object.values(wf.jobs)[0]!.steps;
    expect(steps[0]!.uses).toMatch(/^actions\/checkout@[0-9a-f]{40}$/);
    const plan = steps.find((s) => s.uses?.includes('/actions/plan@'))!;
    expect(plan.uses).toBe('conditional-access-as-code/caac/actions/plan@v0');
    expect(plan.with).toMatchObject({ 'tenant-id': '${{ vars.CAAC_TENANT_ID }}', 'client-id': '${{ vars.CAAC_CLIENT_ID }}' });
  });
});
