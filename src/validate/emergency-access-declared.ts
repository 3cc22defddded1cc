/**
 * `no-emergency-access`: a repository whose caac.yml names no emergency-access (break-glass)
 * account has no lockout guard at all, and nothing else would say so. validate warns on every run
 * (and plan, through `noEmergencyAccessMessage`) until caac.yml lists the accounts or waives the
 * check with a reason.
 */
import type { Finding } from '../model/findings.js';
import { emergencyAccessDeclaration, type Settings, type SettingsSource } from '../model/settings.js';

export const NO_EMERGENCY_ACCESS = 'no-emergency-access';

/** Where the repository is: its root as given and its settings file, if any. */
export interface RepositoryPlace {
  root: string;
  settings?: SettingsSource;
}

/** What is missing and how to fix it, or undefined when caac.yml lists accounts or waives the check. */
export function noEmergencyAccessMessage(settings: Settings, place: RepositoryPlace): string | undefined {
  if (emergencyAccessDeclaration(settings).status !== 'missing') return undefined;
  const fix = 'list the break-glass accounts under emergencyAccess.users or emergencyAccess.groups, or waive the check on purpose with emergencyAccess: {waive: "<reason>"}';
  const risk = 'nothing checks that policies spare an emergency-access (break-glass) account, so one change can lock every administrator out';
  if (!place.settings) return `no caac.yml in "${place.root}": ${risk}; add caac.yml and ${fix}`;
  const access = settings.emergencyAccess;
  const what = access === undefined ? 'sets no emergencyAccess' : 'lists no emergency-access user or group';
  return `${place.settings.file} ${what}: ${risk}; ${fix}`;
}

export function noEmergencyAccessFinding(settings: Settings, place: RepositoryPlace): Finding | undefined {
  const message = noEmergencyAccessMessage(settings, place);
  if (message === undefined) return undefined;
  const file = place.settings?.file ?? place.root;
  const path = settings.emergencyAccess === undefined ? '' : '/emergencyAccess';
  const at = place.settings ? place.settings.locate(path) : { line: 1, column: 1 };
  return { rule: NO_EMERGENCY_ACCESS, severity: 'warning', file, line: at.line, column: at.column, path, message };
}
