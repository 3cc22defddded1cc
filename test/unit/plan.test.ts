import { ConfigurationError } from '../../src/errors.js';
import type { DocumentKind, JsonObject } from '../../src/model/documents.js';
import type { Plan } from '../../src/model/plan.js';
import type { TenantSnapshot } from '../../src/model/tenant.js';
import { fieldChanges } from '../../src/plan/field-changes.js';
import { fingerprintSnapshot } from '../../src/plan/fingerprint.js';
import { planChanges, type PlanInput } from '../../src/plan/plan-changes.js';
import { readPlanFile, writePlanFile } from '../../src/plan/plan-file.js';
import type { ResolvedDocument } from '../../src/resolve/resolve-references.js';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const BG = id(900);
const SVC = id(901);

function policy(name: string, overrides: JsonObject = {}): JsonObject {
  return {
    displayName: name,
    state: 'enabled',
    conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeGroups: [BG] } },
    grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    ...overrides,
  };
}

/** The policy as Graph answers it: server fields, defaults, nulls. */
function live(n: number, doc: JsonObject): JsonObject {
  const conditions = doc['conditions'] as JsonObject;
  const users = conditions['users'] as JsonObject;
  return {
    id: id(n),
    templateId: null,
    createdDateTime: '2025-01-01T00:00:00Z',
    modifiedDateTime: null,
    partialEnablementStrategy: null,
    description: null,
    ...doc,
    conditions: {
      userRiskLevels: [], signInRiskLevels: [], servicePrincipalRiskLevels: [], platforms: null, locations: null, devices: null, clientApplications: null, authenticationFlows: null, insiderRiskLevels: null,
      ...conditions,
      users: { includeUsers: [], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [], includeGuestsOrExternalUsers: null, excludeGuestsOrExternalUsers: null, ...users },
    },
    sessionControls: doc['sessionControls'] ?? null,
  };
}

function resolved(kind: DocumentKind, value: JsonObject, file = `${kind}-${String(value['displayName'])}.json`): ResolvedDocument {
  return { file, kind, value, resolved: structuredClone(value), locate: () => ({ line: 1, column: 1 }), schemaValid: true };
}

function snapshot(parts: Partial<TenantSnapshot> = {}): TenantSnapshot {
  return { tenantId: 'tenant-1', graphUrl: 'https://graph.microsoft.com', apiVersion: 'v1.0', policies: [], namedLocations: [], authenticationStrengths: [], ...parts };
}

const BUILT_IN = { id: '00000000-0000-0000-0000-000000000002', displayName: 'Multifactor authentication', policyType: 'builtIn', allowedCombinations: ['password,sms'] };

/** What runPlan records of the documents (planChanges leaves it to the caller). */
const SOURCE = { digest: 'd'.repeat(64), documents: 1, files: { 'policies/a.json': 'e'.repeat(64) }, commit: '0123456789abcdef0123456789abcdef01234567', prune: false };

function plan(desired: ResolvedDocument[], snap: TenantSnapshot, extra: Partial<PlanInput> = {}): Plan {
  return withSource(planChanges({
    desired,
    snapshot: snap,
    settings: {},
    prune: false,
    apiVersion: 'v1.0',
    labels: { [BG]: 'group:CA-BreakGlass', [SVC]: 'group:Service' },
    dir: 'conditional-access',
    now: new Date('2026-02-03T04:05:06Z'),
    tool: { name: 'caac', version: '1.2.3' },
    ...extra,
  }));
}

function withSource(p: Plan): Plan {
  return { ...p, source: SOURCE };
}

const actions = (p: Plan) => p.operations.map((o) => `${o.action} ${o.kind} ${o.displayName}`);

