/** `caac what-if` flags → one SignIn: references take their flag's kind, ids and keywords pass, mistakes are named. */
import { signInFromFlags, type WhatIfSignInFlags } from '../../src/cli/what-if-flags.js';
import { ConfigurationError } from '../../src/errors.js';

const base = (extra: Partial<WhatIfSignInFlags> = {}): WhatIfSignInFlags => ({ memberOf: [], role: [], location: [], user: 'alice@contoso.com', app: 'Payroll', ...extra });
const GUID = '5b1f3f0e-8a4c-4c55-9a0a-2b1c0e7d9f11';

describe('what-if flags', () => {
  test('bare names take the kind their flag implies; ids, kind:name and keywords pass as written', () => {
    const s = signInFromFlags(base({ memberOf: ['Finance', GUID, 'group:Team: A'], role: ['Global Administrator'], location: ['Offices'], country: 'fr' }));
    expect(s.identity).toEqual({ kind: 'user', user: 'user:alice@contoso.com', groups: ['group:Finance', GUID, 'group:Team: A'], roles: ['role:Global Administrator'], guestType: undefined, homeTenant: undefined });
    expect(s.target).toEqual({ kind: 'application', application: 'app:Payroll' });
    expect(s.location).toMatchObject({ namedLocations: ['location:Offices'], country: 'FR' });
    expect(signInFromFlags(base({ app: 'office365' })).target).toEqual({ kind: 'application', application: 'Office365' });
  });

  test('fixed vocabularies accept any case and keep Graph\'s spelling', () => {
    const s = signInFromFlags(base({ platform: 'IOS', clientAppType: 'EXCHANGEACTIVESYNC', signInRisk: 'HIGH', guest: 'b2bcollaborationguest', userAction: undefined }));
    expect([s.platform, s.clientAppType, s.risks?.signIn]).toEqual(['iOS', 'exchangeActiveSync', 'high']);
    expect(s.identity).toMatchObject({ guestType: 'b2bCollaborationGuest' });
  });

  test('a workload identity, and its conflict with user flags', () => {
    expect(signInFromFlags(base({ user: undefined, workload: 'Payroll sync' })).identity).toEqual({ kind: 'workload', servicePrincipal: 'servicePrincipal:Payroll sync' });
    expect(() => signInFromFlags(base({ workload: 'Payroll sync' }))).toThrow(new ConfigurationError('--workload signs in a service principal: leave out --user, --member-of, --role and --guest'));
  });

  test('user actions and authentication contexts', () => {
    expect(signInFromFlags(base({ app: undefined, userAction: 'URN:USER:REGISTERDEVICE' })).target).toEqual({ kind: 'userAction', userAction: 'urn:user:registerdevice' });
    expect(signInFromFlags(base({ app: undefined, authContext: 'C7' })).target).toEqual({ kind: 'authContext', authContext: 'c7' });
    expect(() => signInFromFlags(base({ app: undefined, userAction: 'urn:user:other' }))).toThrow('--user-action takes one of urn:user:registersecurityinfo, urn:user:registerdevice, not "urn:user:other"');
    expect(() => signInFromFlags(base({ app: 'X', authContext: 'c1' }))).toThrow('exactly one of');
  });

  test('bad values are named with the flag', () => {
    expect(() => signInFromFlags(base({ country: 'France' }))).toThrow('--country takes a two-letter ISO code (FR, US…), not "France"');
    expect(() => signInFromFlags(base({ ip: '2001:db8::g' }))).toThrow('--ip takes an IPv4 or IPv6 address');
    expect(() => signInFromFlags(base({ memberOf: ['  '] }))).toThrow('an empty group was given');
  });
});
