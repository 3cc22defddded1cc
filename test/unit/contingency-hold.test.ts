import { parseInputs } from '../../src/action/inputs.js';
import { contingencyConflicts, HELD_DELETE, holdActiveContingency, releaseHeld, toPlanSet } from '../../src/plan/contingency-hold.js';
import type { NamedContingencySet } from '../../src/contingency/contingency.js';
import { ConfigurationError } from '../../src/errors.js';
import type { JsonObject } from '../../src/model/documents.js';
import { PLAN_FORMAT_VERSION, type Plan, type PlanOperation, type PlanWarning } from '../../src/model/plan.js';
import type { TenantSnapshot } from '../../src/model/tenant.js';
import { readPlanFile, writePlanFile } from '../../src/plan/plan-file.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';

const grant = (...controls: string[]): JsonObject => ({ operator: 'OR', builtInControls: controls });

/** A tenant policy: MFA for All users, the given state. */
const policy = (id: string, displayName: string, state: string, extra: JsonObject = {}): JsonObject => ({
  id,
  displayName,
  state,
  modifiedDateTime: '2025-06-01T10:00:00Z',
  conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeGroups: ['bg'] } },
  grantControls: grant('mfa'),
  ...extra,
});

const snapshot = (...policies: JsonObject[]): TenantSnapshot => ({ tenantId: 't', graphUrl: 'http://graph', apiVersion: 'v1.0', policies, namedLocations: [], authenticationStrengths: [] });

/** The desired body of a tenant policy: the same document without server fields, with changes. */
function body(p: JsonObject, changes: JsonObject): JsonObject {
  const { id: _id, modifiedDateTime: _m, ...rest } = p;
  return { ...rest, ...changes };
}

function update(p: JsonObject, changes: JsonObject, fieldChanges: PlanOperation['changes']): PlanOperation {
  return { kind: 'policy', action: 'update', displayName: String(p['displayName']), id: String(p['id']), file: `policies/${String(p['id'])}.json`, changes: fieldChanges, body: body(p, changes) };
}

function plan(operations: PlanOperation[], warnings: PlanWarning[] = []): Plan {
  const count = (a: PlanOperation['action']): number => operations.filter((o) => o.action === a).length;
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    tool: { name: 'caac', version: '0.0.0' },
    tenant: { id: 't', graphUrl: 'http://graph' },
    dir: 'conditional-access',
    apiVersion: 'v1.0',
    createdAt: '2025-06-02T00:00:00.000Z',
    fingerprint: 'f'.repeat(64),
    summary: { create: count('create'), update: count('update'), delete: count('delete'), unchanged: count('noop'), unmanaged: 0 },
    operations,
    unmanaged: [],
    warnings,
    labels: {},
    requests: { total: 0, byEndpoint: {} },
    source: { digest: 'd'.repeat(64), documents: operations.length, files: {}, prune: false },
  };
}

// Set "outage": C1 and C2 enabled, MFA report-only while active. X is no member.
const SETS: NamedContingencySet[] = [{ name: 'outage', activate: ['C1', 'C2'], deactivate: ['MFA'], source: 'settings' }, { name: 'other', activate: ['X'], source: 'convention' }];
const C1 = policy('1', 'C1', 'enabled');
const C2 = policy('2', 'C2', 'enabled');
const MFA = policy('3', 'MFA', 'enabledForReportingButNotEnforced', { modifiedDateTime: '2025-06-01T10:00:07Z' });
const X = policy('4', 'X', 'disabled');
const ACTIVE = snapshot(C1, C2, MFA, X);
const INACTIVE = snapshot({ ...C1, state: 'disabled' }, { ...C2, state: 'disabled' }, { ...MFA, state: 'enabled' }, X);

