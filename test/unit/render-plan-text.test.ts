import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plan } from '../../src/model/plan.js';
import { renderPlanText } from '../../src/render/plan-text.js';

const load = (name: string): Plan => JSON.parse(readFileSync(resolve('test/fixtures/plans', name), 'utf8')) as Plan;

describe('renderPlanText', () => {
  const text = renderPlanText(load('changes.json'));
  const lines = text.split('\n');

  test('header, summary line, then warnings before the changes', () => {
    expect(lines[0]).toBe('caac plan · tenant 9e3c2a10-5d4f-4b7e-8a21-0c6f1d2e3b4a · folder conditional-access');
    expect(lines[1]).toBe('Plan: 2 to create, 2 to update, 1 to delete, 5 unchanged; 1 not managed here');
    expect(text.indexOf('Warnings (4):')).toBeLessThan(text.indexOf('+ create'));
    // Deletions first, then enforcement, new blocks, break-glass.
    const order = ['deletion:', 'break-glass exclusion removed:', 'new block:', 'enforcement change:'].map((w) => text.indexOf(w));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test('each changed object with its sign, kind and name; noops left out', () => {
    expect(lines).toContain('+ create named location "Head office"');
    expect(lines).toContain('+ create policy "CA010 - Block legacy authentication"');
    expect(lines).toContain('~ update policy "CA001 - Require MFA for admins" (aa11…)');
    expect(lines).toContain('- delete policy "CA099 - Old pilot" (ee55…)');
    expect(text).not.toContain('CA003 - Unchanged');
  });

  test('field changes as path: before → after, with labels beside ids', () => {
    expect(lines).toContain('    /state: "enabledForReportingButNotEnforced" → "enabled"');
    expect(lines).toContain('    /conditions/users/excludeGroups: ["group:Break glass (1b2c…)", "group:Finance (5f6e…)"] → ["group:Finance (5f6e…)"]');
    expect(text).toContain('"role:Security Administrator (194a…)"');
    expect(text).not.toContain('1b2c3d4e-0000-4000-8000-000000000001');
  });

  test('a create without field changes shows its body', () => {
    expect(lines).toContain('    /isTrusted: true');
  });

  test('unmanaged objects and the Graph requests in the footer', () => {
    expect(text).toContain('  policy "Legacy portal policy" (7777…)');
    expect(lines.filter(Boolean).at(-1)).toMatch(/^Graph requests: 6 \(POST \/v1\.0\/\$batch 2, /);
  });

  test('no changes', () => {
    const quiet = renderPlanText(load('no-changes.json'));
    expect(quiet).toContain('Plan: 0 to create, 0 to update, 0 to delete, 3 unchanged');
    expect(quiet).toContain('\nNo changes. The tenant matches the repository.\n');
    expect(quiet).not.toContain('Warnings');
  });

  test('a hostile name cannot start a new log line (workflow commands) or drive the terminal', () => {
    const plan = load('no-changes.json');
    plan.operations = [{ kind: 'policy', action: 'create', displayName: 'x\n::add-mask::secret\r\u001b[31mred', changes: [{ path: '/displayName', after: 'y\n::error::boom' }] }];
    plan.summary.create = 1;
    const out = renderPlanText(plan);
    expect(out).not.toMatch(/^::/m);
    expect(out).not.toContain('\u001b');
    expect(out).toContain('+ create policy "x\\n::add-mask::secret\\r\\u001b[31mred"');
  });
});
