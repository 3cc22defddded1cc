import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plan } from '../../src/model/plan.js';
import { escapeForHtml, planCommentMarker, renderPlanMarkdown, renderPlanSummaryLine } from '../../src/render/plan-markdown.js';
import { VERSION } from '../../src/version.js';
import { bigPlan } from '../fixtures/plans/big-plan.js';

const load = (name: string): Plan => JSON.parse(readFileSync(resolve('test/fixtures/plans', name), 'utf8')) as Plan;

/** The markdown with every ```diff block removed (what renders as markdown/HTML). */
const outsideFences = (md: string): string => md.replace(/^```diff\n[\s\S]*?^```$/gm, '');
const fences = (md: string): string[] => md.match(/^```diff\n[\s\S]*?^```$/gm) ?? [];

/** Every fence closed, every <details> closed, in order. */
function expectBalanced(md: string): void {
  expect((md.match(/^```/gm) ?? []).length % 2).toBe(0);
  let depth = 0;
  for (const tag of outsideFences(md).match(/<\/?details>/g) ?? []) {
    depth += tag === '<details>' ? 1 : -1;
    expect(depth === 0 || depth === 1).toBe(true);
  }
  expect(depth).toBe(0);
}

describe('planCommentMarker', () => {
  test('names the tenant and the folder in a hidden HTML comment', () => {
    expect(planCommentMarker('9E3C2A10-5d4f-4b7e-8a21-0c6f1d2e3b4a', 'conditional-access')).toBe(
      '<!-- caac-plan tenant=9e3c2a10-5d4f-4b7e-8a21-0c6f1d2e3b4a dir=conditional-access -->',
    );
  });

  test('the same folder written differently gives the same marker', () => {
    const m = planCommentMarker('t', 'conditional-access');
    expect(planCommentMarker('t', './conditional-access/')).toBe(m);
    expect(planCommentMarker('t', 'tenants\\prod')).toBe(planCommentMarker('t', 'tenants/prod'));
  });

  test('an environment has its own comment: its marker is no other environment\'s, nor the one without', () => {
    const none = planCommentMarker('t', 'conditional-access');
    const ppe = planCommentMarker('t', 'conditional-access', 'ppe');
    const ppe2 = planCommentMarker('t', 'conditional-access', 'ppe2');
    expect(ppe).toBe('<!-- caac-plan tenant=t dir=conditional-access env=ppe -->');
    for (const [a, b] of [[none, ppe], [ppe, ppe2], [ppe, none], [ppe2, ppe]]) expect(a!.includes(b!)).toBe(false);
  });

  test('a plan for an environment names it in the title', () => {
    const md = renderPlanMarkdown({ ...load('changes.json'), environment: 'prod' });
    expect(md.split('\n').slice(0, 2)).toEqual([expect.stringContaining(' env=prod -->'), expect.stringMatching(/^## caac plan: environment prod, tenant /)]);
  });

  test('a folder cannot end the comment early', () => {
    const m = planCommentMarker('t', 'a --> <b>x</b>');
    expect(m.indexOf('-->')).toBe(m.length - 3);
    expect(m.slice(4, -3)).not.toMatch(/[<>]/);
  });
});

describe('renderPlanMarkdown', () => {
  const plan = load('changes.json');
  const md = renderPlanMarkdown(plan);

  test('starts with the marker, then a title with tenant and folder and the summary line', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe(planCommentMarker(plan.tenant.id, plan.dir));
    expect(lines[1]).toBe('## caac plan: tenant 9e3c2a10-5d4f-4b7e-8a21-0c6f1d2e3b4a, folder conditional-access');
    expect(md).toContain('**Plan: 2 to create, 2 to update, 1 to delete, 5 unchanged**');
    expect(renderPlanSummaryLine(plan)).toBe('Plan: 2 to create, 2 to update, 1 to delete, 5 unchanged');
  });

  test('warnings come first, as a list, deletions first', () => {
    const warnings = md.indexOf('### ⚠️ Warnings');
    expect(warnings).toBeGreaterThan(0);
    expect(warnings).toBeLessThan(md.indexOf('<details>'));
    const items = md.split('\n').filter((l) => l.startsWith('- ') && /\*\*/.test(l));
    expect(items.map((l) => /\*\*(.+?)\*\*/.exec(l)?.[1])).toEqual(['deletion', 'break-glass exclusion removed', 'new block', 'enforcement change']);
  });

  test('each changed object in a <details> block with a diff; noops left out', () => {
    expect(md.match(/<details><summary>[🟢🟡🔴]/gu)).toHaveLength(5);
    expect(md).toContain('<details><summary>🟡 update policy <b>CA001 - Require MFA for admins</b> <sub>aa11…</sub>');
    expect(md).toContain('🔴 delete policy <b>CA099 - Old pilot</b>');
    expect(md).not.toContain('CA003');
    const diff = fences(md).find((f) => f.includes('/state: "enabled"'))!;
    expect(diff).toContain('- /state: "enabledForReportingButNotEnforced"\n+ /state: "enabled"');
    expectBalanced(md);
  });

  test('names beside ids in the diff', () => {
    expect(md).toContain('- /conditions/users/excludeGroups: ["group:Break glass (1b2c…)", "group:Finance (5f6e…)"]');
    expect(md).toContain('+ /conditions/users/excludeGroups: ["group:Finance (5f6e…)"]');
    expect(md).toContain('"role:Global Administrator (62e9…)"');
    expect(md).not.toContain('1b2c3d4e-0000-4000-8000-000000000001');
  });

  test('long values are pretty-printed one element a line, each line signed', () => {
    const big = bigPlan(1, 8);
    const out = renderPlanMarkdown(big);
    const diff = fences(out)[0]!;
    expect(diff).toMatch(/^\+ \/conditions\/users\/excludeGroups: \[$/m);
    expect(diff).toMatch(/^\+ {5}"group:New team 0 \(0000…\)"$/m);
    expect(diff).toMatch(/^- {3}\]$/m);
  });

  test('counts and a footer with Graph requests and the version', () => {
    expect(md).toContain('5 unchanged · 1 not managed here');
    expect(md).toContain('Legacy portal policy');
    expect(md).toMatch(new RegExp(`<sub>Graph requests: 6 \\(.*\\) · .* · caac ${VERSION.replace(/\./g, '\\.')}</sub>`));
  });

  test('no changes', () => {
    const quiet = renderPlanMarkdown(load('no-changes.json'));
    expect(quiet.startsWith(planCommentMarker('9e3c2a10-5d4f-4b7e-8a21-0c6f1d2e3b4a', 'conditional-access') + '\n')).toBe(true);
    expect(quiet).toContain('**Plan: 0 to create, 0 to update, 0 to delete, 3 unchanged**');
    expect(quiet).toContain('No changes. The tenant matches the repository.');
    expect(quiet).not.toContain('<details>');
    expect(quiet).not.toContain('Warnings');
  });
});

describe('renderPlanMarkdown: hostile strings', () => {
  const plan = load('hostile.json');
  const md = renderPlanMarkdown(plan, { detailsUrl: 'javascript:alert(1)' });
  const rendered = outsideFences(md);

  test('no tag, image, link, mention or heading forms outside the diff blocks', () => {
    expect(rendered).not.toMatch(/<img|<script|<b>unmanaged/i);
    // Only our own tags remain: details, summary, b, sub.
    const tags = new Set((rendered.match(/<\/?([a-z]+)/gi) ?? []).map((t) => t.replace(/[</]/g, '').toLowerCase()));
    expect([...tags].sort()).toEqual(['b', 'details', 'sub', 'summary']);
    expect(rendered).not.toMatch(/@org\/team|@someone/);
    expect(rendered).not.toContain('https://evil');
    expect(rendered).not.toMatch(/^#\s*head/m);
    expect(rendered).not.toContain('javascript:');
  });

  test('the name in <summary> is escaped with entities (readable in HTML), and in the warnings list', () => {
    expect(md).toContain('<b>&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt; @\u200borg/team &#96;&#96;&#96; &#35; head &#91;x&#93;(https:\u200b//evil.example)</b>');
    expect(md).toContain('&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt; @\u200borg/team \\`\\`\\` \\# head \\[x\\]');
    expect(md).toContain('<b>CA001 @\u200borg/team</b>');
  });

  test('inside a diff block a fence cannot close it; names and labels stay readable', () => {
    for (const fence of fences(md)) {
      const body = fence.split('\n').slice(1, -1);
      for (const line of body) expect(line).not.toMatch(/^\s{0,3}```/);
      expect(body.join('\n')).not.toContain('```');
    }
    expect(md).toContain('- /conditions/users/excludeGroups: ["group:</details><img src=x onerror=alert(1)> `\u200b`\u200b` (1b2c…)"]');
    expectBalanced(md);
    // Every <details> we opened is closed exactly once: the hostile `</details>` stayed inside code or became an entity.
    expect((rendered.match(/<details>/g) ?? []).length).toBe(3);
    expect((rendered.match(/<\/details>/g) ?? []).length).toBe(3);
  });

  test('escapeForHtml keeps escapeMarkdown’s protection with entities instead of backslashes', () => {
    expect(escapeForHtml('a*b_c[d]\\e')).toBe('a&#42;b&#95;c&#91;d&#93;&#92;e');
    expect(escapeForHtml('<x>&')).toBe('&lt;x&gt;&amp;');
  });
});

describe('renderPlanMarkdown: the 65,536-character limit', () => {
  const plan = bigPlan(500, 20);
  const full = renderPlanMarkdown(plan, { maxLength: Number.MAX_SAFE_INTEGER });
  const md = renderPlanMarkdown(plan, { detailsUrl: 'https://github.com/contoso/identity/actions/runs/123', artifactName: 'caac-plan' });

  test('500 large operations would be far over the limit', () => {
    expect(full.length).toBeGreaterThan(500_000);
  });

  test('the cut report is at most 65,536 characters and keeps the marker, summary line and warnings', () => {
    expect(md.length).toBeLessThanOrEqual(65536);
    expect(md.length).toBeGreaterThan(60000);
    expect(md.startsWith(planCommentMarker(plan.tenant.id, plan.dir) + '\n')).toBe(true);
    expect(md).toContain('**Plan: 0 to create, 500 to update, 0 to delete, 0 unchanged**');
    expect(md).toContain('### ⚠️ Warnings');
    expect(md).toMatch(/<sub>Graph requests: 5 /);
  });

  test('whole objects are dropped from the end, every <details> and fence closed', () => {
    expectBalanced(md);
    const shown = (md.match(/<details><summary>/g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(500);
    expect(md).toContain(`CA${String(shown - 1).padStart(4, '0')} - Policy ${shown - 1}</b>`);
    expect(md).not.toContain(`CA${String(shown).padStart(4, '0')} - Policy ${shown}</b>`);
    // Each shown object is complete: its block equals the one in the full report.
    const lastBlockStart = md.lastIndexOf('<details><summary>');
    const lastBlock = md.slice(lastBlockStart, md.indexOf('</details>', lastBlockStart) + '</details>'.length);
    expect(full).toContain(lastBlock);
  });

  test('a line says how many objects were left out and points to the job summary and the artifact', () => {
    const shown = (md.match(/<details><summary>/g) ?? []).length;
    expect(md).toContain(`> ${500 - shown} changed objects are left out to keep this report under 65,536 characters: see the [job summary](https://github.com/contoso/identity/actions/runs/123) and the plan artifact **caac-plan** for the full plan.`);
  });

  test('a smaller maxLength is honoured the same way', () => {
    for (const maxLength of [3000, 10000, 30000]) {
      const out = renderPlanMarkdown(plan, { maxLength });
      expect(out.length).toBeLessThanOrEqual(maxLength);
      expect(out).toContain('Plan: 0 to create, 500 to update');
      expectBalanced(out);
    }
  });

  test('one enormous object has its diff shortened inside its block, still closed', () => {
    const one = bigPlan(1, 5000);
    const out = renderPlanMarkdown(one);
    expect(out.length).toBeLessThanOrEqual(65536);
    expect(out).toMatch(/_\d+ more lines of this diff are in the plan file\._/);
    expectBalanced(out);
  });

  test('too many warnings: warnings are cut too, and counted', () => {
    const noisy = bigPlan(50, 2);
    noisy.warnings = Array.from({ length: 3000 }, (_, i) => ({ kind: 'new-block' as const, displayName: `Policy ${i}`, message: 'x'.repeat(40) }));
    const out = renderPlanMarkdown(noisy);
    expect(out.length).toBeLessThanOrEqual(65536);
    expect(out).toMatch(/\d+ changed objects, \d+ warnings and|\d+ changed objects and \d+ warnings are left out/);
    expect(out).toContain('Plan: 0 to create, 50 to update');
    expectBalanced(out);
  });
});
