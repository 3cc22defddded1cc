/**
 * What the directory is asked, and in which order, so that names cost what ids cost.
 *
 * 1. Together: every id (the repository's GUIDs and every id the tenant's policies hold) through
 *    getByIds, and the names that only a look-up can prove unique — groups, service principals and
 *    apps by displayName — through filtered look-ups, many names a request.
 * 2. Then: users by userPrincipalName and apps by appId. Both are unique in a tenant, so most are
 *    already answered by step 1 (the tenant's own users, the apps found by name) and cost nothing;
 *    only the rest are looked up.
 * Roles come from the role template list, named locations and strengths from the snapshot.
 */
import type { DirectoryObject, NameQuery } from '../model/tenant.js';
import type { Directory } from '../ports/directory.js';

export interface DirectoryQuestions {
  /** Names by `${kind}:${name}`. */
  names: ReadonlyMap<string, NameQuery>;
  /** Lower-case object ids (users, groups, roles, service principals). */
  ids: ReadonlySet<string>;
  /** Lower-case appIds. */
  appIds: ReadonlySet<string>;
}

export interface DirectoryAnswers {
  /** What findByNames answered, by `${kind}:${name}`. */
  byName: Map<string, DirectoryObject[]>;
  /** By lower-case id. */
  byId: Map<string, DirectoryObject>;
  /** By lower-case appId. */
  byAppId: Map<string, DirectoryObject>;
}

/** Names whose uniqueness a cheaper answer already proves (see above). */
const answeredLater = (q: NameQuery): boolean => q.kind === 'user';

export async function askDirectory(directory: Directory, questions: DirectoryQuestions): Promise<DirectoryAnswers> {
  const names = [...questions.names.values()];
  const first = names.filter((q) => !answeredLater(q));
  const later = names.filter(answeredLater);
  const [objects, firstNames] = await Promise.all([
    questions.ids.size ? directory.getByIds([...questions.ids]) : Promise.resolve([]),
    first.length ? directory.findByNames(first) : Promise.resolve(new Map<string, DirectoryObject[]>()),
  ]);
  const [laterNames, apps] = await Promise.all([
    later.length ? directory.findByNames(later) : Promise.resolve(new Map<string, DirectoryObject[]>()),
    questions.appIds.size ? directory.getByAppIds([...questions.appIds]) : Promise.resolve([]),
  ]);
  const byId = new Map(objects.map((o) => [o.id.toLowerCase(), o]));
  const byAppId = new Map<string, DirectoryObject>();
  for (const o of apps) if (o.appId) byAppId.set(o.appId.toLowerCase(), o);
  return { byName: new Map([...firstNames, ...laterNames]), byId, byAppId };
}
