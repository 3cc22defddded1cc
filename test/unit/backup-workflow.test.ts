import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

describe('actions/backup/action.yml', () => {
  const action = parse(readFileSync(resolve('actions/backup/action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: Step[] };
  };

  test('a composite action that checks Node and passes every input through env:, never inline in run:', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps[0]!.run).toContain('process.versions.node');
    const step = action.runs.steps.find((s) => s.id === 'backup')!;
    expect(step.run).toBe('node "$GITHUB_ACTION_PATH/../../dist/action.js"');
    expect(step.env!['INPUT_COMMAND']).toBe('backup');
    for (const name of Object.keys(action.inputs)) {
      expect(step.env![`INPUT_${name.toUpperCase().replace(/-/g, '_')}`]).toBe(`\${{ inputs.${name} }}`);
    }
    for (const s of action.runs.steps) expect(s.run ?? '').not.toMatch(/\$\{\{/);
    expect(Object.keys(action.inputs).sort()).toEqual(['api-version', 'auth', 'client-id', 'cloud', 'environment', 'github-token', 'graph-url', 'ids', 'out', 'tenant-id']);
    expect(action.inputs['out']!.default).toBe('conditional-access');
  });

  test('outputs map to the backup step', () => {
    expect(action.outputs).toEqual({
      changed: expect.objectContaining({ value: '${{ steps.backup.outputs.changed }}' }),
      summary: expect.objectContaining({ value: '${{ steps.backup.outputs.summary }}' }),
      out: expect.objectContaining({ value: '${{ steps.backup.outputs.out }}' }),
    });
  });
});

describe('examples/workflows/backup.yml', () => {
  const text = readFileSync(resolve('examples/workflows/backup.yml'), 'utf8');
  const wf = parse(text) as {
    on: Record<string, unknown>;
    jobs: Record<string, { if?: string; permissions: Record<string, string>; steps: Step[] }>;
  };

  test('runs nightly and on demand', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
  });

  test('the pull request job: least permissions, backup action, then commit and gh pr create/edit with inputs through env:', () => {
    const job = wf.jobs['backup']!;
    expect(job.permissions).toEqual({ contents: 'write', 'pull-requests': 'write', 'id-token': 'write' });
    const backup = job.steps.find((s) => s.uses?.includes('/actions/backup@'))!;
    expect(backup.with).toMatchObject({ out: 'conditional-access', auth: 'oidc' });
    const commit = job.steps[job.steps.length - 1]!;
    expect(commit.if).toBe("steps.backup.outputs.changed == 'true'");
    expect(commit.run).not.toMatch(/\$\{\{/);
    expect(commit.run).toContain('gh pr create');
    expect(commit.run).toContain('gh pr edit');
    expect(commit.run).toContain('caac/backup');
    expect(commit.env!['SUMMARY']).toBe('${{ steps.backup.outputs.summary }}');
  });

  test('the artifact alternative commits nothing', () => {
    const job = wf.jobs['backup-artifact']!;
    expect(job.permissions['contents']).toBe('read');
    expect(job.steps.some((s) => s.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
    expect(job.steps.every((s) => !(s.run ?? '').includes('git push'))).toBe(true);
  });
});
