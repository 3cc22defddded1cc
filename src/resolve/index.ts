export { labelOf, resolveReferences, type ResolutionProblem, type ResolutionResult, type ResolveContext, type ResolvedDocument } from './resolve-references.js';
export { WELL_KNOWN_APP_IDS, wellKnownAppName } from './well-known-apps.js';
