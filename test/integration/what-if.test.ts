/**
 * `caac what-if` through its command function: offline on the example repository, against the
 * sample tenant in the emulator (--tenant: references resolved through the Directory port, ids
 * compared), and with Graph's What If beside it (--live), reporting every disagreement.
 */
import { runWhatIf } from '../../src/commands/what-if.js';
import { ConfigurationError } from '../../src/errors.js';
import type { SignIn } from '../../src/impact/sign-in.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { GraphConnection } from '../../src/graph/connect.js';
import { emulatorConnection, removeTempDirs, writeRepo } from '../fixtures/repo-helpers.js';

const DOMAIN = 'contoso.onmicrosoft.com';
const SHAREPOINT = 'app:Office 365 SharePoint Online';

function member(extra: Partial<SignIn> = {}): SignIn {
  return {
    identity: { kind: 'user', user: `user:adele.vance@${DOMAIN}`, groups: ['group:Finance'], roles: [] },
    target: { kind: 'application', application: SHAREPOINT },
    platform: 'windows',
    clientAppType: 'browser',
    location: { ip: '40.77.182.32', country: 'US' },
    risks: { signIn: 'none', user: 'none' },
    ...extra,
  };
}

afterAll(() => removeTempDirs());

describe('what-if offline (the repository)', () => {
  test("the example repository's policies, references as written, no tenant", async () => {
    const report = await runWhatIf({ kind: 'repository', store: filePolicyStore('examples/conditional-access') }, member());
    expect(report.source).toBe('repository');
    expect(report.evaluation.outcome).toBe('grant');
    expect(report.evaluation.applied).toEqual(['CA002 - Require multifactor authentication for all users']);
    expect(report.evaluation.reportOnly).toEqual(['CA006 - Require compliant or hybrid joined device']);
    expect(report.requests).toBeUndefined();
  });

  test('a repository file that does not parse stops it, naming the file', async () => {
    const root = writeRepo({ 'conditional-access/policies/broken.json': '{ "displayName": ' });
    const error = await runWhatIf({ kind: 'repository', store: filePolicyStore(`${root}/conditional-access`) }, member()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/broken\.json:1:\d+ .*run caac validate/);
  });
});

describe('what-if against the sample tenant (--tenant, --live)', () => {
  let emu: RunningEmulator;
  let connection: GraphConnection;
  beforeAll(async () => {
    emu = await startEmulator({ seed: 'sample' });
    connection = emulatorConnection(emu.url);
  });
  afterAll(async () => emu.stop());

  const tenant = (live = false) => ({ kind: 'tenant' as const, tenant: connection.tenant, directory: connection.directory, ...(live ? { whatIf: connection.whatIf } : {}) });

  test("the tenant's policies hold ids: the sign-in's references are resolved, and the verdict matches the repository's", async () => {
    const offline = await runWhatIf({ kind: 'repository', store: filePolicyStore('examples/conditional-access') }, member());
    const report = await runWhatIf(tenant(), member());
    expect(report.source).toBe('tenant');
    expect(report.signIn.identity).toMatchObject({ kind: 'user', user: expect.stringMatching(/^[0-9a-f-]{36}$/), groups: [expect.stringMatching(/^[0-9a-f-]{36}$/)] });
    expect(report.signIn.target).toEqual({ kind: 'application', application: '00000003-0000-0ff1-ce00-000000000000' });
    expect(report.evaluation.outcome).toBe(offline.evaluation.outcome);
    expect(report.evaluation.applied).toEqual(offline.evaluation.applied);
    expect(report.evaluation.reportOnly).toEqual(offline.evaluation.reportOnly);
    // The tenant check, two lists (policies, named locations) and every name in one $batch:
    // the authentication strengths are not read.
    expect(report.requests).toEqual({
      total: 4,
      byEndpoint: {
        'GET /v1.0/organization': 1,
        'POST /v1.0/$batch': 1,
        'GET /v1.0/identity/conditionalAccess/policies': 1,
        'GET /v1.0/identity/conditionalAccess/namedLocations': 1,
      },
    });
  });

  test('an administrator by role name: the role resolves to its template id and the admin policies apply', async () => {
    const report = await runWhatIf(tenant(), member({ identity: { kind: 'user', user: `user:megan.bowen@${DOMAIN}`, groups: ['group:CA-Pilot'], roles: ['role:Global Administrator'] } }));
    expect(report.evaluation.applied).toEqual(expect.arrayContaining(['CA003 - Require phishing-resistant MFA for administrators', 'CA013 - Limit administrator sessions']));
  });

  test('a name the tenant does not hold is refused, naming it', async () => {
    const error = await runWhatIf(tenant(), member({ identity: { kind: 'user', user: `user:nobody@${DOMAIN}`, groups: ['group:No such group'], roles: [] } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`user:nobody@${DOMAIN}: not found in the tenant; group:No such group: not found in the tenant`);
  });

  test('--live: Graph agrees when the sign-in tells caac the truth', async () => {
    const report = await runWhatIf(tenant(true), member());
    expect(report.live?.policies).toBeGreaterThan(15);
    expect(report.requests?.byEndpoint['POST /v1.0/identity/conditionalAccess/evaluate']).toBe(1);
    expect(report.live?.disagreements).toEqual([]);
  });

  test('--live: a group the user is not in (caac was told so, Graph reads the tenant) shows as a disagreement', async () => {
    const claim = member({ identity: { kind: 'user', user: `user:adele.vance@${DOMAIN}`, groups: ['group:CA-ServiceAccounts'], roles: [] } });
    const report = await runWhatIf(tenant(true), claim);
    // The service accounts are also excluded from MFA for all users: two policies judged apart.
    expect(report.live?.disagreements).toEqual([
      { policy: 'CA002 - Require multifactor authentication for all users', engine: expect.stringMatching(/^does not apply \(user excluded \(member of group:CA-ServiceAccounts \([0-9a-f-]{36}\)\)\)$/), graph: 'applies' },
      { policy: 'CA016 - Block service accounts outside trusted networks', engine: 'applies', graph: 'does not apply (users)' },
    ]);
  });

  test('--live sends ids only: a keyword app is refused before any evaluate request', async () => {
    const error = await runWhatIf(tenant(true), member({ target: { kind: 'application', application: 'Office365' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('--app "Office365" is not one');
  });
});
