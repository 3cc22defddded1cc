/**
 * The emulator's What If (`POST /identity/conditionalAccess/evaluate`, issue 18 point 6) with
 * Graph's request and response shapes, judged on the sample tenant with scenarios from Microsoft's
 * documentation; bad requests answer 400 in Graph's error shape; the call is throttled with the
 * other Conditional Access endpoints. Then the Graph adapter (`connection.whatIf`) over loopback.
 */
import { emulatorConnection } from '../fixtures/repo-helpers.js';
import { harness, minimalPolicy, type Harness } from '../fixtures/emulator/client.js';

const EVALUATE = '/identity/conditionalAccess/evaluate';
const SHAREPOINT = '00000003-0000-0ff1-ce00-000000000000';
const AZURE_MANAGEMENT = '797f4846-ba00-4fd7-ba43-dac1f8f63013';

interface Verdict {
  displayName: string;
  policyApplies: boolean;
  analysisReasons: string;
}

async function ids(h: Harness): Promise<Record<string, string>> {
  const users = (await h.g('GET', '/users')).body.value as Array<{ id: string; userPrincipalName: string }>;
  return Object.fromEntries(users.map((u) => [u.userPrincipalName.split('@')[0]!, u.id]));
}

const appContext = (appId: string) => ({ '@odata.type': '#microsoft.graph.applicationContext', includeApplications: [appId] });
const user = (userId: string, extra: object = {}) => ({ '@odata.type': '#microsoft.graph.userSignIn', userId, ...extra });

async function evaluate(h: Harness, body: object): Promise<Map<string, Verdict>> {
  const r = await h.g('POST', EVALUATE, body);
  expect(r.status).toBe(200);
  expect(r.body['@odata.context']).toBe(`${h.emu.url}/v1.0/$metadata#Collection(microsoft.graph.whatIfAnalysisResult)`);
  return new Map((r.body.value as Verdict[]).map((v) => [v.displayName.slice(0, 5), v]));
}

const applied = (m: Map<string, Verdict>): string[] => [...m.entries()].filter(([, v]) => v.policyApplies).map(([k]) => k).sort();

