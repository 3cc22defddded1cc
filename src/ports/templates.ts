/** Port: Microsoft's Conditional Access templates (src/graph/templates.ts over Graph). Read-only. */
import type { PolicyTemplate } from '../model/templates.js';

export interface Templates {
  /** Every template, or those recommended for one scenario (`$filter=scenarios has '…'`): one request. */
  list(scenario?: string): Promise<PolicyTemplate[]>;
  /** One template by id, or undefined when Graph answers 404: one request. */
  get(id: string): Promise<PolicyTemplate | undefined>;
}
