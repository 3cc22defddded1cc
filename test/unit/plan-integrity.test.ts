/**
 * The pure parts of apply's plan check: the documents' digest, the commit read from .git without
 * git, and the comparison of a plan file with the plan made again.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan, PlanOperation } from '../../src/model/plan.js';
import { planDifferences } from '../../src/plan/compare-plans.js';
import { documentsDigest } from '../../src/plan/documents-digest.js';
import { gitCommitOf } from '../../src/repo/git-commit.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { basePolicy, removeTempDirs, tempDir, writeRepo } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

describe('documentsDigest', () => {
  const digestOf = (files: Record<string, string | object>, root = 'conditional-access') => {
    const cwd = writeRepo(files);
    return documentsDigest(filePolicyStore(root, { cwd }).load());
  };
  const repo = { 'policies/a.json': basePolicy(), 'caac.yml': 'emergencyAccess:\n  groups: ["group:Break Glass"]\n' };

  test('the same documents give the same digest, wherever the folder lies, however the file is formatted', () => {
    const a = digestOf(repo);
    expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(a.files)).toEqual(['caac.yml', 'policies/a.json']);
    expect(a.documents).toBe(1);
    expect(digestOf({ ...repo, 'policies/a.json': JSON.stringify(basePolicy()) }).digest).toBe(a.digest);
    const cwd = writeRepo(repo);
    expect(documentsDigest(filePolicyStore(join(cwd, 'conditional-access'), { cwd: tempDir() }).load()).digest).toBe(a.digest);
  });

  test('a changed value, a renamed or added file, or another caac.yml changes it', () => {
    const a = digestOf(repo).digest;
    expect(digestOf({ ...repo, 'policies/a.json': basePolicy({ state: 'enabled' }) }).digest).not.toBe(a);
    expect(digestOf({ 'policies/b.json': basePolicy(), 'caac.yml': repo['caac.yml'] }).digest).not.toBe(a);
    expect(digestOf({ ...repo, 'policies/b.json': basePolicy({ displayName: 'B' }) }).digest).not.toBe(a);
    expect(digestOf({ 'policies/a.json': basePolicy() }).digest).not.toBe(a);
  });
});

describe('gitCommitOf', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  test('a branch (loose ref, then packed-refs), a detached HEAD, a linked worktree; none outside a work tree', () => {
    const root = tempDir();
    mkdirSync(join(root, '.git', 'refs', 'heads'), { recursive: true });
    mkdirSync(join(root, 'ca', 'policies'), { recursive: true });
    writeFileSync(join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(root, '.git', 'packed-refs'), `# pack-refs with: peeled\n${B} refs/heads/main\n`);
    expect(gitCommitOf(join(root, 'ca'))).toBe(B);
    writeFileSync(join(root, '.git', 'refs', 'heads', 'main'), `${A}\n`);
    expect(gitCommitOf(join(root, 'ca', 'policies'))).toBe(A);
    writeFileSync(join(root, '.git', 'HEAD'), `${B}\n`);
    expect(gitCommitOf(join(root, 'ca'))).toBe(B);

    const linked = tempDir();
    mkdirSync(join(root, '.git', 'worktrees', 'w'), { recursive: true });
    writeFileSync(join(root, '.git', 'worktrees', 'w', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(root, '.git', 'worktrees', 'w', 'commondir'), '../..\n');
    writeFileSync(join(linked, '.git'), `gitdir: ${join(root, '.git', 'worktrees', 'w')}\n`);
    expect(gitCommitOf(linked)).toBe(A);

    writeFileSync(join(root, '.git', 'HEAD'), 'ref: refs/heads/../../../etc\n');
    expect(gitCommitOf(join(root, 'ca'))).toBeUndefined();
  });
});

describe('planDifferences', () => {
  const op = (o: Partial<PlanOperation>): PlanOperation => ({ kind: 'policy', action: 'update', displayName: 'P', id: 'id-1', changes: [], body: { displayName: 'P', state: 'enabled' }, ...o });
  const plan = (operations: PlanOperation[], rest: Partial<Plan> = {}): Plan => ({ operations, guards: { users: [], groups: ['g'], exemptPolicies: [] }, ...rest }) as Plan;

  test('the same plan: nothing; an id differing only in case: nothing', () => {
    expect(planDifferences(plan([op({})]), plan([op({})]))).toEqual([]);
    expect(planDifferences(plan([op({ id: 'ID-1' })]), plan([op({})]))).toEqual([]);
  });

  test('another order, steps, restoreFrom, a changed action of the one operation', () => {
    const a = op({ displayName: 'A', id: 'a' });
    const b = op({ displayName: 'B', id: 'b' });
    expect(planDifferences(plan([b, a]), plan([a, b]))).toEqual(['the operations are in another order than the one apply writes them in']);
    expect(planDifferences(plan([op({ action: 'delete', body: undefined, steps: ['delete'] })]), plan([op({ action: 'delete', body: undefined })]))).toEqual([
      'operation 1 (delete policy "P" (id-1)): steps: the plan file has ["delete"], made again it is nothing',
    ]);
    expect(planDifferences(plan([op({ action: 'create', id: undefined, restoreFrom: 'x' })]), plan([op({ action: 'create', id: undefined })]))[0]).toContain('restoreFrom: the plan file has "x", made again it is nothing');
    expect(planDifferences(plan([op({ action: 'create' })]), plan([op({})]))[0]).toContain('action: the plan file has "create", made again it is "update"');
  });

  test('a held contingency policy and the guards are compared too', () => {
    const held = { set: 's', displayName: 'P', id: 'id-1', state: 'enabled', declared: 'disabled', body: { state: 'disabled' } };
    const contingency = (h: typeof held[]) => ({ contingency: { sets: [], active: [], held: h } });
    expect(planDifferences(plan([], contingency([{ ...held, body: { state: 'enabled' } }])), plan([], contingency([held])))).toEqual([
      'contingency: held policy "P" (id-1): body/state: "enabled" in the plan file, "disabled" made again',
    ]);
    expect(planDifferences(plan([], contingency([])), plan([], contingency([held])))[0]).toMatch(/does not hold policy "P"/);
    expect(planDifferences(plan([], { guards: { users: [], groups: [], exemptPolicies: [] } }), plan([]))[0]).toMatch(/^guards: the plan file lists/);
  });

  test('a body with many differences names the first five and counts the rest', () => {
    const body = Object.fromEntries([...'abcdefg'].map((k) => [k, 1]));
    const lines = planDifferences(plan([op({ body })]), plan([op({ body: {} })]));
    expect(lines[0]!.match(/body\/[a-g]: the plan file has 1, made again it is nothing/g)).toHaveLength(5);
    expect(lines[0]).toContain('body: and 2 more field(s)');
  });
});
