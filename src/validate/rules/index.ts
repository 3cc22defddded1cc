import type { BuiltInRuleInfo, Rule } from '../../model/rule.js';
import { breakGlassNotExcluded } from './break-glass-not-excluded.js';
import { contingencyConvention } from './contingency-convention.js';
import { duplicateName } from './duplicate-name.js';
import { graphRule } from './graph-rule.js';
import { lockoutRisk } from './lockout-risk.js';
import { naming } from './naming.js';
import { reference } from './reference.js';
import { strengthConfiguration } from './strength-configuration.js';

/** The rules that run over prepared documents, in report order. */
export const RULES: readonly Rule[] = [duplicateName, graphRule, strengthConfiguration, reference, lockoutRisk, breakGlassNotExcluded, contingencyConvention, naming];

/** Findings made while loading and preparing documents, documented beside the rules. */
export const BUILT_IN_RULES: readonly BuiltInRuleInfo[] = [
  { id: 'file', severity: 'error', description: 'The entry cannot be read safely: a symbolic link (caac never follows links, and never skips them), not a regular file, or larger than 1 MiB (checked before reading); the other files still load.' },
  { id: 'parse', severity: 'error', description: 'The file is not valid JSON or YAML (or is empty), is not valid UTF-8 (or UTF-16 with a byte order mark) at a given byte offset, or nests objects and arrays more than 64 deep; the other files still load.' },
  { id: 'layout', severity: 'error', description: 'The file is not one document of a known kind (an array or a Graph list export, or content of no known kind); a document under the wrong folder is a warning.' },
  { id: 'schema', severity: 'error', description: 'The document does not follow its JSON Schema: an unknown property, a wrong type, a bad enum value, a missing required property.' },
  { id: 'server-field', severity: 'warning', description: 'Server-managed fields (id, createdDateTime, modifiedDateTime, templateId, …) are present; they are ignored.' },
  { id: 'odata-annotation', severity: 'warning', description: 'OData annotations written by export tools (…@odata.type, #microsoft.graph.*) are present; they are ignored (one warning per file).' },
  { id: 'deprecated', severity: 'warning', description: 'A beta-only or deprecated Graph property is present; it is accepted but managed only with --api-version beta.' },
  { id: 'no-emergency-access', severity: 'warning', description: 'caac.yml is missing, or names no emergency-access (break-glass) user or group, so nothing guards against a lockout; reported on every run (plan too) until emergencyAccess lists accounts or says emergencyAccess: {waive: "<reason>"}.' },
  { id: 'environment-binding', severity: 'warning', description: 'caac.yml environments: a binding (references:) whose key no policy, emergencyAccess list or exception writes (a misspelt key leaves the reference unbound), or a policies.include/exclude entry that matches no policy. What no tenant could accept (a tenant id or client id that is no GUID, a graphUrl that is no URL, a key that is not kind:Name, a target that is neither a reference of the same kind nor a GUID) stops validate at its line.' },
  { id: 'casing', severity: 'warning', description: 'An enum value is written in another case than Graph\'s ("All" for "all"); Graph accepts it, caac normalizes it.' },
  { id: 'exception', severity: 'error', description: 'An entry of caac.yml\'s exceptions cannot be planned: its policy matches no policy file, it has no reason, its until is no ISO date (or date-time with a zone) or lies further than exceptionsMaxDays (default 90), a reference is of the wrong kind or a keyword, the policy is exempt from the break-glass guard, or it would exclude everyone the policy includes. At the entry\'s line in caac.yml.' },
  { id: 'exception-expired', severity: 'warning', description: 'An exception of caac.yml has ended: plan removes the exclusions it added; delete the entry once that is applied.' },
  { id: 'fix', severity: 'warning', description: 'validate --fix could not rewrite a file safely (it changed while caac ran, the repaired text would not parse, or a Graph list export holds an entry that is not a document with a displayName); nothing was written to it. The repairs it did make are findings with "fixed": true under the rule that found each problem.' },
];

export function allRuleInfo(): BuiltInRuleInfo[] {
  return [...BUILT_IN_RULES, ...RULES.map(({ id, severity, description }) => ({ id, severity, description }))];
}
