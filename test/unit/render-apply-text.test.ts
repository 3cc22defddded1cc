/** The apply report: every operation by name, what is unverified, escaped, whatever stopped the run. */
import type { OperationResult } from '../../src/model/outcomes.js';
import type { ApplyOutcome } from '../../src/model/outcomes.js';
import type { PlanOperation } from '../../src/model/plan.js';
import { applySucceeded, renderApplyText } from '../../src/render/apply-text.js';

const op = (action: PlanOperation['action'], displayName: string): PlanOperation => ({ kind: 'policy', action, displayName, changes: [] });

function outcome(results: OperationResult[], rest: Partial<ApplyOutcome> = {}): ApplyOutcome {
  return {
    results,
    applied: results.filter((r) => r.status === 'applied').length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    verification: [],
    readBack: 'verified',
    requests: { total: 7, byEndpoint: {} },
    ...rest,
  };
}

test('applied, unknown, not attempted and unverified, each named; tenant names cannot forge a line', () => {
  const text = renderApplyText(
    outcome(
      [
        { operation: op('update', 'CA001 - a'), status: 'applied', id: 'id-1', ms: 0 },
        { operation: op('create', 'CA002\n✓ create policy "forged"'), status: 'failed', unknown: true, error: 'outcome unknown: … Plan again: the next plan sees what is there.', ms: 0 },
        { operation: op('create', 'CA003 - c'), status: 'skipped', error: 'not attempted: the outcome of create policy "CA002" is unknown', ms: 0 },
      ],
      { readBack: 'unverified', verification: ['unverified after 4 read(s) in 60 s: policy "CA001 - a": /state reads back as "disabled", not "enabled"'] },
    ),
  );
  expect(text.split('\n')).toEqual([
    'Apply: 1 applied, 1 failed, 1 not attempted; read back: 1 unverified',
    '  ✓ update policy "CA001 - a" (id-1)',
    '  ? create policy "CA002\\n✓ create policy "forged"": outcome unknown: … Plan again: the next plan sees what is there.',
    '  - create policy "CA003 - c": not attempted: the outcome of create policy "CA002" is unknown',
    '  ! unverified after 4 read(s) in 60 s: policy "CA001 - a": /state reads back as "disabled", not "enabled"',
    'An outcome is unknown: caac did not send that write again. Plan again: the next plan sees what is there, and applying it converges.',
    'Graph requests: 7',
    '',
  ]);
});

test('a run stopped by a failed read: the reason first, and never a success', () => {
  const stopped = outcome([{ operation: op('update', 'CA001 - a'), status: 'applied', id: 'id-1', ms: 0 }], {
    readBack: 'failed',
    stopped: 'the read-back failed (GET … failed: HTTP 503): what was applied is unverified',
    verification: ['update policy "CA001 - a" (id-1): not verified: the read-back failed (GET … failed: HTTP 503)'],
  });
  const text = renderApplyText(stopped);
  expect(text).toMatch(/^Apply: 1 applied, 0 failed, 0 not attempted; read back: failed, what was applied is unverified\nStopped: the read-back failed/);
  expect(text).toContain('Nothing is lost: plan again and apply to converge');
  expect(applySucceeded(stopped)).toBe(false);
  expect(applySucceeded({ ...stopped, verification: [], stopped: undefined, readBack: 'verified' })).toBe(true);
});

test('a create that brought a deleted object back with its id reads as a restore; one created anew as a create', () => {
  const back: PlanOperation = { ...op('create', 'CA004 - back'), restoreFrom: 'p-4' };
  const lines = renderApplyText(
    outcome([
      { operation: back, status: 'applied', id: 'p-4', ms: 0 },
      { operation: { ...back, displayName: 'CA005 - purged' }, status: 'applied', id: 'new-5', ms: 0 },
    ]),
  ).split('\n');
  expect(lines).toContain('  ✓ restore policy "CA004 - back" from deleted items (p-4)');
  expect(lines).toContain('  ✓ create policy "CA005 - purged" (new-5)');
});
