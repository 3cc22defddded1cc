import {
  contingencyStatus,
  findContingencySet,
  planActivation,
  planDeactivation,
  verifyStates,
  type NamedContingencySet,
} from '../../src/contingency/contingency.js';
import { renderContingencyStatus } from '../../src/render/contingency-text.js';
import { ConfigurationError } from '../../src/errors.js';
import type { JsonObject, SourceDocument } from '../../src/model/documents.js';
import type { Settings } from '../../src/model/settings.js';
import type { TenantSnapshot } from '../../src/model/tenant.js';

const policy = (id: string, displayName: string, state: string, modifiedDateTime: string | null = null): JsonObject => ({
  id,
  displayName,
  state,
  createdDateTime: '2025-01-01T00:00:00Z',
  modifiedDateTime,
});

const snapshot = (...policies: JsonObject[]): TenantSnapshot => ({
  tenantId: 't',
  graphUrl: 'http://graph',
  apiVersion: 'v1.0',
  policies,
  namedLocations: [],
  authenticationStrengths: [],
});

const doc = (displayName: string, state: string, file = `policies/${displayName}.json`): SourceDocument => ({
  file,
  kind: 'policy',
  value: { displayName, state },
  locate: () => ({ line: 1, column: 1 }),
});

const settings: Settings = {
  contingency: {
    'outage-mfa': { description: 'MFA is down', activate: ['C1', 'C2'], deactivate: ['MFA'] },
    'outage-device': { activate: ['D1'], deactivate: ['MFA'], deactivatedState: 'disabled' },
  },
};
const set = (name: string): NamedContingencySet => findContingencySet(settings, name);

const inactive = snapshot(
  policy('1', 'C1', 'disabled'),
  policy('2', 'C2', 'disabled'),
  policy('3', 'MFA', 'enabled'),
  policy('4', 'D1', 'enabledForReportingButNotEnforced'),
);
const active = snapshot(
  policy('1', 'C1', 'enabled', '2025-06-01T10:00:00Z'),
  policy('2', 'C2', 'enabled', '2025-06-01T10:00:05Z'),
  policy('3', 'MFA', 'enabledForReportingButNotEnforced', '2025-06-01T10:00:02Z'),
  policy('4', 'D1', 'enabledForReportingButNotEnforced'),
);
const repo = [doc('C1', 'disabled'), doc('C2', 'enabledForReportingButNotEnforced'), doc('MFA', 'enabled'), doc('D1', 'disabled')];

describe('findContingencySet', () => {
  test('an unknown set: a ConfigurationError listing the sets', () => {
    expect(() => findContingencySet(settings, 'nope')).toThrow(ConfigurationError);
    expect(() => findContingencySet(settings, 'nope')).toThrow('there is no contingency set "nope": the sets are: outage-mfa, outage-device');
    expect(() => findContingencySet({}, 'x')).toThrow('caac.yml defines no contingency sets');
  });
});

describe('contingencyStatus', () => {
  test('inactive sets: each policy with its state and the state it has while active', () => {
    const [mfa, device] = contingencyStatus(settings, inactive);
    expect(mfa).toEqual({
      name: 'outage-mfa',
      description: 'MFA is down',
      active: false,
      policies: [
        { displayName: 'C1', role: 'activate', id: '1', state: 'disabled', expected: 'enabled', modifiedDateTime: '2025-01-01T00:00:00Z' },
        { displayName: 'C2', role: 'activate', id: '2', state: 'disabled', expected: 'enabled', modifiedDateTime: '2025-01-01T00:00:00Z' },
        { displayName: 'MFA', role: 'deactivate', id: '3', state: 'enabled', expected: 'enabledForReportingButNotEnforced', modifiedDateTime: '2025-01-01T00:00:00Z' },
      ],
    });
    expect(device?.active).toBe(false);
    expect(device?.policies.find((p) => p.displayName === 'MFA')?.expected).toBe('disabled');
  });

  test('active: every activate policy enabled, every deactivate policy in deactivatedState; since = the latest change', () => {
    const [mfa, device] = contingencyStatus(settings, active);
    expect(mfa?.active).toBe(true);
    expect(mfa?.since).toBe('2025-06-01T10:00:05Z');
    // outage-device wants MFA disabled, not report-only.
    expect(device?.active).toBe(false);
    expect(device?.since).toBeUndefined();
  });

  test('a policy missing from the tenant: no state, the set is not active', () => {
    const [mfa] = contingencyStatus(settings, snapshot(policy('1', 'C1', 'enabled'), policy('3', 'MFA', 'enabledForReportingButNotEnforced')));
    expect(mfa?.active).toBe(false);
    expect(mfa?.policies[1]).toEqual({ displayName: 'C2', role: 'activate', expected: 'enabled' });
  });

  test('names match case-insensitively; a name the tenant holds twice is an error', () => {
    const [mfa] = contingencyStatus(settings, snapshot(policy('1', 'c1', 'enabled'), policy('2', 'C2', 'enabled'), policy('3', 'mfa', 'enabledForReportingButNotEnforced')));
    expect(mfa?.active).toBe(true);
    expect(() => contingencyStatus(settings, snapshot(policy('1', 'C1', 'enabled'), policy('9', 'c1', 'disabled')))).toThrow(/2 policies named "C1"/);
  });

  test('no contingency key: no sets', () => {
    expect(contingencyStatus({}, inactive)).toEqual([]);
    expect(renderContingencyStatus([])).toMatch(/No contingency sets/);
  });

  test('the text report', () => {
    const text = renderContingencyStatus(contingencyStatus(settings, active));
    expect(text).toContain('outage-mfa: ACTIVE since 2025-06-01T10:00:05Z');
    expect(text).toContain('✓ MFA: report-only (report-only while active)');
    expect(text).toContain('outage-device: inactive');
  });
});