describe('planChanges: matching', () => {
  test('a document equal to the tenant object (modulo server fields and defaults) is a noop', () => {
    const doc = policy('A');
    const p = plan([resolved('policy', doc)], snapshot({ policies: [live(1, doc)], authenticationStrengths: [BUILT_IN] }));
    expect(p.operations).toEqual([{ kind: 'policy', action: 'noop', displayName: 'A', id: id(1), file: 'policy-A.json', changes: [] }]);
    expect(p.summary).toEqual({ create: 0, update: 0, delete: 0, unchanged: 1, unmanaged: 0 });
    expect(p.unmanaged).toEqual([]);
  });

  test('matched by displayName, case-insensitive and trimmed', () => {
    const p = plan([resolved('policy', policy('  my policy '))], snapshot({ policies: [live(1, policy('My Policy'))] }));
    expect(p.operations[0]).toMatchObject({ action: 'update', id: id(1), changes: [{ path: '/displayName', before: 'My Policy', after: '  my policy ' }] });
  });

  test("a file's id wins over the name: a rename is an update of displayName", () => {
    const doc = { ...policy('New name'), id: id(2) };
    const p = plan([resolved('policy', doc)], snapshot({ policies: [live(1, policy('New name')), live(2, policy('Old name'))] }));
    expect(p.operations.find((o) => o.action === 'update')).toMatchObject({ id: id(2), displayName: 'New name', changes: [{ path: '/displayName', before: 'Old name', after: 'New name' }] });
    expect(p.unmanaged).toEqual([{ kind: 'policy', id: id(1), displayName: 'New name' }]);
  });

  test('an id not in the tenant falls back to the name', () => {
    const doc = { ...policy('A'), id: id(77) };
    const p = plan([resolved('policy', doc)], snapshot({ policies: [live(1, policy('A'))] }));
    expect(p.operations[0]).toMatchObject({ action: 'noop', id: id(1) });
  });

  test('two tenant objects with one name: a ConfigurationError that tells how to fix it', () => {
    const run = () => plan([resolved('policy', policy('Twin'))], snapshot({ policies: [live(1, policy('Twin')), live(2, policy('twin'))] }));
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(/the tenant holds 2 policies named "Twin" \(ids .*0001, .*0002\).*rename or delete the extra one in the portal, or put the intended one's "id" in policy-Twin.json/);
    // With the id in the file, the ambiguity is gone.
    const p = plan([resolved('policy', { ...policy('Twin'), id: id(2) })], snapshot({ policies: [live(1, policy('Twin')), live(2, policy('twin'))] }));
    expect(p.operations[0]).toMatchObject({ id: id(2) });
  });

  test('two files for one tenant object is an error', () => {
    expect(() => plan([resolved('policy', policy('A'), 'a.json'), resolved('policy', policy('a'), 'b.json')], snapshot({ policies: [live(1, policy('A'))] }))).toThrow(
      /b.json and a.json both describe the policy "a"/,
    );
  });

  test('built-in authentication strengths are never managed, unmanaged or deleted', () => {
    const p = plan([], snapshot({ authenticationStrengths: [BUILT_IN, { id: id(5), displayName: 'Custom', policyType: 'custom', allowedCombinations: ['fido2'] }] }), { prune: true });
    expect(actions(p)).toEqual(['delete authenticationStrength Custom']);
    expect(() => plan([resolved('authenticationStrength', { displayName: 'Multifactor authentication', allowedCombinations: ['fido2'] })], snapshot({ authenticationStrengths: [BUILT_IN] }))).toThrow(
      /built-in authentication strength "Multifactor authentication"/,
    );
  });
});

describe('planChanges: operations', () => {
  const locationDoc = { '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Office', ipRanges: [{ cidrAddress: '192.0.2.0/24' }] };
  const strengthDoc = { displayName: 'Strong', allowedCombinations: ['fido2'] };

  test('prune off: tenant objects without a file are unmanaged; prune on (flag or caac.yml): deleted, with a warning each', () => {
    const snap = snapshot({ policies: [live(1, policy('Orphan'))], namedLocations: [{ id: id(3), '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Old office', ipRanges: [] }] });
    const off = plan([], snap);
    expect(off.operations).toEqual([]);
    expect(off.unmanaged).toEqual([
      { kind: 'policy', id: id(1), displayName: 'Orphan' },
      { kind: 'namedLocation', id: id(3), displayName: 'Old office' },
    ]);
    expect(off.summary.unmanaged).toBe(2);
    for (const on of [plan([], snap, { prune: true }), plan([], snap, { settings: { prune: true } })]) {
      expect(actions(on)).toEqual(['delete policy Orphan', 'delete namedLocation Old office']);
      expect(on.unmanaged).toEqual([]);
      expect(on.warnings.map((w) => [w.kind, w.displayName])).toEqual([
        ['delete', 'Orphan'],
        ['delete', 'Old office'],
      ]);
      expect(on.summary).toMatchObject({ delete: 2, unmanaged: 0 });
    }
  });

  test('dependency order: locations and strengths first, then policies, then policy deletes, then location deletes', () => {
    const snap = snapshot({
      policies: [live(1, policy('Z existing', { state: 'disabled' })), live(2, policy('Gone'))],
      namedLocations: [{ id: id(3), '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Old', ipRanges: [] }],
    });
    const p = plan(
      [
        resolved('policy', policy('B new', { state: 'disabled' })),
        resolved('policy', policy('Z existing', { state: 'disabled', description: 'changed' })),
        resolved('authenticationStrength', strengthDoc),
        resolved('namedLocation', locationDoc),
      ],
      snap,
      { prune: true },
    );
    expect(actions(p)).toEqual([
      'create namedLocation Office',
      'create authenticationStrength Strong',
      'create policy B new',
      'update policy Z existing',
      'delete policy Gone',
      'delete namedLocation Old',
    ]);
    expect(p.summary).toEqual({ create: 3, update: 1, delete: 2, unchanged: 0, unmanaged: 0 });
  });

  test('creates and updates carry the complete body; noops and deletes none', () => {
    const p = plan([resolved('namedLocation', locationDoc)], snapshot());
    expect(p.operations[0]!.body).toEqual({
      '@odata.type': '#microsoft.graph.ipNamedLocation',
      displayName: 'Office',
      isTrusted: false,
      ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '192.0.2.0/24' }],
    });
    expect(p.operations[0]!.changes.map((c) => c.path)).toEqual(['/@odata.type', '/displayName', '/ipRanges', '/isTrusted']);
  });

  test('the plan file header: version, tool, tenant, dir, time, fingerprint, labels, requests left to the caller', () => {
    const snap = snapshot({ policies: [live(1, policy('A'))] });
    const p = plan([resolved('policy', policy('A'))], snap);
    expect(p).toMatchObject({
      formatVersion: 2,
      tool: { name: 'caac', version: '1.2.3' },
      tenant: { id: 'tenant-1', graphUrl: 'https://graph.microsoft.com' },
      dir: 'conditional-access',
      apiVersion: 'v1.0',
      createdAt: '2026-02-03T04:05:06.000Z',
      fingerprint: fingerprintSnapshot(snap, 'v1.0'),
      labels: { [BG]: 'group:CA-BreakGlass' },
      requests: { total: 0, byEndpoint: {} },
    });
  });
});

