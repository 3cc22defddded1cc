/** The rollout reports escape every name that came from a file or the tenant. */
import type { RolloutStatus } from '../../src/rollout/status.js';
import { renderAdvanceMarkdown, renderRolloutStatusJson, renderRolloutStatusMarkdown, renderRolloutStatusText } from '../../src/render/rollout-status.js';
import { rolloutMarkdown, rolloutTextLines } from '../../src/render/plan-rollout.js';

const HOSTILE = 'CA1 <img src=x> @admins [x](http://evil)\n::error::pwned \u001b[31m';

function status(): RolloutStatus {
  return {
    generatedAt: '2026-01-01T00:00:00.000Z',
    signIns: { since: '2025-12-25T00:00:00Z', read: 3, pages: 1, maxPages: 20, truncated: false },
    gates: { maxUsersBlocked: 0 },
    requests: { total: 2, byEndpoint: {} },
    policies: [
      {
        displayName: HOSTILE,
        file: 'conditional-access/policies/x.json',
        ring: 'pilot',
        state: 'enabledForReportingButNotEnforced',
        evidence: {
          from: '2025-12-25T00:00:00.000Z', evaluated: 3, results: { reportOnlyFailure: 1, reportOnlySuccess: 2 }, applied: 3, failures: 1, enforcedFailures: 0, reportOnlyFailures: 1,
          failureRate: 1 / 3, usersBlocked: 1, usersAffected: 1, topApplications: [{ name: HOSTILE, failures: 1 }], topUsers: [{ name: '@someone <b>', failures: 1 }],
        },
        gates: { pass: false, checks: [{ gate: 'maxUsersBlocked', pass: false, message: '1 user blocked or would be (at most 0)' }] },
        next: { ring: 'pilot', state: 'enabled' },
      },
    ],
  };
}

test('markdown: no raw HTML, no live mention or link, one line per name', () => {
  for (const md of [renderRolloutStatusMarkdown(status()), renderAdvanceMarkdown({ status: 'refused', policy: status().policies[0]!, reason: HOSTILE, signIns: status().signIns })]) {
    expect(md).not.toContain('<img');
    expect(md).not.toContain('<b>');
    expect(md).not.toMatch(/@admins|@someone/);
    expect(md).not.toContain('](http://evil)');
    expect(md).not.toContain('\n::error::');
  }
  expect(renderRolloutStatusMarkdown(status())).toContain('| Failure rate | 33.3% |');
});

test('text: control characters escaped, no workflow command at a line start', () => {
  const text = renderRolloutStatusText(status());
  expect(text).not.toContain('\u001b');
  expect(text).not.toMatch(/^::error::/m);
  expect(text).toContain('FAIL maxUsersBlocked: 1 user blocked or would be (at most 0)');
  expect(text).toContain('rate 33.3%; users blocked 1, affected 1');
});

test('json: the status as it is, with a format version', () => {
  const parsed = JSON.parse(renderRolloutStatusJson(status())) as { formatVersion: number; policies: { displayName: string }[] };
  expect(parsed.formatVersion).toBe(1);
  expect(parsed.policies[0]!.displayName).toBe(HOSTILE);
});

test("the plan's Rollout section: names escaped, ids shown by label", () => {
  const plan = {
    labels: { 'g1': 'group:<script>Pilot' },
    rollout: { rings: [{ name: 'pilot', include: ['g1'] }, { name: 'all', include: [] }], policies: [{ displayName: HOSTILE, ring: 'pilot', stage: 'enforced' as const, narrowedTo: ['g1'], note: 'enforced on the rings up to pilot', advance: 'ring all: everyone the policy file includes' }] },
  };
  const md = rolloutMarkdown(plan);
  expect(md).not.toContain('<script>');
  expect(md).not.toContain('<img');
  expect(md).toContain('includes only: group:&lt;script&gt;Pilot (exclusions unchanged)');
  const text = rolloutTextLines(plan).join('\n');
  expect(text).not.toContain('\u001b');
  expect(text).toContain('includes only: group:<script>Pilot');
  expect(rolloutTextLines({ labels: {} })).toEqual([]);
});