/** The repository changes C1's description and declares it disabled; C2 disabled; MFA enabled; X gains a description. */
function repoPlan(): Plan {
  return plan(
    [
      update(C1, { state: 'disabled', description: 'new' }, [
        { path: '/description', before: null, after: 'new' },
        { path: '/state', before: 'enabled', after: 'disabled' },
      ]),
      update(C2, { state: 'disabled' }, [{ path: '/state', before: 'enabled', after: 'disabled' }]),
      update(MFA, { state: 'enabled' }, [{ path: '/state', before: 'enabledForReportingButNotEnforced', after: 'enabled' }]),
      update(X, { description: 'x' }, [{ path: '/description', before: null, after: 'x' }]),
    ],
    [{ kind: 'enforcement', displayName: 'MFA', message: 'state changes from "enabledForReportingButNotEnforced" to "enabled": the policy will be enforced' }],
  );
}

describe('holdActiveContingency', () => {
  test('no sets: the plan as it was, no contingency key', () => {
    const p = repoPlan();
    expect(holdActiveContingency(p, [], ACTIVE)).toBe(p);
  });

  test('no active set: every set recorded, nothing held, operations untouched', () => {
    const p = repoPlan();
    const held = holdActiveContingency(p, SETS, INACTIVE);
    expect(held.contingency).toEqual({
      sets: [
        { name: 'outage', activate: ['C1', 'C2'], deactivate: ['MFA'], deactivatedState: 'enabledForReportingButNotEnforced', source: 'settings' },
        { name: 'other', activate: ['X'], deactivate: [], deactivatedState: 'enabledForReportingButNotEnforced', source: 'convention' },
      ],
      active: [],
      held: [],
    });
    expect(held.operations).toEqual(p.operations);
    expect(held.warnings).toEqual(p.warnings);
  });

  test('an active set: state changes are taken out and recorded, other changes stay, state-only updates become noops', () => {
    const p = repoPlan();
    const before = structuredClone(p);
    const held = holdActiveContingency(p, SETS, ACTIVE);
    expect(p).toEqual(before); // pure: the input is not changed

    const byName = (n: string) => held.operations.find((o) => o.displayName === n)!;
    expect(byName('C1')).toEqual({ ...p.operations[0], changes: [{ path: '/description', before: null, after: 'new' }], body: { ...p.operations[0]!.body, state: 'enabled' } });
    expect(byName('C2')).toEqual({ kind: 'policy', action: 'noop', displayName: 'C2', id: '2', file: 'policies/2.json', changes: [] });
    expect(byName('MFA')).toMatchObject({ action: 'noop', id: '3' });
    expect(byName('X')).toEqual(p.operations[3]);
    expect(held.summary).toEqual({ create: 0, update: 2, delete: 0, unchanged: 2, unmanaged: 0 });
    // Noops last.
    expect(held.operations.map((o) => o.action)).toEqual(['update', 'update', 'noop', 'noop']);

    expect(held.contingency?.active).toEqual([{ name: 'outage', since: '2025-06-01T10:00:07Z', policies: ['C1', 'C2', 'MFA'] }]);
    expect(held.contingency?.held).toEqual([
      { set: 'outage', displayName: 'C1', id: '1', state: 'enabled', declared: 'disabled', body: p.operations[0]!.body },
      { set: 'outage', displayName: 'C2', id: '2', state: 'enabled', declared: 'disabled', body: p.operations[1]!.body },
      { set: 'outage', displayName: 'MFA', id: '3', state: 'enabledForReportingButNotEnforced', declared: 'enabled', body: p.operations[2]!.body },
    ]);

    // The enforcement warning came from the declared state, which no longer changes.
    expect(held.warnings).toEqual([
      {
        kind: 'contingency',
        displayName: 'outage',
        message:
          'is active in the tenant since 2025-06-01T10:00:07Z (policies "C1", "C2", "MFA"): the plan holds 3 of them in their contingency state instead of the state the repository declares. Once the outage is over, apply with --end-contingency or run "caac contingency deactivate outage"',
      },
    ]);
  });

  test('a "block" added to a held policy the set keeps enabled: a new-block warning the declared state would have hidden', () => {
    const p = plan([update(C1, { state: 'disabled', grantControls: grant('block') }, [
      { path: '/grantControls/builtInControls', before: ['mfa'], after: ['block'] },
      { path: '/state', before: 'enabled', after: 'disabled' },
    ])]);
    const held = holdActiveContingency(p, SETS, ACTIVE);
    expect(held.operations[0]?.body?.['state']).toBe('enabled');
    expect(held.warnings.map((w) => [w.kind, w.displayName])).toEqual([
      ['contingency', 'outage'],
      ['new-block', 'C1'],
    ]);
  });

  test('a delete (prune) of a held policy is kept: a noop, recorded, its delete warning replaced', () => {
    const p = plan(
      [{ kind: 'policy', action: 'delete', displayName: 'C2', id: '2', changes: [] }],
      [{ kind: 'delete', displayName: 'C2', message: 'deletes the policy "C2" (2) (Graph keeps it restorable for 30 days)' }],
    );
    const held = holdActiveContingency(p, SETS, ACTIVE);
    expect(held.operations).toEqual([{ kind: 'policy', action: 'noop', displayName: 'C2', id: '2', changes: [] }]);
    expect(held.summary.delete).toBe(0);
    expect(held.contingency?.held).toEqual([{ set: 'outage', displayName: 'C2', id: '2', state: 'enabled', declared: HELD_DELETE, body: {} }]);
    expect(held.warnings.map((w) => w.kind)).toEqual(['contingency', 'contingency']);
    expect(held.warnings[0]?.message).toMatch(/^prune would delete policy "C2" \(2\), which this active set needs: the plan keeps it/);
  });

  test('a tenant that holds a set policy\'s name twice: a ConfigurationError (no guessing which one is held)', () => {
    expect(() => holdActiveContingency(repoPlan(), SETS, snapshot(C1, C2, MFA, { ...C1, id: '9' }))).toThrow(ConfigurationError);
  });
});