describe('field changes', () => {
  test('arrays are reported whole at their pointer', () => {
    expect(fieldChanges({ conditions: { users: { excludeGroups: ['a', 'b'] } } }, { conditions: { users: { excludeGroups: ['a'] } } })).toEqual([
      { path: '/conditions/users/excludeGroups', before: ['a', 'b'], after: ['a'] },
    ]);
    expect(fieldChanges({ ipRanges: [{ cidrAddress: '1' }, { cidrAddress: '2' }] }, { ipRanges: [{ cidrAddress: '1' }, { cidrAddress: '3' }] })).toEqual([
      { path: '/ipRanges', before: [{ cidrAddress: '1' }, { cidrAddress: '2' }], after: [{ cidrAddress: '1' }, { cidrAddress: '3' }] },
    ]);
  });

  test('added and removed values have only after or before; nested scalars by their own pointer', () => {
    expect(fieldChanges({ a: 1, s: { f: { v: 4, t: 'hours' } } }, { b: 2, s: { f: { v: 8, t: 'hours' } } })).toEqual([
      { path: '/a', before: 1 },
      { path: '/b', after: 2 },
      { path: '/s/f/v', before: 4, after: 8 },
    ]);
  });

  test('an update lists exactly the changed fields of the normalized forms, with pointers escaped', () => {
    const before = live(1, policy('A'));
    const after = policy('A', { conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeGroups: [BG, SVC] } } });
    const p = plan([resolved('policy', after)], snapshot({ policies: [before] }));
    expect(p.operations[0]!.changes).toEqual([{ path: '/conditions/users/excludeGroups', before: [BG], after: [BG, SVC].sort() }]);
    expect(fieldChanges({}, { 'a/b': { '~c': 1 } })).toEqual([{ path: '/a~1b', after: { '~c': 1 } }]);
  });
});

