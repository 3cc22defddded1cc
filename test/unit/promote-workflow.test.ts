/**
 * examples/workflows/promote.yml: a pull request plans every environment (a matrix, one plan
 * artifact and one comment each); a push applies ppe, and prod only after ppe applied cleanly and
 * behind the prod GitHub environment's approval. Checked as data, since it cannot run here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

interface Step { uses?: string; run?: string; with?: Record<string, string | boolean> }
interface Job { if?: string; needs?: string[]; environment?: string; strategy?: { 'fail-fast'?: boolean; matrix: { environment: string[] } }; steps: Step[] }

const text = readFileSync(resolve('examples/workflows/promote.yml'), 'utf8');
const wf = parse(text) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const { plan, 'apply-ppe': applyPpe, 'plan-prod': planProd, 'apply-prod': applyProd } = wf.jobs;

test('a pull request plans every environment: a matrix, one artifact (and sticky comment) each', () => {
  expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
  expect(plan!.if).toBe("github.event_name == 'pull_request'");
  expect(plan!.strategy).toEqual({ 'fail-fast': false, matrix: { environment: ['ppe', 'prod'] } });
  const step = plan!.steps.find((s) => s.uses?.includes('/actions/plan@'))!;
  expect(step.with).toMatchObject({ environment: '${{ matrix.environment }}', 'artifact-name': 'caac-plan-${{ matrix.environment }}' });
});

test('a push applies ppe, then prod only after ppe and behind the prod environment', () => {
  expect(applyPpe!.environment).toBe('ppe');
  expect(applyPpe!.steps.map((s) => s.uses?.replace(/@.*/, ''))).toEqual(['actions/checkout', 'conditional-access-as-code/caac/actions/plan', 'conditional-access-as-code/caac/actions/apply']);
  expect(applyProd!.needs).toEqual(['apply-ppe', 'plan-prod']);
  expect(applyProd!.environment).toBe('prod');
  const apply = applyProd!.steps.find((s) => s.uses?.includes('/actions/apply@'))!;
  expect(apply.with).toMatchObject({ environment: 'prod', 'plan-artifact': 'caac-plan-prod', 'snapshot-artifact': 'caac-snapshot-prod' });
  expect(applyPpe!.steps.find((s) => s.uses?.includes('/actions/apply@'))!.with).toMatchObject({ 'snapshot-artifact': 'caac-snapshot-ppe' });
  expect(planProd!.steps.find((s) => s.uses?.includes('/actions/plan@'))!.with).toMatchObject({ environment: 'prod', 'artifact-name': 'caac-plan-prod' });
});

test('no expression inside a run: step, and every action pinned or the caac tag', () => {
  for (const job of Object.values(wf.jobs)) {
    for (const step of job.steps) {
      if (step.run) expect(step.run).not.toContain('${{');
      if (step.uses) expect(step.uses).toMatch(/@([0-9a-f]{40}|v0)$/);
    }
  }
});