describe('releaseHeld (apply --end-contingency)', () => {
  test('every held policy gets its declared document back: merged into its update, a noop turned update, a delete restored', () => {
    const withDelete = plan([...repoPlan().operations, { kind: 'policy', action: 'delete', displayName: 'Y', id: '5', changes: [] }]);
    const held = holdActiveContingency(withDelete, [...SETS, { name: 'y', activate: ['Y'] }], snapshot(C1, C2, MFA, X, policy('5', 'Y', 'enabled')));
    const released = releaseHeld(held);
    expect(held.contingency?.held).toHaveLength(4);
    expect(released.contingency?.held).toEqual([]);
    expect(released.operations.map((o) => [o.action, o.displayName, o.body?.['state'], o.changes.find((c) => c.path === '/state')])).toEqual([
      ['update', 'C1', 'disabled', { path: '/state', before: 'enabled', after: 'disabled' }],
      ['update', 'X', 'disabled', undefined],
      ['update', 'C2', 'disabled', { path: '/state', before: 'enabled', after: 'disabled' }],
      ['update', 'MFA', 'enabled', { path: '/state', before: 'enabledForReportingButNotEnforced', after: 'enabled' }],
      ['delete', 'Y', undefined, undefined],
    ]);
    expect(released.operations[0]?.changes.map((c) => c.path)).toEqual(['/description', '/state']);
    expect(released.operations[2]?.body).toEqual(repoPlan().operations[1]?.body);
    expect(released.summary).toEqual({ create: 0, update: 4, delete: 1, unchanged: 0, unmanaged: 0 });
  });

  test('nothing held: the same plan', () => {
    const p = repoPlan();
    expect(releaseHeld(p)).toBe(p);
  });
});

describe('contingencyConflicts (apply\'s guard)', () => {
  test('a held plan changes no state of an active set', () => {
    expect(contingencyConflicts(holdActiveContingency(repoPlan(), SETS, ACTIVE), ACTIVE)).toEqual([]);
  });

  test('an operation that changes the state of, or deletes, an active set\'s policy is named; inactive sets and other policies are not', () => {
    const p = { ...repoPlan(), contingency: { sets: SETS.map(toPlanSet), active: [], held: [] } };
    p.operations.push({ kind: 'policy', action: 'delete', displayName: 'C2', id: '2', changes: [] });
    // A body-only state change (a hand-edited plan without the /state change) counts too.
    p.operations.push({ kind: 'policy', action: 'update', displayName: 'C1 again', id: '1', changes: [], body: { state: 'enabledForReportingButNotEnforced' } });
    expect(contingencyConflicts(p, ACTIVE)).toEqual([
      {
        set: 'outage',
        since: '2025-06-01T10:00:07Z',
        policies: [
          { displayName: 'C1', id: '1', change: 'enabled → disabled' },
          { displayName: 'C2', id: '2', change: 'enabled → disabled' },
          { displayName: 'MFA', id: '3', change: 'enabledForReportingButNotEnforced → enabled' },
          { displayName: 'C2', id: '2', change: 'enabled → deleted' },
          { displayName: 'C1 again', id: '1', change: 'enabled → enabledForReportingButNotEnforced' },
        ],
      },
    ]);
    expect(contingencyConflicts(p, INACTIVE)).toEqual([]);
    expect(contingencyConflicts({ ...p, contingency: undefined }, ACTIVE)).toEqual([]);
  });
});

