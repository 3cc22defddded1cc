export { betaOnlyProperties, canonicalJson, isEmpty, normalizeDocument, toGraphBody, type NormalizeOptions } from './normalize-document.js';
export { PROPERTY_RULES, type PropertyRule, type RuleTable } from './property-rules.js';
export { dropLegacyGuestsKeyword } from './legacy-guests.js';
