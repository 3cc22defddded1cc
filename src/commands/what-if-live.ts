/**
 * The sign-in as Graph's What If takes it (`LiveSignIn`): ids only. Graph reads the user's groups
 * and roles itself, and knows no named location by reference, so those are not sent (the
 * disagreements then say where the sign-in told caac something the tenant does not hold).
 */
import { ConfigurationError } from '../errors.js';
import { isGuid } from '../model/references.js';
import type { SignIn } from '../impact/sign-in.js';
import type { LiveConditions, LiveSignIn, LiveTarget } from '../ports/what-if.js';

function id(value: string, flag: string): string {
  if (!isGuid(value)) throw new ConfigurationError(`what-if --live sends ids to Graph: ${flag} "${value}" is not one (a reference the tenant could not resolve, or a keyword)`);
  return value;
}

function targetOf(signIn: SignIn): LiveTarget {
  const t = signIn.target;
  if (t.kind === 'application') return { kind: 'application', appId: id(t.application, '--app') };
  if (t.kind === 'userAction') return { kind: 'userAction', action: t.userAction as 'urn:user:registersecurityinfo' | 'urn:user:registerdevice' };
  return { kind: 'authContext', id: t.authContext };
}

export function liveSignIn(signIn: SignIn): LiveSignIn {
  const who = signIn.identity;
  const identity: LiveSignIn['identity'] = who.kind === 'user'
    ? { kind: 'user', userId: id(who.user, '--user'), ...(who.guestType ? { guestType: who.guestType } : {}), ...(who.homeTenant ? { externalTenantId: who.homeTenant } : {}) }
    : { kind: 'servicePrincipal', servicePrincipalId: id(who.servicePrincipal, '--workload') };
  const risks = signIn.risks ?? {};
  const entries: Array<[keyof LiveConditions, unknown]> = [
    ['platform', signIn.platform], ['clientAppType', signIn.clientAppType], ['signInRisk', risks.signIn], ['userRisk', risks.user],
    ['servicePrincipalRisk', risks.servicePrincipal], ['insiderRisk', risks.insider], ['country', signIn.location?.country],
    ['ipAddress', signIn.location?.ip], ['authenticationFlow', signIn.authenticationFlow], ['device', signIn.device],
  ];
  const conditions = Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as LiveConditions;
  return { identity, target: targetOf(signIn), conditions };
}