describe('the emulator evaluates What If on the sample tenant', () => {
  let h: Harness;
  let u: Record<string, string>;
  beforeAll(async () => {
    h = await harness({ seed: 'sample' });
    u = await ids(h);
  });
  afterAll(async () => h.emu.stop());

  test('an ordinary member on SharePoint in a browser from abroad: MFA for all users, and the report-only device policy on Windows', async () => {
    const m = await evaluate(h, {
      signInIdentity: user(u['adele.vance']!),
      signInContext: appContext(SHAREPOINT),
      signInConditions: { devicePlatform: 'windows', clientAppType: 'browser', country: 'US', ipAddress: '40.77.182.32' },
    });
    expect(applied(m)).toEqual(['CA002', 'CA006']);
    expect(m.get('CA001')!.analysisReasons).toBe('clientApps');
    expect(m.get('CA003')!.analysisReasons).toBe('users');
    expect(m.get('CA005')!.analysisReasons).toBe('location');
    expect(m.get('CA007')!.analysisReasons).toBe('signInRisk');
    expect(m.get('CA011')!.analysisReasons).toBe('application'); // it targets a user action, not this app
    expect(m.get('CA901')!.analysisReasons).toBe('policyNotEnabled');
    // Every policy comes back as Graph shapes it, with policyApplies and analysisReasons.
    expect(m.get('CA002')).toMatchObject({ policyApplies: true, analysisReasons: 'notSet', state: 'enabled', grantControls: { operator: 'OR', builtInControls: ['mfa'] } });
  });

  test('an emergency account is outside every policy; appliedPoliciesOnly leaves the answer empty', async () => {
    const m = await evaluate(h, { signInIdentity: user(u['bg1']!), signInContext: appContext(SHAREPOINT), signInConditions: { clientAppType: 'other', country: 'KP' } });
    expect(applied(m)).toEqual([]);
    const only = await h.g('POST', EVALUATE, { signInIdentity: user(u['bg1']!), signInContext: appContext(SHAREPOINT), signInConditions: {}, appliedPoliciesOnly: true });
    expect(only.body.value).toEqual([]);
  });

  test('legacy clients and blocked countries, nested in the block policies', async () => {
    const m = await evaluate(h, { signInIdentity: user(u['alex.wilber']!), signInContext: appContext(SHAREPOINT), signInConditions: { clientAppType: 'exchangeActiveSync', country: 'KP' } });
    expect(applied(m)).toEqual(expect.arrayContaining(['CA001', 'CA002', 'CA005']));
  });

  test('an administrator (role holder) gets the phishing-resistant strength and the session limit', async () => {
    const m = await evaluate(h, { signInIdentity: user(u['megan.bowen']!), signInContext: appContext(AZURE_MANAGEMENT), signInConditions: { devicePlatform: 'linux', clientAppType: 'browser' } });
    expect(applied(m)).toEqual(['CA002', 'CA003', 'CA004', 'CA013']);
    expect(m.get('CA003')).toMatchObject({ grantControls: { authenticationStrength: { displayName: 'Phishing-resistant MFA (custom)' } } });
  });

  test('registering security information: MFA outside trusted networks only (AllTrusted by IP range)', async () => {
    const action = { '@odata.type': '#microsoft.graph.userActionContext', userAction: 'registerSecurityInformation' };
    const inside = await evaluate(h, { signInIdentity: user(u['adele.vance']!), signInContext: action, signInConditions: { ipAddress: '203.0.113.7' } });
    expect(inside.get('CA011')!.analysisReasons).toBe('location');
    const outside = await evaluate(h, { signInIdentity: user(u['adele.vance']!), signInContext: action, signInConditions: { ipAddress: '8.8.8.8' } });
    expect(applied(outside)).toEqual(['CA011']);
  });

  test('an authentication context (c1) for Finance; device code flow blocked; a guest by type', async () => {
    const c1 = await evaluate(h, { signInIdentity: user(u['adele.vance']!), signInContext: { '@odata.type': '#microsoft.graph.authContext', authenticationContextValue: 'c1' }, signInConditions: {} });
    expect(applied(c1)).toEqual(['CA015']);
    const flow = await evaluate(h, { signInIdentity: user(u['alex.wilber']!), signInContext: appContext(SHAREPOINT), signInConditions: { authenticationFlow: { transferMethod: 'deviceCodeFlow' } } });
    expect(applied(flow)).toContain('CA010');
    const guest = await evaluate(h, { signInIdentity: user(u['alex.wilber']!, { externalUserType: 'b2bCollaborationGuest' }), signInContext: appContext(SHAREPOINT), signInConditions: { devicePlatform: 'windows' } });
    expect(applied(guest)).toContain('CA009');
    expect(guest.get('CA006')!.analysisReasons).toBe('users'); // guests are excluded there
  });

  test('a service principal: only workload-identity policies could apply', async () => {
    const sps = (await h.g('GET', '/servicePrincipals')).body.value as Array<{ id: string }>;
    const m = await evaluate(h, { signInIdentity: { '@odata.type': '#microsoft.graph.servicePrincipalSignIn', servicePrincipalId: sps[0]!.id }, signInContext: appContext(SHAREPOINT), signInConditions: { servicePrincipalRiskLevel: 'high' } });
    expect(applied(m)).toEqual([]);
    expect(m.get('CA002')!.analysisReasons).toBe('workloadIdentities');
  });

  test('bad requests answer 400 in Graph error shape', async () => {
    const bad = [
      {},
      { signInContext: appContext(SHAREPOINT), signInConditions: {} },
      { signInIdentity: { userId: u['bg1'] }, signInContext: appContext(SHAREPOINT), signInConditions: {} },
      { signInIdentity: user('00000000-0000-0000-0000-00000000abcd'), signInContext: appContext(SHAREPOINT), signInConditions: {} },
      { signInIdentity: user(u['bg1']!), signInContext: { '@odata.type': '#microsoft.graph.applicationContext', includeApplications: [] }, signInConditions: {} },
      { signInIdentity: user(u['bg1']!), signInContext: appContext(SHAREPOINT), signInConditions: { devicePlatform: 'amiga' } },
      { signInIdentity: user(u['bg1']!), signInContext: appContext(SHAREPOINT), signInConditions: { signInRiskLevel: 'extreme' } },
      { signInIdentity: user(u['bg1']!), signInContext: { '@odata.type': '#microsoft.graph.userActionContext', userAction: 'deleteEverything' }, signInConditions: {} },
      { signInIdentity: user(u['bg1']!), signInContext: appContext(SHAREPOINT), signInConditions: {}, appliedPoliciesOnly: 'yes' },
    ];
    for (const body of bad) {
      const r = await h.g('POST', EVALUATE, body);
      expect([r.status, r.body.error.code]).toEqual([400, 'BadRequest']);
      expect(r.body.error.innerError).toEqual(expect.objectContaining({ 'request-id': expect.any(String) }));
    }
    expect((await h.g('GET', EVALUATE)).status).toBe(405);
  });
});

