export { fieldChanges } from './field-changes.js';
export { fingerprintSnapshot } from './fingerprint.js';
export { isBuiltInStrength, matchDocuments, type MatchResult, type MatchedPair } from './match.js';
export { hasChanges, planChanges, type PlanInput } from './plan-changes.js';
export { readPlanFile, writePlanFile } from './plan-file.js';
