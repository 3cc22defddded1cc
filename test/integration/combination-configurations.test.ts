/**
 * combinationConfigurations (issue 8, point 9), end to end against the emulator: the endpoint and
 * its refusals; a strength's FIDO2 allow-list planned, shown, applied (through the endpoint) and
 * read back; backup → plan shows no changes; a strength created with its configuration; restore.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runApply } from '../../src/commands/apply.js';
import { runBackup } from '../../src/commands/backup.js';
import { runPlan } from '../../src/commands/plan.js';
import { planRestore } from '../../src/commands/restore.js';
import { connectGraph, type GraphConnection } from '../../src/graph/connect.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { Plan } from '../../src/model/plan.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileSnapshotStore } from '../../src/repo/snapshot-store.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { harness, type Harness } from '../fixtures/emulator/client.js';
import { madeHere } from '../fixtures/plan-source.js';
import { folderBackupStore } from '../../src/repo/backup-folder.js';
import { silentLogger } from '../../src/ports/logger.js';

const STRENGTHS = '/policies/authenticationStrengthPolicies';
const FIDO2 = '#microsoft.graph.fido2CombinationConfiguration';
const X509 = '#microsoft.graph.x509CertificateCombinationConfiguration';
const A = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
const B = 'ee882879-721c-4913-9775-3dfcce97072a';

describe('the emulator: …/authenticationStrengthPolicies/{id}/combinationConfigurations', () => {
  let h: Harness;
  let id: string;
  beforeEach(async () => {
    h = await harness();
    const s = await h.g('POST', STRENGTHS, { displayName: 'Keys', allowedCombinations: ['fido2', 'x509CertificateMultiFactor', 'password,sms'] });
    expect(s.status).toBe(201);
    expect(s.body.combinationConfigurations).toEqual([]);
    id = s.body.id as string;
  });
  afterEach(async () => h.emu.stop());

  test('list, create (201), get, update (200), delete (204); the strength GET and list carry them', async () => {
    const base = `${STRENGTHS}/${id}/combinationConfigurations`;
    const created = await h.g('POST', base, { '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [A.toUpperCase()] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [A] });
    const cid = created.body.id as string;
    expect((await h.g('GET', base)).body.value).toEqual([{ '@odata.type': FIDO2, id: cid, appliesToCombinations: ['fido2'], allowedAAGUIDs: [A] }]);
    expect((await h.g('GET', `${base}/${cid}`)).body).toMatchObject({ id: cid, allowedAAGUIDs: [A] });
    const patched = await h.g('PATCH', `${base}/${cid}`, { '@odata.type': FIDO2, allowedAAGUIDs: [A, B] });
    expect(patched.status).toBe(200);
    expect(patched.body.allowedAAGUIDs).toEqual([A, B]);
    const x509 = await h.g('POST', base, { '@odata.type': X509, appliesToCombinations: ['x509CertificateMultiFactor'], allowedIssuerSkis: ['AB12'] });
    expect(x509.body).toMatchObject({ allowedIssuerSkis: ['AB12'], allowedPolicyOIDs: [] });
    // One list of strengths carries every configuration: no GET per strength is needed.
    const list = await h.g('GET', STRENGTHS);
    const mine = (list.body.value as JsonObject[]).find((s) => s['id'] === id)!;
    expect((mine['combinationConfigurations'] as JsonObject[]).map((c) => c['id'])).toEqual([cid, x509.body.id]);
    expect((await h.g('GET', `${STRENGTHS}/${id}`)).body.combinationConfigurations).toHaveLength(2);
    expect((await h.g('DELETE', `${base}/${cid}`)).status).toBe(204);
    expect((await h.g('GET', `${base}/${cid}`)).status).toBe(404);
    expect((await h.g('GET', base)).body.value).toHaveLength(1);
  });

  test('refusals: built-in strengths, combinations outside the strength or the type, a second one per combination, unknown properties, inline on create, orphaning updateAllowedCombinations', async () => {
    const base = `${STRENGTHS}/${id}/combinationConfigurations`;
    const builtIn = await h.g('POST', `${STRENGTHS}/00000000-0000-0000-0000-000000000004/combinationConfigurations`, { '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [A] });
    expect(builtIn.status).toBe(400);
    expect(builtIn.body.error.message).toMatch(/Built-in/);
    const refusals: [unknown, RegExp][] = [
      [{ '@odata.type': FIDO2, appliesToCombinations: ['password,sms'], allowedAAGUIDs: [A] }, /applies to fido2 only/],
      [{ '@odata.type': X509, appliesToCombinations: ['x509CertificateSingleFactor'] }, /not one of the authentication strength's allowedCombinations/],
      [{ '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedIssuerSkis: ['AB'] }, /^1007: .*allowedIssuerSkis/],
      [{ '@odata.type': FIDO2, appliesToCombinations: ['fido2'], colour: 'blue' }, /^1007: .*colour/],
      [{ appliesToCombinations: ['fido2'] }, /^1007: '@odata.type' is required/],
      [{ '@odata.type': FIDO2, appliesToCombinations: [] }, /at least one combination/],
      [{ '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: ['nope'] }, /Invalid AAGUID/],
    ];
    for (const [body, message] of refusals) {
      const r = await h.g('POST', base, body);
      expect([r.status, r.body.error.message]).toEqual([400, expect.stringMatching(message)]);
      expect(typeof r.body.error.innerError['request-id']).toBe('string');
    }
    expect((await h.g('POST', base, { '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [A] })).status).toBe(201);
    const twice = await h.g('POST', base, { '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [B] });
    expect([twice.status, twice.body.error.message]).toEqual([400, expect.stringMatching(/already has a fido2CombinationConfiguration/)]);
    const orphan = await h.g('POST', `${STRENGTHS}/${id}/updateAllowedCombinations`, { allowedCombinations: ['password,sms'] });
    expect([orphan.status, orphan.body.error.message]).toEqual([400, expect.stringMatching(/delete it before removing the combination/)]);
    const inline = await h.g('POST', STRENGTHS, { displayName: 'Inline', allowedCombinations: ['fido2'], combinationConfigurations: [{ '@odata.type': FIDO2, appliesToCombinations: ['fido2'] }] });
    expect([inline.status, inline.body.error.message]).toEqual([400, expect.stringMatching(/POST each one/)]);
    expect((await h.g('PATCH', STRENGTHS + '/' + id, { combinationConfigurations: [] })).status).toBe(400);
    expect((await h.g('GET', `${STRENGTHS}/${id}/combinationConfigurations/nope`)).status).toBe(404);
  });
});

describe('caac: plan, apply, backup and restore of a strength with configurations', () => {
  let h: Harness;
  let cwd: string;
  let connection: GraphConnection;
  const STRENGTH_FILE = 'authentication-strengths/phishing-resistant-mfa-custom.json';
  beforeEach(async () => {
    h = await harness({ seed: 'sample' });
    cwd = mkdtempSync(join(tmpdir(), 'caac-combos-'));
    cpSync(resolve('examples/conditional-access'), join(cwd, 'conditional-access'), { recursive: true });
    connection = connectGraph({ graphUrl: h.emu.url, env: { CAAC_ACCESS_TOKEN: 't' }, rateLimit: 1000, burst: 1000, maxRetryTimeMs: 2000, retryBaseDelayMs: 10 });
  });
  afterEach(async () => {
    await h.emu.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  const editStrength = (configurations: unknown[] | undefined, file = STRENGTH_FILE): void => {
    const path = join(cwd, 'conditional-access', file);
    const doc = JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
    if (configurations === undefined) delete doc['combinationConfigurations'];
    else doc['combinationConfigurations'] = configurations as JsonObject[];
    writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
  };
  const plan = async (dir = 'conditional-access'): Promise<Plan> => {
    const outcome = await runPlan(filePolicyStore(dir, { cwd }), connection, { dir, apiVersion: 'v1.0' });
    if (outcome.status !== 'planned') throw new Error(`plan stopped: ${outcome.status} ${JSON.stringify(outcome.status === 'invalid' ? outcome.validation.findings : '')}`);
    return outcome.plan;
  };
  const apply = async (p: Plan, only?: string) => {
    const outcome = await runApply(p, { tenant: connection.tenant, snapshots: fileSnapshotStore(join(cwd, `snap-${Math.random()}`)), source: madeHere(p, cwd, only) }, { allowDelete: true, keepGoing: false, log: silentLogger });
    expect(outcome.failed).toBe(0);
    expect(outcome.verification).toEqual([]);
    return outcome;
  };
  const liveStrength = async (name: string): Promise<JsonObject> => (await connection.tenant.read()).authenticationStrengths.find((s) => s['displayName'] === name)!;

  test('an AAGUID allow-list: added, loosened (the plan shows it), removed; each apply converges', async () => {
    const fido = (aaguids: string[]) => [{ '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: aaguids }];
    editStrength(fido([A]));
    const added = await plan();
    expect(added.operations.filter((o) => o.action !== 'noop').map((o) => [o.kind, o.action])).toEqual([['authenticationStrength', 'update']]);
    // The plan read the configurations from the one list of strengths: no GET per strength.
    expect(Object.keys(added.requests.byEndpoint).filter((e) => e.includes('authenticationStrengthPolicies/'))).toEqual([]);
    await apply(added);
    expect(((await liveStrength('Phishing-resistant MFA (custom)'))['combinationConfigurations'] as JsonObject[]).map((c) => c['allowedAAGUIDs'])).toEqual([[A]]);
    expect((await plan()).summary).toMatchObject({ create: 0, update: 0, delete: 0 });

    // Loosening the allow-list used to plan as "No changes".
    editStrength(fido([A, B]));
    const loosened = await plan();
    const op = loosened.operations.find((o) => o.action === 'update')!;
    expect(op.changes).toEqual([
      {
        path: '/combinationConfigurations',
        before: [{ '@odata.type': FIDO2, allowedAAGUIDs: [A], appliesToCombinations: ['fido2'] }],
        after: [{ '@odata.type': FIDO2, allowedAAGUIDs: [A, B], appliesToCombinations: ['fido2'] }],
      },
    ]);
    expect(renderPlanText(loosened)).toContain(`/combinationConfigurations: [{ "@odata.type": "${FIDO2}", "allowedAAGUIDs": ["${A}"], "appliesToCombinations": ["fido2"] }] → [{ "@odata.type": "${FIDO2}", "allowedAAGUIDs": ["${A}", "${B}"]`);
    expect(renderPlanMarkdown(loosened)).toContain(B);
    const before = h.emu.requests().byEndpoint;
    await apply(loosened);
    const spent = (e: string): number => (h.emu.requests().byEndpoint[e] ?? 0) - (before[e] ?? 0);
    // Through the endpoint: the configuration PATCHed in place (its id kept), nothing created or deleted.
    expect(spent('PATCH /v1.0/policies/authenticationStrengthPolicies/{id}/combinationConfigurations/{id}')).toBe(1);
    expect(spent('POST /v1.0/policies/authenticationStrengthPolicies/{id}/combinationConfigurations')).toBe(0);
    expect(spent('DELETE /v1.0/policies/authenticationStrengthPolicies/{id}/combinationConfigurations/{id}')).toBe(0);
    expect((await plan()).summary).toMatchObject({ update: 0 });

    editStrength(undefined);
    const removed = await plan();
    expect(removed.operations.find((o) => o.action === 'update')?.changes.map((c) => c.path)).toEqual(['/combinationConfigurations']);
    await apply(removed);
    expect((await liveStrength('Phishing-resistant MFA (custom)'))['combinationConfigurations']).toEqual([]);
    expect((await plan()).summary).toMatchObject({ update: 0 });
  });

  test('a new strength with configurations is created, then each configuration POSTed; backup → plan shows no changes; restore brings it back', async () => {
    const file = 'authentication-strengths/keys-and-certificates.json';
    writeFileSync(
      join(cwd, 'conditional-access', file),
      JSON.stringify({
        displayName: 'Keys and certificates',
        allowedCombinations: ['fido2', 'x509CertificateMultiFactor'],
        combinationConfigurations: [
          { '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [B, A] },
          { '@odata.type': X509, appliesToCombinations: ['x509CertificateMultiFactor'], allowedIssuerSkis: ['AB12CD'], allowedPolicyOIDs: ['1.3.6.1.4.1.311.21.8.1'] },
        ],
      }),
    );
    const p = await plan();
    const create = p.operations.find((o) => o.action === 'create')!;
    expect(create.body!['combinationConfigurations']).toHaveLength(2);
    await apply(p);
    expect((await plan()).summary).toMatchObject({ create: 0, update: 0 });

    // backup → plan of the backup: no changes, the configurations are in the strength's file.
    const out = join(cwd, 'backup');
    await runBackup({ ...connection, store: folderBackupStore(out) }, { apiVersion: 'v1.0' });
    const strengthFiles = readdirSync(join(out, 'authentication-strengths'));
    const backedUp = strengthFiles.map((f) => JSON.parse(readFileSync(join(out, 'authentication-strengths', f), 'utf8')) as JsonObject).find((d) => d['displayName'] === 'Keys and certificates')!;
    expect(backedUp['combinationConfigurations']).toEqual([
      { '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [A, B] },
      { '@odata.type': X509, appliesToCombinations: ['x509CertificateMultiFactor'], allowedIssuerSkis: ['AB12CD'], allowedPolicyOIDs: ['1.3.6.1.4.1.311.21.8.1'] },
    ]);
    const fromBackup = await runPlan(filePolicyStore(out), connection, { dir: out, apiVersion: 'v1.0' });
    if (fromBackup.status !== 'planned') throw new Error(fromBackup.status);
    expect(fromBackup.plan.operations.filter((o) => o.action !== 'noop')).toEqual([]);

    // The strength is deleted (strengths have no recycle bin): restore creates it anew, configurations included.
    const id = String((await liveStrength('Keys and certificates'))['id']);
    await connection.tenant.remove('authenticationStrength', id);
    const restore = await planRestore(filePolicyStore(out), connection, { from: out, only: 'Keys and certificates', apiVersion: 'v1.0' });
    if (restore.status !== 'planned') throw new Error(restore.status);
    await apply(restore.plan, 'Keys and certificates');
    const back = await liveStrength('Keys and certificates');
    expect((back['combinationConfigurations'] as JsonObject[]).map((c) => c['@odata.type'])).toEqual([FIDO2, X509]);
  });
});