describe('warnings', () => {
  const emergency: Partial<PlanInput> = { settings: { emergencyAccess: { groups: ['group:CA-BreakGlass'] } }, emergencyAccess: { users: [], groups: [BG] } };

  test('a state change to enabled is an enforcement warning; a new enabled policy too', () => {
    const p = plan([resolved('policy', policy('A')), resolved('policy', policy('New'))], snapshot({ policies: [live(1, policy('A', { state: 'enabledForReportingButNotEnforced' }))] }));
    expect(p.warnings.map((w) => [w.kind, w.displayName, w.message])).toEqual([
      ['enforcement', 'A', 'state changes from "enabledForReportingButNotEnforced" to "enabled": the policy will be enforced'],
      ['enforcement', 'New', expect.stringContaining('is created enabled')],
    ]);
  });

  test('a policy that newly blocks', () => {
    const block = { operator: 'OR', builtInControls: ['block'] };
    const p = plan(
      [resolved('policy', policy('Gains', { grantControls: block })), resolved('policy', policy('Created', { grantControls: block })), resolved('policy', policy('Disabled', { state: 'disabled', grantControls: block }))],
      snapshot({ policies: [live(1, policy('Gains'))] }),
    );
    expect(p.warnings.filter((w) => w.kind === 'new-block').map((w) => w.displayName)).toEqual(['Created', 'Gains']);
    // Unchanged blocking policies do not warn.
    const same = plan([resolved('policy', policy('B', { grantControls: block }))], snapshot({ policies: [live(1, policy('B', { grantControls: block }))] }));
    expect(same.warnings).toEqual([]);
  });

  test('a break-glass exclusion removed, named by the labels of the resolution', () => {
    const without = policy('A', { conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeGroups: [SVC] } } });
    const p = plan([resolved('policy', without)], snapshot({ policies: [live(1, policy('A'))] }), emergency);
    expect(p.warnings).toEqual([{ kind: 'break-glass-removed', displayName: 'A', message: expect.stringContaining(`no longer excludes the emergency-access group group:CA-BreakGlass (${BG})`) }]);
    // Without emergencyAccess settings, or with the exclusion kept, no warning.
    expect(plan([resolved('policy', without)], snapshot({ policies: [live(1, policy('A'))] })).warnings).toEqual([]);
    expect(plan([resolved('policy', policy('A', { description: 'x' }))], snapshot({ policies: [live(1, policy('A'))] }), emergency).warnings).toEqual([]);
    // Without a label the id alone is shown.
    const byId = plan([resolved('policy', without)], snapshot({ policies: [live(1, policy('A'))] }), { ...emergency, labels: {} });
    expect(byId.warnings.map((w) => [w.kind, w.message])).toEqual([['break-glass-removed', expect.stringContaining(`group ${BG} (${BG})`)]]);
  });

  test('beta-only properties under v1.0 are a warning (and not a change); under beta they are managed', () => {
    const doc = policy('A', { sessionControls: { continuousAccessEvaluation: { mode: 'strictEnforcement' } } });
    const p = plan([resolved('policy', doc)], snapshot({ policies: [live(1, policy('A'))] }));
    expect(p.operations[0]!.action).toBe('noop');
    expect(p.warnings).toEqual([{ kind: 'beta', displayName: 'A', message: expect.stringContaining('/sessionControls/continuousAccessEvaluation, ignored under --api-version v1.0') }]);
    const beta = plan([resolved('policy', doc)], snapshot({ policies: [live(1, policy('A'))] }), { apiVersion: 'beta' });
    expect(beta.operations[0]!.changes).toEqual([{ path: '/sessionControls', after: { continuousAccessEvaluation: { mode: 'strictEnforcement' } } }]);
    expect(beta.warnings).toEqual([]);
  });

  test('deletions come first among warnings', () => {
    const p = plan([resolved('policy', policy('New'))], snapshot({ policies: [live(1, policy('Old'))] }), { prune: true });
    expect(p.warnings.map((w) => w.kind)).toEqual(['delete', 'enforcement']);
  });
});

