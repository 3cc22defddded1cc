/**
 * The Templates port over Microsoft Graph: `GET /identity/conditionalAccess/templates`
 * (Policy.Read.All), paced with the other Conditional Access calls by the middleware (the path is
 * under identity/conditionalAccess). The templates are the same in every tenant, but the token's
 * tenant is still checked first, as for every read.
 */
import { GraphError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../model/documents.js';
import type { PolicyTemplate } from '../model/templates.js';
import type { Templates } from '../ports/templates.js';
import type { GraphHttp } from './http.js';

const PATH = 'identity/conditionalAccess/templates';

export class GraphTemplates implements Templates {
  constructor(
    private readonly http: GraphHttp,
    private readonly o: { tenantId: () => Promise<string> },
  ) {}

  async list(scenario?: string): Promise<PolicyTemplate[]> {
    await this.o.tenantId();
    // The value is one of templateScenarios (checked by the caller); quotes doubled as OData wants anyway.
    const target = scenario === undefined ? PATH : `${PATH}?$filter=${encodeURIComponent(`scenarios has '${scenario.replace(/'/g, "''")}'`)}`;
    const items = await this.http.list(target);
    return items.map((item) => toTemplate(item, `GET /${this.http.apiVersion}/${PATH}`));
  }

  async get(id: string): Promise<PolicyTemplate | undefined> {
    await this.o.tenantId();
    try {
      const item = await this.http.call('GET', `${PATH}/${encodeURIComponent(id)}`);
      if (item === undefined) throw new GraphError(`GET /${this.http.apiVersion}/${PATH}/${id} answered no JSON body.`, 0, 'UnexpectedResponse');
      return toTemplate(item, `GET /${this.http.apiVersion}/${PATH}/${id}`);
    } catch (e) {
      if (e instanceof GraphError && e.status === 404) return undefined;
      throw e;
    }
  }
}

/** A template as Graph answers it, checked: what is missing or of another type is Graph's fault, said so. */
function toTemplate(item: JsonObject, where: string): PolicyTemplate {
  const { id, name, description, scenarios, details } = item;
  if (typeof id !== 'string' || typeof name !== 'string' || !isJsonObject(details)) {
    throw new GraphError(`${where} answered a template without id, name or details: ${JSON.stringify(item).slice(0, 200)}`, 0, 'UnexpectedResponse');
  }
  return {
    id,
    name,
    description: typeof description === 'string' ? description : '',
    scenarios: typeof scenarios === 'string' ? scenarios.split(',').map((s) => s.trim()).filter((s) => s !== '') : [],
    details,
  };
}
