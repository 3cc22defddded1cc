import { KIND_FOLDERS, type DocumentKind, type JsonObject } from '../model/documents.js';

/** The kind a file's folder stands for (`policies/` → policy), if any. */
export function kindOfFolder(relativePath: string): DocumentKind | undefined {
  const top = relativePath.split('/')[0];
  for (const [kind, folder] of Object.entries(KIND_FOLDERS) as [DocumentKind, string][]) {
    if (top === folder) return kind;
  }
  return undefined;
}

/**
 * The kind a document's content shows: its `@odata.type`, else a property only that kind has.
 * Exports from other tools lie flat in one folder, so content decides where it can.
 */
export function kindOfContent(value: JsonObject): DocumentKind | undefined {
  const type = value['@odata.type'];
  if (typeof type === 'string') {
    const t = type.toLowerCase();
    if (t.endsWith('conditionalaccesspolicy')) return 'policy';
    if (t.endsWith('namedlocation')) return 'namedLocation';
    if (t.endsWith('authenticationstrengthpolicy')) return 'authenticationStrength';
  }
  if ('conditions' in value || 'grantControls' in value || 'sessionControls' in value) return 'policy';
  if ('ipRanges' in value || 'countriesAndRegions' in value || 'countryLookupMethod' in value) return 'namedLocation';
  if ('allowedCombinations' in value || 'combinationConfigurations' in value) return 'authenticationStrength';
  return undefined;
}