describe('planActivation', () => {
  test('state-only updates for the policies not yet in their active state', () => {
    expect(planActivation(set('outage-mfa'), inactive)).toEqual([
      { kind: 'policy', action: 'update', displayName: 'C1', id: '1', changes: [{ path: '/state', before: 'disabled', after: 'enabled' }], body: { state: 'enabled' } },
      { kind: 'policy', action: 'update', displayName: 'C2', id: '2', changes: [{ path: '/state', before: 'disabled', after: 'enabled' }], body: { state: 'enabled' } },
      {
        kind: 'policy',
        action: 'update',
        displayName: 'MFA',
        id: '3',
        changes: [{ path: '/state', before: 'enabled', after: 'enabledForReportingButNotEnforced' }],
        body: { state: 'enabledForReportingButNotEnforced' },
      },
    ]);
    expect(planActivation(set('outage-device'), inactive).map((op) => [op.displayName, op.body])).toEqual([
      ['D1', { state: 'enabled' }],
      ['MFA', { state: 'disabled' }],
    ]);
  });

  test('activating an active set: no operations (idempotent)', () => {
    expect(planActivation(set('outage-mfa'), active)).toEqual([]);
  });

  test('a policy missing from the tenant: an error naming it, no operations', () => {
    expect(() => planActivation(set('outage-mfa'), snapshot(policy('1', 'C1', 'disabled')))).toThrow(
      'contingency set "outage-mfa" names policies the tenant does not hold: "C2", "MFA"; nothing was changed',
    );
  });
});

describe('planDeactivation', () => {
  test('every policy of the set back to the state its file declares', () => {
    expect(planDeactivation(set('outage-mfa'), active, repo).map((op) => [op.displayName, op.id, op.file, op.body, op.changes])).toEqual([
      ['C1', '1', 'policies/C1.json', { state: 'disabled' }, [{ path: '/state', before: 'enabled', after: 'disabled' }]],
      ['C2', '2', 'policies/C2.json', { state: 'enabledForReportingButNotEnforced' }, [{ path: '/state', before: 'enabled', after: 'enabledForReportingButNotEnforced' }]],
      ['MFA', '3', 'policies/MFA.json', { state: 'enabled' }, [{ path: '/state', before: 'enabledForReportingButNotEnforced', after: 'enabled' }]],
    ]);
  });

  test('policies already as the repo declares: no operations (idempotent)', () => {
    const back = snapshot(policy('1', 'C1', 'disabled'), policy('2', 'C2', 'enabledForReportingButNotEnforced'), policy('3', 'MFA', 'enabled'));
    expect(planDeactivation(set('outage-mfa'), back, repo)).toEqual([]);
  });

  test('follows the repo as it is now, not the state before activation', () => {
    const changed = [doc('C1', 'enabled'), doc('C2', 'disabled'), doc('MFA', 'enabled')];
    expect(planDeactivation(set('outage-mfa'), active, changed).map((op) => [op.displayName, op.body])).toEqual([
      ['C2', { state: 'disabled' }],
      ['MFA', { state: 'enabled' }],
    ]);
  });

  test('a file that changed other fields as well as the state: the state only, as the file declares it now', () => {
    const edited: SourceDocument[] = [
      { ...doc('C1', 'enabledForReportingButNotEnforced'), value: { displayName: 'C1', state: 'enabledForReportingButNotEnforced', description: 'new', grantControls: { operator: 'OR', builtInControls: ['block'] } } },
      doc('C2', 'enabled'),
      doc('MFA', 'enabled'),
    ];
    const ops = planDeactivation(set('outage-mfa'), active, edited);
    expect(ops.map((op) => [op.displayName, op.body, op.changes])).toEqual([
      ['C1', { state: 'enabledForReportingButNotEnforced' }, [{ path: '/state', before: 'enabled', after: 'enabledForReportingButNotEnforced' }]],
      ['MFA', { state: 'enabled' }, [{ path: '/state', before: 'enabledForReportingButNotEnforced', after: 'enabled' }]],
    ]);
  });

  test('a policy missing from the tenant or the repo, or without a state: an error naming each', () => {
    const tenant = snapshot(policy('1', 'C1', 'enabled'), policy('3', 'MFA', 'enabled'));
    const files = [doc('C1', 'disabled'), doc('C2', 'disabled'), { ...doc('MFA', 'x'), value: { displayName: 'MFA' } }];
    expect(() => planDeactivation(set('outage-mfa'), tenant, files)).toThrow(
      'cannot deactivate contingency set "outage-mfa": "C2" is not in the tenant; the file of "MFA" (policies/MFA.json) declares no state; nothing was changed',
    );
    expect(() => planDeactivation(set('outage-mfa'), active, [doc('C1', 'disabled'), doc('MFA', 'enabled')])).toThrow('"C2" has no file in the repository');
    expect(() => planDeactivation(set('outage-mfa'), active, [...repo, doc('C1', 'enabled', 'policies/other.json')])).toThrow(
      '"C1" is described by 2 files (policies/C1.json, policies/other.json)',
    );
  });
});

describe('verifyStates', () => {
  test('names each policy whose state does not read back as sent', () => {
    const ops = planActivation(set('outage-mfa'), inactive);
    expect(verifyStates(ops, active)).toEqual([]);
    expect(verifyStates(ops, snapshot(policy('1', 'C1', 'enabled'), policy('2', 'C2', 'disabled')))).toEqual([
      'policy "C2" reads back as "disabled", not "enabled"',
      'policy "MFA" (3) is missing when read back',
    ]);
  });
});
