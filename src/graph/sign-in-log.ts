/**
 * The `SignInLog` port over Microsoft Graph: `GET /auditLogs/signIns` with a server-side
 * `$filter=createdDateTime ge …` and `$top` (1,000, Graph's largest page), following
 * `@odata.nextLink` up to a cap on pages. Graph cannot filter on `appliedConditionalAccessPolicies`
 * (the signIn resource lists no $filter support for it), so one paged read serves every policy in
 * rollout and the summaries are made here, not by Graph. A 403 says which permission is missing.
 */
import { GraphError } from '../errors.js';
import type { SignInRead, SignInRecord } from '../model/sign-ins.js';
import type { SignInLog, SignInQuery } from '../ports/sign-in-log.js';
import { errorFromAnswer, type GraphHttp } from './http.js';

export const SIGN_IN_PAGE_SIZE = 1000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export const SIGN_IN_PERMISSION_HINT =
  'reading the sign-in log needs the application permission AuditLog.Read.All (and Directory.Read.All, a known requirement of this API), with admin consent, and a Microsoft Entra ID P1 or P2 licence; the policies each sign-in lists also need Policy.Read.All, which caac already uses';

export class GraphSignInLog implements SignInLog {
  constructor(
    private readonly http: GraphHttp,
    private readonly o: { describeCredential: () => string; pageSize?: number },
  ) {}

  async read(query: SignInQuery): Promise<SignInRead> {
    const since = query.since.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const filter = encodeURIComponent(`createdDateTime ge ${since}`);
    let next: string | undefined = `auditLogs/signIns?$filter=${filter}&$top=${this.o.pageSize ?? SIGN_IN_PAGE_SIZE}`;
    const signIns: SignInRecord[] = [];
    let pages = 0;
    const seen = new Set<string>();
    while (next !== undefined && pages < query.maxPages) {
      if (seen.has(next)) throw new GraphError(`Microsoft Graph sent the same @odata.nextLink twice (${next}): stopping rather than loop.`, 0, 'PagingLoop');
      seen.add(next);
      const answer = await this.http.send('GET', next);
      pages++;
      if (answer.status === 403) {
        const base = errorFromAnswer('GET', answer.path, answer, this.o.describeCredential);
        throw new GraphError(`${base.message.replace(/ The app needs.*$| Resolving names needs.*$/, '')} caac rollout: ${SIGN_IN_PERMISSION_HINT}.`, 403, base.code, base.requestId);
      }
      if (answer.status < 200 || answer.status >= 300) throw errorFromAnswer('GET', answer.path, answer, this.o.describeCredential);
      const body = isObject(answer.body) ? answer.body : {};
      if (!Array.isArray(body['value'])) throw new GraphError(`GET ${next} answered no 'value' array.`, 0, 'UnexpectedResponse');
      for (const item of body['value']) if (isObject(item)) signIns.push(toRecord(item));
      const link = body['@odata.nextLink'];
      next = typeof link === 'string' && link !== '' ? link : undefined;
    }
    return { signIns, pages, truncated: next !== undefined, since };
  }
}

function toRecord(item: Record<string, unknown>): SignInRecord {
  const status = isObject(item['status']) ? item['status'] : {};
  const applied = Array.isArray(item['appliedConditionalAccessPolicies']) ? item['appliedConditionalAccessPolicies'].filter(isObject) : [];
  return {
    id: str(item['id']),
    createdDateTime: str(item['createdDateTime']),
    userId: str(item['userId']).toLowerCase(),
    userPrincipalName: str(item['userPrincipalName']),
    appId: str(item['appId']).toLowerCase(),
    appDisplayName: str(item['appDisplayName']),
    errorCode: typeof status['errorCode'] === 'number' ? status['errorCode'] : 0,
    policies: applied.map((p) => ({ id: str(p['id']).toLowerCase(), displayName: str(p['displayName']), result: str(p['result']) })),
  };
}
