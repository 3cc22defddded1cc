/**
 * `runDrift` against the emulator's sample tenant and a copy of examples/conditional-access/, with
 * edits made by named callers through JWT-shaped tokens: a field changed by mallory, a policy
 * created outside the repository, one deleted, a named location changed, a contingency set
 * activated, Microsoft's own changes; the audit log forbidden. Checks the JSON contract, the
 * actors, the Graph requests spent, and what the state says to notify.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDrift, type DriftOutcome } from '../../src/commands/drift.js';
import { runContingency } from '../../src/commands/contingency.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import { WHO_UNKNOWN, type DriftReport } from '../../src/drift/report.js';
import type { DriftState } from '../../src/drift/state.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { renderDriftText } from '../../src/render/drift-text.js';
import { renderDriftMarkdown } from '../../src/render/drift-markdown.js';
import { exampleTenant } from '../fixtures/repo-helpers.js';
import { MALLORY, MICROSOFT_MANAGED, OPTIMIZATION_AGENT, idOf, portalRequest } from '../fixtures/portal-edit.js';

const CA002 = 'CA002 - Require multifactor authentication for all users';
const CA007 = 'CA007 - Require MFA for medium and high sign-in risk';
const CA010 = 'CA010 - Block device code flow and authentication transfer';
const POLICIES = 'identity/conditionalAccess/policies';
const LOCATIONS = 'identity/conditionalAccess/namedLocations';

let emu: RunningEmulator;
let cwd: string;
let connection: GraphConnection;
const dirs: string[] = [];

beforeEach(async () => {
  ({ emu, cwd, connection } = await exampleTenant('caac-drift-', dirs));
});
afterEach(async () => {
  await emu.stop();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const dir = (): string => join(cwd, 'conditional-access');

async function drift(previous?: DriftState): Promise<Extract<DriftOutcome, { status: 'reported' }>> {
  const outcome = await runDrift(filePolicyStore(dir()), connection, { dir: dir(), apiVersion: 'v1.0', ...(previous ? { previous } : {}) });
  if (outcome.status !== 'reported') throw new Error(`drift stopped: ${outcome.status}`);
  return outcome;
}

const item = (report: DriftReport, displayName: string) => {
  const found = [...report.drift, ...report.microsoftManaged].find((i) => i.displayName === displayName);
  if (found === undefined) throw new Error(`${displayName} not in the report: ${JSON.stringify(report.drift.map((i) => i.displayName))}`);
  return found;
};

test('a tenant that matches the repository: no drift, the audit log is not read, three list reads', async () => {
  const { report, transition, requests } = await drift();
  expect(report.summary).toEqual({ changed: 0, added: 0, removed: 0, critical: 0, microsoftManaged: 0 });
  expect(report.drift).toEqual([]);
  expect(report.failing).toBe(false);
  expect(report.auditLog).toEqual({ status: 'not-needed' });
  expect(transition).toBe('clean');
  expect(Object.keys(requests.byEndpoint).filter((k) => k.includes('auditLogs'))).toEqual([]);
  expect(Object.keys(requests.byEndpoint).filter((k) => k.includes('deletedItems'))).toEqual([]);
  // One paged list per kind, and the name look-ups plan makes anyway (in bulk).
  expect(requests.byEndpoint).toMatchObject({ 'GET /v1.0/identity/conditionalAccess/policies': 1, 'GET /v1.0/identity/conditionalAccess/namedLocations': 1, 'GET /v1.0/policies/authenticationStrengthPolicies': 1 });
  expect(requests.total).toBe(5); // + GET organization (the tenant's id) and one $batch of name look-ups
});

test('edits by named callers: each kind of drift, who did it, in one audit request', async () => {
  writeFileSync(join(dir(), 'caac.yml'), `${readFileSync(join(dir(), 'caac.yml'), 'utf8')}\ndrift:\n  critical: ["CA00? - *all users"]\n`);
  const ca002 = await idOf(emu.url, POLICIES, CA002);
  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${ca002}`, { state: 'disabled' });
  const vpn = await idOf(emu.url, LOCATIONS, 'Branch office VPN');
  await portalRequest(emu.url, { upn: 'bob@contoso.com' }, 'PATCH', `${LOCATIONS}/${vpn}`, { '@odata.type': '#microsoft.graph.ipNamedLocation', ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' }] });
  const ca010 = await idOf(emu.url, POLICIES, CA010);
  await portalRequest(emu.url, MALLORY, 'DELETE', `${POLICIES}/${ca010}`);
  await portalRequest(emu.url, { upn: 'bob@contoso.com' }, 'POST', POLICIES, {
    displayName: 'Temporary exception for the CFO',
    state: 'enabledForReportingButNotEnforced',
    conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] } },
    grantControls: { operator: 'OR', builtInControls: ['mfa'] },
  });

  const before = emu.requests();
  const { report, transition, state, requests } = await drift();
  const spent = emu.requests();
  const audits = (spent.byEndpoint['GET /v1.0/auditLogs/directoryAudits'] ?? 0) - (before.byEndpoint['GET /v1.0/auditLogs/directoryAudits'] ?? 0);
  expect(audits).toBe(1);
  // The clean run's five, plus one list of deleted policies (a repository policy is missing), one
  // audit-log request for the four drifted objects, and the name look-ups of the missing policy's file.
  expect(requests.byEndpoint['GET /v1.0/identity/conditionalAccess/deletedItems/policies']).toBe(1);
  expect(requests.byEndpoint['GET /v1.0/identity/conditionalAccess/deletedItems/namedLocations']).toBeUndefined();
  expect(requests.byEndpoint['GET /v1.0/auditLogs/directoryAudits']).toBe(1);
  expect(requests.total).toBeLessThanOrEqual(8);
  expect(report.summary).toEqual({ changed: 2, added: 1, removed: 1, critical: 1, microsoftManaged: 0 });
  expect(report.failing).toBe(true);
  expect(transition).toBe('appeared');
  expect(state.signature).toMatch(/^[0-9a-f]{64}$/);

  // Critical first.
  expect(report.drift[0]).toMatchObject({ displayName: CA002, critical: true, change: 'changed', id: ca002, fields: [{ path: '/state', repository: 'enabled', tenant: 'disabled' }] });
  expect(report.drift[0]!.modifiedDateTime).toEqual(expect.any(String));
  expect(report.drift[0]!.changedBy).toEqual([{ at: expect.any(String), activity: 'Update conditional access policy', actor: 'mallory@contoso.com', app: null, properties: ['state'] }]);
  const location = item(report, 'Branch office VPN');
  expect(location).toMatchObject({ kind: 'namedLocation', change: 'changed', critical: false });
  expect(location.changedBy.map((a) => a.actor)).toEqual(['bob@contoso.com']);
  expect(item(report, CA010)).toMatchObject({ change: 'removed', id: ca010, deleted: 'deletedItems', changedBy: [expect.objectContaining({ activity: 'Delete conditional access policy', actor: 'mallory@contoso.com' })] });
  expect(item(report, 'Temporary exception for the CFO')).toMatchObject({ change: 'added', changedBy: [expect.objectContaining({ activity: 'Add conditional access policy', actor: 'bob@contoso.com' })] });

  const text = renderDriftText(report);
  expect(text).toContain('CRITICAL changed policy "CA002 - Require multifactor authentication for all users"');
  expect(text).toContain('by mallory@contoso.com [state]');
  expect(text).toContain('caac plan --dir');
  expect(text).toContain('caac backup --out');
  const markdown = renderDriftMarkdown(report);
  expect(markdown).toContain('mallory@\u200bcontoso.com');
  expect(markdown.length).toBeLessThan(65536);
});

test('the next run with the same drift is unchanged (no notification); fixed, it is cleared', async () => {
  const ca002 = await idOf(emu.url, POLICIES, CA002);
  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${ca002}`, { state: 'disabled' });
  const first = await drift();
  expect(first.transition).toBe('appeared');
  const second = await drift(first.state);
  expect(second.transition).toBe('unchanged');
  // Mallory's edit is still named: the window starts where the policy last matched.
  expect(item(second.report, CA002).changedBy.map((a) => a.actor)).toEqual(['mallory@contoso.com']);
  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${ca002}`, { grantControls: { operator: 'OR', builtInControls: ['block'] } });
  const third = await drift(second.state);
  expect(third.transition).toBe('changed');
  await portalRequest(emu.url, { upn: 'alice@contoso.com' }, 'PATCH', `${POLICIES}/${ca002}`, { state: 'enabled', grantControls: { operator: 'OR', builtInControls: ['mfa'] } });
  const fourth = await drift(third.state);
  expect(fourth.transition).toBe('cleared');
  expect(fourth.report.failing).toBe(false);
});

test('an active contingency set is reported as such, not as drift', async () => {
  const store = filePolicyStore(dir());
  await runContingency('activate', 'outage-mfa', { ...connection, store }, { apiVersion: 'v1.0' } as never);
  const { report } = await drift();
  expect(report.drift).toEqual([]);
  expect(report.failing).toBe(false);
  expect(report.contingency).toEqual([expect.objectContaining({ set: 'outage-mfa', policies: expect.arrayContaining([expect.stringMatching(/^CA901/)]) })]);
});

test("Microsoft's own changes are listed apart and do not fail the run, unless the settings say so", async () => {
  const ca007 = await idOf(emu.url, POLICIES, CA007);
  await portalRequest(emu.url, MICROSOFT_MANAGED, 'PATCH', `${POLICIES}/${ca007}`, { state: 'enabledForReportingButNotEnforced' });
  await portalRequest(emu.url, OPTIMIZATION_AGENT, 'POST', POLICIES, {
    displayName: 'Microsoft-suggested: require MFA for admins',
    state: 'enabledForReportingButNotEnforced',
    conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeRoles: ['62e90394-69f5-4237-9190-012177145e10'] } },
    grantControls: { operator: 'OR', builtInControls: ['mfa'] },
  });
  const { report, state } = await drift();
  expect(report.drift).toEqual([]);
  expect(report.failing).toBe(false);
  expect(report.microsoftManaged.map((i) => [i.displayName, i.change, i.changedBy[0]?.app])).toEqual([
    [CA007, 'changed', 'Microsoft Managed Policy Manager'],
    ['Microsoft-suggested: require MFA for admins', 'added', 'Conditional Access Optimization Agent'],
  ]);
  // Remembered: once the audit window has moved past the change, it stays apart.
  const later = await drift({ ...state, generatedAt: new Date(Date.now() + 1000).toISOString() });
  expect(later.report.microsoftManaged).toHaveLength(2);

  writeFileSync(join(dir(), 'caac.yml'), `${readFileSync(join(dir(), 'caac.yml'), 'utf8')}\ndrift:\n  failOnMicrosoftManaged: true\n`);
  expect((await drift()).report.failing).toBe(true);
});

test('without AuditLog.Read.All drift still works and says who is unknown', async () => {
  await fetch(`${emu.url}/_emulator/audit-log`, { method: 'POST', body: JSON.stringify({ forbidden: true }) });
  const ca002 = await idOf(emu.url, POLICIES, CA002);
  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${ca002}`, { state: 'disabled' });
  const { report } = await drift();
  expect(report.summary.changed).toBe(1);
  expect(report.auditLog.status).toBe('forbidden');
  expect(report.drift[0]!.changedBy).toEqual([]);
  expect(report.warnings[0]).toContain(WHO_UNKNOWN);
  expect(renderDriftText(report)).toContain(WHO_UNKNOWN);
});
