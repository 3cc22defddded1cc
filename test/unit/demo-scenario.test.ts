import { pickDrift, pickVictim } from '../../src/cli/demo-scenario.js';
import type { SourceDocument } from '../../src/model/documents.js';
import type { TenantSnapshot } from '../../src/model/tenant.js';

const doc = (displayName: string): SourceDocument => ({ file: `policies/${displayName}.json`, kind: 'policy', value: { displayName }, locate: () => ({ line: 1, column: 1 }) });
const tenant = (...policies: Array<[string, string, string]>): TenantSnapshot =>
  ({ policies: policies.map(([id, displayName, state]) => ({ id, displayName, state })) }) as unknown as TenantSnapshot;

describe('what caac demo acts on, found in the repository and the tenant', () => {
  test('the portal edit switches on a report-only policy the repository describes', () => {
    const snapshot = tenant(['1', 'Not ours', 'enabledForReportingButNotEnforced'], ['2', 'A', 'enabled'], ['3', 'B', 'enabledForReportingButNotEnforced']);
    expect(pickDrift([doc('A'), doc('B')], snapshot)).toEqual({ id: '3', displayName: 'B', to: 'enabled', story: 'the report-only policy "B" is switched on' });
  });

  test('without a report-only one, an enabled one goes report-only; with neither, there is no edit', () => {
    const snapshot = tenant(['1', 'A', 'disabled'], ['2', 'B', 'enabled']);
    expect(pickDrift([doc('A'), doc('B')], snapshot)).toMatchObject({ id: '2', to: 'enabledForReportingButNotEnforced' });
    expect(pickDrift([doc('A')], snapshot)).toBeUndefined();
    expect(pickDrift([], snapshot)).toBeUndefined();
  });

  test('a named location of the same name is not a policy', () => {
    const location: SourceDocument = { ...doc('B'), kind: 'namedLocation' };
    expect(pickDrift([location], tenant(['2', 'B', 'enabled']))).toBeUndefined();
  });

  test('the policy deleted and restored is an enabled one the backup holds', () => {
    const snapshot = tenant(['1', 'A', 'enabledForReportingButNotEnforced'], ['2', 'Not backed up', 'enabled'], ['3', 'C', 'enabled']);
    expect(pickVictim([doc('A'), doc('C')], snapshot)).toEqual({ id: '3', displayName: 'C' });
    expect(pickVictim([doc('A')], snapshot)).toBeUndefined();
  });
});
