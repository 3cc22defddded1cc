/**
 * National clouds: where Graph lives, where tokens come from, and the scope to ask for. Tokens do
 * not cross clouds, so the three always travel together.
 */
import { ConfigurationError } from '../errors.js';

export type CloudName = 'global' | 'usgov' | 'usgovdod' | 'china';

export interface Cloud {
  name: CloudName;
  /** Graph's base URL, without a trailing slash or version. */
  graphUrl: string;
  /** The Entra ID authority host credentials sign in against. */
  authorityHost: string;
  /** `<graph host>/.default`. */
  scope: string;
}

const table: Record<CloudName, Omit<Cloud, 'name' | 'scope'>> = {
  global: { graphUrl: 'https://graph.microsoft.com', authorityHost: 'https://login.microsoftonline.com' },
  usgov: { graphUrl: 'https://graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' },
  usgovdod: { graphUrl: 'https://dod-graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' },
  china: { graphUrl: 'https://microsoftgraph.chinacloudapi.cn', authorityHost: 'https://login.chinacloudapi.cn' },
};

export const CLOUD_NAMES = Object.keys(table) as CloudName[];

export function cloudByName(name: string | undefined): Cloud {
  const key = (name ?? 'global').trim().toLowerCase() as CloudName;
  const entry = table[key];
  if (entry === undefined) {
    throw new ConfigurationError(`Unknown cloud '${name ?? ''}': set the cloud input / --cloud flag to one of ${CLOUD_NAMES.join(', ')}.`);
  }
  return { name: key, ...entry, scope: `${entry.graphUrl}/.default` };
}
