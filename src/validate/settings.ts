/**
 * Checks caac.yml. A broken settings file is a usage error (exit 2), not a finding: every rule
 * that depends on it would otherwise report nonsense.
 */
import { ConfigurationError } from '../errors.js';
import { parseReferenceValue } from '../model/references.js';
import type { Settings, SettingsSource } from '../model/settings.js';
import { checkEnvironmentSettings } from './environments.js';
import { compileNamingPattern } from './naming-pattern.js';
import { checkRolloutSettings } from '../rollout/rings.js';
import { describeSchemaErrors } from './schema-errors.js';
import { SETTINGS_SCHEMA, checkSettingsSchema } from './schemas.js';

export function readSettings(source: SettingsSource | undefined): Settings {
  if (!source) return {};
  const fail = (path: string, message: string): never => {
    const p = source.locate(path);
    throw new ConfigurationError(`${source.file}:${p.line}:${p.column}: ${message}`, { file: source.file, path, line: p.line, column: p.column });
  };
  const problems = describeSchemaErrors(checkSettingsSchema(source.value), SETTINGS_SCHEMA);
  if (problems.length) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    fail(first.path, `invalid settings: ${first.message}${more}`);
  }
  const settings = source.value as Settings;
  const access = settings.emergencyAccess;
  if (access?.waive !== undefined) {
    const others = Object.keys(access).filter((k) => k !== 'waive');
    // A waiver beside accounts would leave the reader unsure which one holds: refuse both.
    if (others.length) {
      fail(
        `/emergencyAccess/${others[0]}`,
        `emergencyAccess.waive stands alone: remove ${others.map((k) => `emergencyAccess.${k}`).join(', ')} to waive the emergency-access check, or remove waive to keep it`,
      );
    }
  }
  const pattern = settings.naming?.pattern;
  if (pattern !== undefined) {
    const compiled = compileNamingPattern(pattern);
    if ('problem' in compiled) fail('/naming/pattern', compiled.problem);
  }
  const expect = (list: string[] | undefined, kind: 'user' | 'group', key: string) =>
    (list ?? []).forEach((value, i) => {
      const parsed = parseReferenceValue(value, []);
      const ok = parsed.type === 'guid' || (parsed.type === 'reference' && parsed.reference.kind === kind);
      if (!ok) fail(`/emergencyAccess/${key}/${i}`, `emergencyAccess.${key} takes "${kind}:…" references or object ids (GUID), not "${value}"`);
    });
  expect(settings.emergencyAccess?.users, 'user', 'users');
  expect(settings.emergencyAccess?.groups, 'group', 'groups');
  checkEnvironmentSettings(settings, fail);
  checkRolloutSettings(settings.rollout, fail);
  return settings;
}