describe('the reports and the plan file', () => {
  const evil = 'C1 <img src=x onerror=alert(1)> *bold* [link](http://evil)\u0007';
  const sets: NamedContingencySet[] = [{ name: 'outage', activate: [evil] }];
  const tenant = snapshot({ ...C1, displayName: evil });
  const held = holdActiveContingency(plan([update({ ...C1, displayName: evil }, { state: 'disabled' }, [{ path: '/state', before: 'enabled', after: 'disabled' }])]), sets, tenant);

  test('text: a Contingency section with the set, since when, and each held policy; control characters escaped', () => {
    const text = renderPlanText(held);
    expect(text).toContain('Contingency (1 set active in the tenant):\n  outage: active since 2025-06-01T10:00:00Z; 1 held\n');
    expect(text).toContain('    "C1 <img src=x onerror=alert(1)> *bold* [link](http://evil)\\u0007": tenant: enabled, repository declares: disabled\n');
    expect(text).toContain('apply --end-contingency returns them to the declared state');
    expect(text).not.toContain('\u0007');
    expect(renderPlanText(repoPlan())).not.toContain('Contingency');
  });

  test('markdown: the same section, every name escaped', () => {
    const md = renderPlanMarkdown(held);
    const section = md.slice(md.indexOf('### 🆘 Contingency'), md.indexOf('No changes'));
    expect(section).toContain('- **outage** is active since 2025-06-01T10:00:00Z: the plan holds');
    expect(section).toContain('tenant: enabled, repository declares: disabled');
    expect(section).toContain('apply --end-contingency returns them');
    // Raw HTML and live markup are escaped; a link cannot form.
    expect(section).not.toMatch(/<img|(?<!\\)\*bold|(?<!\\)\]\(|http:\/\//);
    expect(section).toContain('&lt;img');
    expect(renderPlanMarkdown(repoPlan())).not.toContain('Contingency');
  });

  test('a plan file keeps the contingency record; a malformed one is refused with its path', () => {
    const back = readPlanFile(writePlanFile(held));
    expect(back.contingency).toEqual(held.contingency);
    const bad = JSON.parse(writePlanFile(held)) as { contingency: { held: { body: unknown }[] } };
    bad.contingency.held[0]!.body = 'x';
    expect(() => readPlanFile(JSON.stringify(bad), 'plan.json')).toThrow('plan.json: /contingency/held/0/body: expected an object');
    const badSet = JSON.parse(writePlanFile(held)) as { contingency: { sets: { deactivatedState: string }[] } };
    badSet.contingency.sets[0]!.deactivatedState = 'enabled';
    expect(() => readPlanFile(JSON.stringify(badSet), 'plan.json')).toThrow('/contingency/sets/0/deactivatedState: expected one of');
  });
});

describe('the action input end-contingency', () => {
  test('false unless set; read the same from the runner and from a composite action\'s env', () => {
    expect(parseInputs({}).endContingency).toBe(false);
    expect(parseInputs({ 'INPUT_END-CONTINGENCY': 'true' }).endContingency).toBe(true);
    expect(parseInputs({ INPUT_END_CONTINGENCY: 'true' }).endContingency).toBe(true);
    expect(() => parseInputs({ INPUT_END_CONTINGENCY: 'yes' })).toThrow('input "end-contingency" is "yes": it must be true or false');
  });
});