describe('fingerprintSnapshot', () => {
  const snap = () =>
    snapshot({
      policies: [live(1, policy('A')), live(2, policy('B'))],
      namedLocations: [{ id: id(3), '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'C', countriesAndRegions: ['FR', 'DE'] }],
      authenticationStrengths: [BUILT_IN],
    });

  test('stable across runs, object order, array order and server timestamps', () => {
    const a = fingerprintSnapshot(snap(), 'v1.0');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintSnapshot(snap(), 'v1.0')).toBe(a);
    const shuffled = snap();
    shuffled.policies.reverse();
    (shuffled.namedLocations[0]!['countriesAndRegions'] as string[]).reverse();
    shuffled.policies[0]!['modifiedDateTime'] = '2026-01-01T00:00:00Z';
    expect(fingerprintSnapshot(shuffled, 'v1.0')).toBe(a);
  });

  test('changes when any object changes, appears or disappears', () => {
    const a = fingerprintSnapshot(snap(), 'v1.0');
    const changed = snap();
    changed.policies[1]!['state'] = 'disabled';
    expect(fingerprintSnapshot(changed, 'v1.0')).not.toBe(a);
    const added = snap();
    added.policies.push(live(9, policy('Z')));
    expect(fingerprintSnapshot(added, 'v1.0')).not.toBe(a);
    const removed = snap();
    removed.namedLocations = [];
    expect(fingerprintSnapshot(removed, 'v1.0')).not.toBe(a);
    const renamed = snap();
    renamed.policies[0]!['id'] = id(8);
    expect(fingerprintSnapshot(renamed, 'v1.0')).not.toBe(a);
    expect(fingerprintSnapshot({ ...snap(), tenantId: 'other' }, 'v1.0')).not.toBe(a);
  });
});

describe('readPlanFile', () => {
  const sample = () => plan([resolved('policy', policy('New'))], snapshot({ policies: [live(1, policy('Old'))] }), { prune: true });

  test('round-trips what planChanges makes', () => {
    const p = sample();
    expect(readPlanFile(writePlanFile(p))).toEqual(p);
  });

  test('refuses broken JSON, other versions and wrong shapes with a clear ConfigurationError', () => {
    expect(() => readPlanFile('{', 'plan.json')).toThrow(/plan.json: not valid JSON/);
    expect(() => readPlanFile('[]')).toThrow(ConfigurationError);
    expect(() => readPlanFile('{}')).toThrow(/\/formatVersion: missing/);
    expect(() => readPlanFile(JSON.stringify({ ...sample(), formatVersion: 3 }))).toThrow(/written by a newer caac/);
    expect(() => readPlanFile(JSON.stringify({ ...sample(), formatVersion: 1 }))).toThrow(/format version 1 records no digest of the documents .*make the plan again/);
    expect(() => readPlanFile(JSON.stringify({ ...sample(), source: undefined }))).toThrow(/\/source: expected an object/);
    expect(() => readPlanFile(JSON.stringify({ ...sample(), source: { ...SOURCE, digest: 'abc' } }))).toThrow(/\/source\/digest: expected a sha256 hex digest .*make the plan again/);
    expect(() => readPlanFile(JSON.stringify({ ...sample(), source: { ...SOURCE, files: { 'a.json': 1 } } }))).toThrow(/\/source\/files\/a.json: expected a sha256/);
    expect(() => readPlanFile(JSON.stringify({ ...sample(), source: { ...SOURCE, commit: 'main' } }))).toThrow(/\/source\/commit: expected a git commit id/);
    expect(() => readPlanFile(JSON.stringify({ ...sample(), source: { ...SOURCE, prune: 'yes' } }))).toThrow(/\/source\/prune: expected true or false/);
    const badAction = sample() as unknown as { operations: { action: string }[] };
    badAction.operations[0]!.action = 'explode';
    expect(() => readPlanFile(JSON.stringify(badAction))).toThrow(/\/operations\/0\/action: expected one of create, update, delete, noop/);
    const noBody = sample();
    delete noBody.operations.find((o) => o.action === 'create')!.body;
    expect(() => readPlanFile(JSON.stringify(noBody))).toThrow(/\/body: expected an object/);
    expect(() => readPlanFile(JSON.stringify({ ...sample(), fingerprint: 'abc' }))).toThrow(/\/fingerprint: expected a sha256/);
    // The emergency-access ids apply re-checks: a malformed list must not pass as "no accounts".
    const guards = { users: [], groups: ['g'], exemptPolicies: [] };
    expect(readPlanFile(JSON.stringify({ ...sample(), guards })).guards).toEqual(guards);
    expect(() => readPlanFile(JSON.stringify({ ...sample(), guards: { ...guards, groups: 'g' } }))).toThrow(/\/guards\/groups: expected an array/);
    expect(() => readPlanFile(JSON.stringify({ ...sample(), guards: { emergencyAccessIds: ['g'] } }))).toThrow(/\/guards\/users: expected an array/);
  });
});

describe('trusted named locations: a delete in two steps', () => {
  const location = (n: number, name: string, isTrusted: boolean): JsonObject => ({
    id: id(n),
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    displayName: name,
    isTrusted,
    ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: `192.0.2.${n}/32` }],
  });
  const pruned = () => plan([], snapshot({ namedLocations: [location(1, 'Trusted HQ', true), location(2, 'Guest Wi-Fi', false)] }), { prune: true });

  test('the plan marks a trusted location untrusted before deleting it; an untrusted one is one DELETE', () => {
    const p = pruned();
    expect(p.operations.map((o) => [o.displayName, o.action, o.steps])).toEqual([
      ['Guest Wi-Fi', 'delete', undefined],
      ['Trusted HQ', 'delete', ['markUntrusted', 'delete']],
    ]);
    expect(p.warnings.find((w) => w.displayName === 'Trusted HQ')?.message).toMatch(/trusted, so it is first marked untrusted/);
    expect(p.warnings.find((w) => w.displayName === 'Guest Wi-Fi')?.message).not.toMatch(/untrusted/);
  });

  test('the plan file keeps the steps and refuses steps that make no sense', () => {
    const p = pruned();
    expect(readPlanFile(writePlanFile(p))).toEqual(p);
    const withSteps = (steps: unknown, index = 1, patch: JsonObject = {}): string => {
      const copy = JSON.parse(writePlanFile(p)) as { operations: JsonObject[] };
      copy.operations[index] = { ...copy.operations[index]!, steps: steps as JsonObject, ...patch };
      return JSON.stringify(copy);
    };
    expect(() => readPlanFile(withSteps(['delete', 'markUntrusted']))).toThrow(/\/operations\/1\/steps: each step once, and 'delete' last/);
    expect(() => readPlanFile(withSteps(['markUntrusted', 'explode', 'delete']))).toThrow(/\/operations\/1\/steps\/1: expected one of markUntrusted, delete/);
    expect(() => readPlanFile(withSteps([]))).toThrow(/expected a list/);
    expect(() => readPlanFile(withSteps(['markUntrusted', 'delete'], 1, { kind: 'policy' }))).toThrow(/named locations only/);
    const update = plan([resolved('policy', policy('P', { state: 'disabled' }))], snapshot({ policies: [live(5, policy('P'))] }));
    const copy = JSON.parse(writePlanFile(update)) as { operations: JsonObject[] };
    copy.operations[0]!['steps'] = ['delete'];
    expect(() => readPlanFile(JSON.stringify(copy))).toThrow(/only a delete has steps/);
  });
});

