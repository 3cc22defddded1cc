/**
 * The example repository's baseline (examples/conditional-access, the emulator's sample tenant in
 * file form) against sign-ins a reviewer would ask about: outcome, requirements, deciding policies.
 */
import { evaluate } from '../../../src/impact/evaluate.js';
import { OUTSIDE_IP, TRUSTED_IPV6, exampleContext, examplePolicies, signIn, user } from './scenarios.js';

const CA001 = 'CA001 - Block legacy authentication';
const CA002 = 'CA002 - Require multifactor authentication for all users';
const CA003 = 'CA003 - Require phishing-resistant MFA for administrators';
const CA006 = 'CA006 - Require compliant or hybrid joined device';
const CA013 = 'CA013 - Limit administrator sessions';

const run = (s: Parameters<typeof evaluate>[1]) => evaluate(examplePolicies(), s, exampleContext());

describe('the example baseline', () => {
  test('an ordinary member: MFA from CA002; the report-only device policy listed apart; contingency policies disabled', () => {
    const result = run(signIn());
    expect(result.outcome).toBe('grant');
    expect(result.applied).toEqual([CA002]);
    expect(result.grant).toMatchObject({ operator: 'AND', controls: ['mfa'], authenticationStrength: [], anyOf: [] });
    expect(result.reportOnly).toEqual([CA006]);
    expect(result.notApplied.filter((n) => n.reason === 'disabled').map((n) => n.name)).toHaveLength(3);
    expect(result.notApplied.find((n) => n.name === CA001)?.reason).toBe('client app type not included (browser)');
  });

  test('an emergency account is excluded from every policy: allowed, each reason names the exclusion', () => {
    const result = run(signIn({ identity: user({ user: 'user:bg1@contoso.com', groups: ['group:CA-BreakGlass'] }) }));
    expect(result.outcome).toBe('allow');
    expect(result.applied).toEqual([]);
    expect(result.reportOnly).toEqual([]);
    expect(result.notApplied.find((n) => n.name === CA002)?.reason).toBe('user excluded (member of group:CA-BreakGlass)');
  });

  test('legacy authentication (Exchange ActiveSync) is blocked by CA001, whatever else applies', () => {
    const result = run(signIn({ clientAppType: 'exchangeActiveSync' }));
    expect(result.outcome).toBe('block');
    expect(result.blockedBy).toEqual([CA001]);
    expect(result.grant).toBeNull();
  });

  test('a sign-in from a blocked country is blocked by CA005', () => {
    const result = run(signIn({ location: { ip: OUTSIDE_IP, country: 'KP' } }));
    expect(result.outcome).toBe('block');
    expect(result.blockedBy).toEqual(['CA005 - Block access from blocked countries']);
  });

  test('an administrator: MFA and the phishing-resistant strength together, with the session limit', () => {
    const result = run(signIn({ identity: user({ roles: ['role:Global Administrator'] }) }));
    expect(result.outcome).toBe('grant');
    expect(result.applied).toEqual([CA002, CA003, CA013]);
    expect(result.grant?.controls).toEqual(['mfa']);
    expect(result.grant?.authenticationStrength).toEqual(['authStrength:Phishing-resistant MFA (custom)']);
    expect(result.session.signInFrequency).toMatchObject({ frequencyInterval: 'timeBased' });
    expect(result.session.persistentBrowser).toBe('never');
  });

  test('device code flow is blocked by CA010', () => {
    const result = run(signIn({ authenticationFlow: 'deviceCodeFlow' }));
    expect(result.blockedBy).toEqual(['CA010 - Block device code flow and authentication transfer']);
  });

  test('registering security info: MFA outside trusted networks only (AllTrusted excluded)', () => {
    const action = { kind: 'userAction' as const, userAction: 'urn:user:registersecurityinfo' };
    const outside = run(signIn({ target: action, location: { ip: OUTSIDE_IP } }));
    expect(outside.applied).toEqual(['CA011 - Require MFA to register security information outside trusted networks']);
    const inside = run(signIn({ target: action, location: { ip: TRUSTED_IPV6 } }));
    expect(inside.outcome).toBe('allow');
    expect(inside.notApplied.find((n) => n.name.startsWith('CA011'))?.reason).toBe(`location excluded (AllTrusted: ${TRUSTED_IPV6})`);
  });

  test('authentication context c1 for Finance: the phishing-resistant strength (CA015), and no app policy', () => {
    const result = run(signIn({ identity: user({ groups: ['group:Finance'] }), target: { kind: 'authContext', authContext: 'c1' } }));
    expect(result.applied).toEqual(['CA015 - Require phishing-resistant MFA for highly confidential data']);
    expect(result.grant).toMatchObject({ controls: [], authenticationStrength: ['authStrength:Phishing-resistant MFA'] });
  });

  test('medium sign-in risk adds CA007; high user risk adds the password change (CA008, AND)', () => {
    const risky = run(signIn({ risks: { signIn: 'medium', user: 'high' } }));
    expect(risky.applied).toEqual(expect.arrayContaining(['CA007 - Require MFA for medium and high sign-in risk', 'CA008 - Require password change for high user risk']));
    expect(risky.grant?.controls).toEqual(expect.arrayContaining(['mfa', 'passwordChange']));
  });

  test('a service account outside the office is blocked (CA016); from the branch VPN it is not', () => {
    const account = user({ user: 'user:svc-backup@contoso.com', groups: ['group:CA-ServiceAccounts'] });
    expect(run(signIn({ identity: account, location: { ip: '198.18.0.1' } })).blockedBy).toEqual(['CA016 - Block service accounts outside trusted networks']);
    const vpn = run(signIn({ identity: account, location: { ip: '192.0.2.7' } }));
    expect(vpn.blockedBy).toEqual([]);
    expect(vpn.notApplied.find((n) => n.name.startsWith('CA016'))?.reason).toBe('location excluded (location:Branch office VPN: 192.0.2.7)');
  });

  test('a guest: MFA through CA009, and the device policy excludes guests', () => {
    const result = run(signIn({ identity: user({ user: 'user:partner@fabrikam.com', guestType: 'b2bCollaborationGuest' }) }));
    expect(result.applied).toEqual(expect.arrayContaining(['CA009 - Require MFA for guests and external users']));
    expect(result.reportOnly).toEqual([]);
    expect(result.notApplied.find((n) => n.name === CA006)?.reason).toBe('user excluded (guests or external users)');
  });

  test('inputs not given are stated with the policies that depended on them, never guessed silently', () => {
    const result = run({ identity: user(), target: { kind: 'application', application: 'Office365' } });
    const inputs = result.assumptions.map((a) => a.input);
    expect(inputs).toEqual(expect.arrayContaining(['clientAppType', 'signInRisk', 'userRisk', 'platform', 'authenticationFlow', 'insiderRisk']));
    expect(result.assumptions.find((a) => a.input === 'signInRisk')?.policies).toEqual(['CA007 - Require MFA for medium and high sign-in risk']);
  });
});
