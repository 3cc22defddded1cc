import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { appendJobSummary, appendSizedJobSummary, STEP_SUMMARY_MAX_BYTES, truncateMarkdown } from '../../src/github/job-summary.js';
import { renderPlanMarkdownReport } from '../../src/render/plan-markdown.js';

const writePlanJobSummary = (plan: Plan, options: { artifactName?: string } = {}) =>
  appendSizedJobSummary((maxLength) => renderPlanMarkdownReport(plan, { maxLength, artifactName: options.artifactName }));
import type { Plan } from '../../src/model/plan.js';
import { bigPlan } from '../fixtures/plans/big-plan.js';

// core.summary remembers the file of the first write: one file for the whole test file.
let dir: string;
let file: string;
const saved = process.env['GITHUB_STEP_SUMMARY'];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'caac-summary-'));
  file = join(dir, 'step-summary.md');
  writeFileSync(file, '');
  process.env['GITHUB_STEP_SUMMARY'] = file;
});
beforeEach(() => writeFileSync(file, ''));
afterAll(() => {
  if (saved === undefined) delete process.env['GITHUB_STEP_SUMMARY'];
  else process.env['GITHUB_STEP_SUMMARY'] = saved;
  rmSync(dir, { recursive: true, force: true });
});

const plan = JSON.parse(readFileSync(resolve('test/fixtures/plans/changes.json'), 'utf8')) as Plan;

describe('job summary', () => {
  test('appends the plan report to GITHUB_STEP_SUMMARY', async () => {
    writeFileSync(file, '## validate\n');
    const result = await writePlanJobSummary(plan, { artifactName: 'caac-plan' });
    expect(result).toMatchObject({ written: true, truncated: false });
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('## validate\n')).toBe(true);
    expect(text).toContain('Plan: 2 to create, 2 to update, 1 to delete, 5 unchanged');
  });

  test('a huge plan is cut under 1 MiB, whole objects only, with a pointer to the artifact', async () => {
    const huge = bigPlan(300, 200);
    const result = await writePlanJobSummary(huge, { artifactName: 'caac-plan' });
    expect(result).toMatchObject({ written: true, truncated: true });
    const text = readFileSync(file, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(STEP_SUMMARY_MAX_BYTES);
    expect(Buffer.byteLength(text)).toBeGreaterThan(STEP_SUMMARY_MAX_BYTES * 0.5);
    expect(text).toMatch(/changed objects are left out/);
    expect(text).toContain('caac-plan');
    expect(text.match(/<details>/g)?.length).toBe(text.match(/<\/details>/g)?.length);
    expect((text.match(/^```/gm)?.length ?? 0) % 2).toBe(0);
  });

  test('multi-byte text is measured in bytes', async () => {
    const wide = bigPlan(300, 200, '中文名称');
    await writePlanJobSummary(wide);
    expect(Buffer.byteLength(readFileSync(file, 'utf8'))).toBeLessThanOrEqual(STEP_SUMMARY_MAX_BYTES);
  });

  test('what earlier steps wrote counts against the limit', async () => {
    writeFileSync(file, 'x'.repeat(STEP_SUMMARY_MAX_BYTES - 100));
    const result = await appendJobSummary('more');
    expect(result.written).toBe(false);
    expect(result.reason).toMatch(/1 MiB/);
  });

  test('a plain string is cut at a line, closing an open fence and details block', () => {
    const md = ['<details><summary>x</summary>', '', '```diff', ...Array.from({ length: 1000 }, (_, i) => `+ line ${i}`), '```', '', '</details>'].join('\n');
    const cut = truncateMarkdown(md, 2000);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(2000);
    expect((cut.match(/^```/gm)?.length ?? 0) % 2).toBe(0);
    expect(cut).toContain('</details>');
    expect(cut).toMatch(/left out/);
    expect(truncateMarkdown('short', 2000)).toBe('short');
  });

  test('outside GitHub Actions nothing is written', async () => {
    delete process.env['GITHUB_STEP_SUMMARY'];
    try {
      expect(await appendJobSummary('x')).toMatchObject({ written: false });
    } finally {
      process.env['GITHUB_STEP_SUMMARY'] = file;
    }
  });
});
