/**
 * A sign-in written with references (`group:Finance`, `role:Global Administrator`, `app:Payroll`)
 * turned into the ids a tenant's policies hold, through the Directory port: one findByNames call
 * for every reference at once. Ids and keywords (`Office365`) pass through; locations stay as
 * they are (the engine knows a tenant's named locations by id and by `location:<name>`).
 */
import { ConfigurationError } from '../errors.js';
import type { NameQuery } from '../model/tenant.js';
import type { Directory } from '../ports/directory.js';
import type { SignIn } from '../impact/sign-in.js';

type Kind = NameQuery['kind'];

function queryOf(value: string, expected: Kind): NameQuery | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0) return undefined;
  const kind = value.slice(0, colon).trim();
  const name = value.slice(colon + 1).trim();
  if (kind.toLowerCase() !== expected.toLowerCase()) return undefined;
  return { kind: expected, name };
}

/** Every reference the sign-in holds, with the kind it must be. */
function referencesOf(signIn: SignIn): Array<{ value: string; kind: Kind }> {
  const refs: Array<{ value: string; kind: Kind }> = [];
  const identity = signIn.identity;
  if (identity.kind === 'user') {
    refs.push({ value: identity.user, kind: 'user' });
    identity.groups.forEach((value) => refs.push({ value, kind: 'group' }));
    identity.roles.forEach((value) => refs.push({ value, kind: 'role' }));
  } else {
    refs.push({ value: identity.servicePrincipal, kind: 'servicePrincipal' });
  }
  if (signIn.target.kind === 'application') refs.push({ value: signIn.target.application, kind: 'app' });
  return refs;
}

export interface ResolvedSignIn {
  signIn: SignIn;
  /** Each id the sign-in now holds → the reference it was given as (for reasons a person reads). */
  names: ReadonlyMap<string, string>;
}

/** The sign-in with each reference replaced by the id the tenant's policies hold (an appId for apps). */
export async function resolveSignIn(signIn: SignIn, directory: Directory): Promise<ResolvedSignIn> {
  const queries = referencesOf(signIn).flatMap(({ value, kind }) => {
    const query = queryOf(value, kind);
    return query ? [{ value, query }] : [];
  });
  if (queries.length === 0) return { signIn, names: new Map() };
  const found = await directory.findByNames(queries.map((q) => q.query));
  const ids = new Map<string, string>();
  const problems: string[] = [];
  for (const { value, query } of queries) {
    const matches = found.get(`${query.kind}:${query.name}`) ?? [];
    if (matches.length !== 1) {
      problems.push(`${value}: ${matches.length === 0 ? 'not found in the tenant' : `${matches.length} objects have this name`}`);
      continue;
    }
    const match = matches[0]!;
    ids.set(value, query.kind === 'app' ? (match.appId ?? match.id) : match.id);
  }
  if (problems.length > 0) throw new ConfigurationError(`what-if --tenant: the sign-in names what the tenant does not hold: ${problems.join('; ')}`);
  const id = (value: string): string => ids.get(value) ?? value;
  const identity = signIn.identity.kind === 'user'
    ? { ...signIn.identity, user: id(signIn.identity.user), groups: signIn.identity.groups.map(id), roles: signIn.identity.roles.map(id) }
    : { ...signIn.identity, servicePrincipal: id(signIn.identity.servicePrincipal) };
  const target = signIn.target.kind === 'application' ? { ...signIn.target, application: id(signIn.target.application) } : signIn.target;
  const names = new Map([...ids].map(([value, resolved]) => [resolved, value]));
  return { signIn: { ...signIn, identity, target }, names };
}