describe('device filters and throttling', () => {
  test('a device filter in include and exclude mode reads deviceInfo', async () => {
    const h = await harness();
    try {
      const users = await h.g('GET', '/users');
      expect(users.status).toBe(200);
      const state = (await h.g('GET', '/_emulator/state')).body;
      state.users = [{ id: '11111111-1111-4111-8111-111111111111', displayName: 'Pat', userPrincipalName: 'pat@contoso.test' }];
      expect((await h.g('PUT', '/_emulator/state', state)).status).toBeLessThan(300);
      const rule = 'device.trustType -eq "ServerAD" -or (device.isCompliant -eq True -and device.operatingSystem -startsWith "Win")';
      await h.g('POST', '/identity/conditionalAccess/policies', minimalPolicy({ displayName: 'Exclude managed', conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] }, devices: { deviceFilter: { mode: 'exclude', rule } } } }));
      const body = (deviceInfo: object) => ({ signInIdentity: user('11111111-1111-4111-8111-111111111111'), signInContext: appContext(SHAREPOINT), signInConditions: { deviceInfo } });
      const judge = async (deviceInfo: object) => ((await h.g('POST', EVALUATE, body(deviceInfo))).body.value[0] as Verdict).analysisReasons;
      expect(await judge({ trustType: 'ServerAD' })).toBe('devices');
      expect(await judge({ isCompliant: true, operatingSystem: 'Windows' })).toBe('devices');
      expect(await judge({ isCompliant: false, operatingSystem: 'Windows' })).toBe('notSet');
      expect(await judge({})).toBe('notSet');
    } finally {
      await h.emu.stop();
    }
  });

  test('evaluate shares the Conditional Access throttle (429 without Retry-After)', async () => {
    const h = await harness({ seed: 'sample', rateLimit: 1, burst: 1 });
    try {
      const u = await ids(h);
      const body = { signInIdentity: user(u['bg1']!), signInContext: appContext(SHAREPOINT), signInConditions: {} };
      const first = await h.g('POST', EVALUATE, body);
      const second = await h.g('POST', EVALUATE, body);
      expect(first.status).toBe(200);
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBeNull();
    } finally {
      await h.emu.stop();
    }
  });
});

describe('the Graph adapter (connection.whatIf)', () => {
  test('sends Graph request shapes and reads every verdict; one evaluate request per sign-in', async () => {
    const h = await harness({ seed: 'sample' });
    try {
      const u = await ids(h);
      const { whatIf } = emulatorConnection(h.emu.url);
      const verdicts = await whatIf.evaluate({
        identity: { kind: 'user', userId: u['adele.vance']! },
        target: { kind: 'userAction', action: 'urn:user:registersecurityinfo' },
        conditions: { ipAddress: '8.8.8.8', platform: 'iOS', clientAppType: 'browser', signInRisk: 'none', authenticationFlow: 'authenticationTransfer', device: { isCompliant: true } },
      });
      expect(verdicts).toHaveLength(21);
      expect(verdicts.filter((v) => v.applies).map((v) => v.displayName.slice(0, 5)).sort()).toEqual(['CA011']); // CA010 targets apps, not user actions
      expect(verdicts.find((v) => v.displayName.startsWith('CA012'))).toMatchObject({ applies: false, reasons: ['userActions'], state: 'enabled' });
      const c1 = await whatIf.evaluate({ identity: { kind: 'user', userId: u['adele.vance']!, guestType: 'internalGuest' }, target: { kind: 'authContext', id: 'c1' }, conditions: {} });
      expect(c1.filter((v) => v.applies).map((v) => v.displayName.slice(0, 5)).sort()).toEqual(['CA015']); // CA009 targets apps: an authentication context is not one
      expect(whatIf.requests().byEndpoint['POST /v1.0/identity/conditionalAccess/evaluate']).toBe(2);
      await expect(whatIf.evaluate({ identity: { kind: 'user', userId: 'nobody' }, target: { kind: 'application', appId: SHAREPOINT }, conditions: {} })).rejects.toThrow(/400 BadRequest.*nobody/);
    } finally {
      await h.emu.stop();
    }
  });
});
