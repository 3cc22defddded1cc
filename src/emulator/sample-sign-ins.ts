/**
 * The sample tenant's sign-in log: two weeks of sign-ins by Contoso's five users, ending at the
 * hour the emulator started (the log is about "the last days", so its times follow the clock; its
 * content is the same on every start). What it tells, for staged rollout:
 * - CA006 (require a compliant device, report-only) would have blocked Alex Wilber's personal Mac
 *   every third day and Adele Vance's home PC once: not ready to enforce.
 * - CA014 (app protection on mobile, report-only, the pilot group) would have blocked no one: the
 *   pilot's phones run protected mail apps; every other day they are only asked to sign in to the
 *   broker app (interrupted). Ready for its first ring.
 * - CA002 (MFA, enforced) passes, but for one failed MFA prompt of Adele Vance's.
 */
import { stableGuid } from './builtins.js';
import type { JsonObject } from './types.js';

const DOMAIN = 'contoso.onmicrosoft.com';
const DAYS = 14;
const HOUR = 3_600_000;

const policyId = (displayName: string): string => stableGuid(`sample:policy:${displayName.slice(0, 5)}`);
const CA002 = 'CA002 - Require multifactor authentication for all users';
const CA006 = 'CA006 - Require compliant or hybrid joined device';
const CA014 = 'CA014 - Require app protection on mobile devices (pilot)';

const APPS: Record<string, [string, string]> = {
  outlook: ['00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online'],
  sharepoint: ['00000003-0000-0ff1-ce00-000000000000', 'Office 365 SharePoint Online'],
  teams: ['cc15fd57-2c6c-4117-a88c-83b1d56b4bbe', 'Microsoft Teams Services'],
  hr: [stableGuid('sample:app:contoso-hr-portal'), 'Contoso HR Portal'],
};

type Os = 'Windows 11' | 'MacOs' | 'Ios' | 'Android';
interface Pattern {
  alias: string;
  name: string;
  /** Sign-ins each day: app, operating system, compliant device, app protected (mobile). */
  daily: Array<{ app: keyof typeof APPS; os: Os; compliant: boolean; protectedApp?: boolean }>;
  pilot: boolean;
  service?: boolean;
}

const PEOPLE: Pattern[] = [
  { alias: 'adele.vance', name: 'Adele Vance', pilot: false, daily: [{ app: 'outlook', os: 'Windows 11', compliant: true }, { app: 'hr', os: 'Windows 11', compliant: true }] },
  { alias: 'alex.wilber', name: 'Alex Wilber', pilot: true, daily: [{ app: 'teams', os: 'MacOs', compliant: true }, { app: 'outlook', os: 'Ios', compliant: false, protectedApp: true }] },
  { alias: 'megan.bowen', name: 'Megan Bowen', pilot: true, daily: [{ app: 'sharepoint', os: 'Windows 11', compliant: true }, { app: 'outlook', os: 'Android', compliant: false, protectedApp: true }] },
  { alias: 'svc-backup', name: 'Backup Service Account', pilot: false, service: true, daily: [{ app: 'sharepoint', os: 'Windows 11', compliant: true }] },
  { alias: 'svc-scanner', name: 'Document Scanner Account', pilot: false, service: true, daily: [{ app: 'outlook', os: 'Windows 11', compliant: true }] },
];

type Result = string;

function applied(displayName: string, result: Result, grant: string[] = []): JsonObject {
  return { id: policyId(displayName), displayName, enforcedGrantControls: grant, enforcedSessionControls: [], result };
}

/** The sample sign-ins, newest ending at `endMs` (rounded down to the hour). */
export function sampleSignIns(endMs: number): JsonObject[] {
  const end = Math.floor(endMs / HOUR) * HOUR;
  const out: JsonObject[] = [];
  for (let day = 0; day < DAYS; day++) {
    PEOPLE.forEach((person, p) => {
      person.daily.forEach((s, k) => {
        const at = end - day * 24 * HOUR - (2 + p + k * 5) * HOUR - ((day * 7 + p * 13 + k * 17) % 60) * 60_000;
        const desktop = s.os === 'Windows 11' || s.os === 'MacOs';
        // Alex's personal Mac every third day, Adele's home PC once (day 2, her HR portal sign-in).
        const compliant = s.compliant && !(person.alias === 'alex.wilber' && desktop && day % 3 === 0) && !(person.alias === 'adele.vance' && day === 2 && k === 1);
        // Adele fails one MFA prompt (day 5, her first sign-in).
        const mfaFailed = person.alias === 'adele.vance' && day === 5 && k === 0;
        const ca002: Result = person.service ? 'notApplied' : mfaFailed ? 'failure' : 'success';
        const ca006: Result = desktop ? (compliant ? 'reportOnlySuccess' : 'reportOnlyFailure') : 'reportOnlyNotApplied';
        // A pilot phone with a protected mail app; on even days the user is first asked to sign in
        // to the broker app (interrupted). An unprotected app would fail.
        const ca014: Result = !person.pilot || desktop ? 'reportOnlyNotApplied' : !s.protectedApp ? 'reportOnlyFailure' : day % 2 === 0 ? 'reportOnlyInterrupted' : 'reportOnlySuccess';
        const [appId, appDisplayName] = APPS[s.app]!;
        out.push({
          id: stableGuid(`sample:signin:${day}:${person.alias}:${k}`),
          createdDateTime: new Date(at).toISOString().replace('.000Z', 'Z'),
          userDisplayName: person.name,
          userPrincipalName: `${person.alias}@${DOMAIN}`,
          userId: stableGuid(`sample:user:${person.alias}`),
          appId,
          appDisplayName,
          ipAddress: person.service ? '203.0.113.10' : `198.51.100.${20 + p}`,
          clientAppUsed: desktop ? 'Browser' : 'Mobile Apps and Desktop clients',
          correlationId: stableGuid(`sample:signin-correlation:${day}:${person.alias}:${k}`),
          conditionalAccessStatus: ca002 === 'failure' ? 'failure' : ca002 === 'success' ? 'success' : 'notApplied',
          isInteractive: !person.service,
          resourceDisplayName: appDisplayName,
          resourceId: appId,
          status: mfaFailed ? { errorCode: 500121, failureReason: 'Authentication failed during strong authentication request.', additionalDetails: null } : { errorCode: 0, failureReason: null, additionalDetails: null },
          deviceDetail: { deviceId: '', displayName: null, operatingSystem: s.os, browser: desktop ? 'Edge 131.0' : null, isCompliant: compliant, isManaged: compliant, trustType: null },
          location: { city: 'Seattle', state: 'Washington', countryOrRegion: 'US' },
          appliedConditionalAccessPolicies: [applied(CA002, ca002, ca002 === 'notApplied' ? [] : ['Mfa']), applied(CA006, ca006), applied(CA014, ca014)],
        });
      });
    });
  }
  return out;
}