describe('security defaults: which operations enable a policy', () => {
  test('creates and updates whose body is enabled, whatever the case; report-only, disabled, deletes and other kinds are not', async () => {
    const { policiesThatEnable, securityDefaultsRefusal, securityDefaultsUnknownWarning } = await import('../../src/plan/security-defaults.js');
    const p = plan(
      [
        resolved('policy', policy('New on')),
        resolved('policy', policy('New report-only', { state: 'enabledForReportingButNotEnforced' })),
        resolved('policy', policy('Turned on', { state: 'Enabled' })),
        resolved('policy', policy('Turned off', { state: 'disabled' })),
      ],
      snapshot({ policies: [live(1, policy('Turned on', { state: 'disabled' })), live(2, policy('Turned off')), live(3, policy('Pruned'))] }),
      { prune: true },
    );
    const enabling = policiesThatEnable(p);
    expect(enabling.map((o) => [o.displayName, o.action])).toEqual([
      ['New on', 'create'],
      ['Turned on', 'update'],
    ]);
    const message = securityDefaultsRefusal(enabling, (op) => `${op.file}:3`);
    expect(message).toMatch(/would enable 2 policies:\n {2}policy-New on.json:3: "New on" \(create, state: enabled\)\n/);
    expect(message).toMatch(/turn security defaults off/);
    expect(securityDefaultsUnknownWarning(enabling)).toMatchObject({ kind: 'security-defaults', displayName: 'New on, Turned on' });
  });
});
