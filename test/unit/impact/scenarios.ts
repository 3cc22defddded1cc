/** Shared fixtures for the impact engine's tests: the example repository's documents and sign-in builders. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../../../src/model/documents.js';
import { locationViews } from '../../../src/impact/context.js';
import type { EvaluationContext } from '../../../src/impact/context.js';
import type { SignIn, UserIdentity } from '../../../src/impact/sign-in.js';

const EXAMPLE = 'examples/conditional-access';

function readFolder(folder: string): JsonObject[] {
  const dir = join(EXAMPLE, folder);
  return readdirSync(dir).sort().map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as JsonObject);
}

export const examplePolicies = (): JsonObject[] => readFolder('policies');
export const exampleContext = (): EvaluationContext => ({ namedLocations: locationViews(readFolder('named-locations')) });

export const TRUSTED_IPV4 = '203.0.113.10';
export const TRUSTED_IPV6 = '2001:db8:1000::5';
export const OUTSIDE_IP = '192.0.2.200';

export function user(extra: Partial<UserIdentity> = {}): UserIdentity {
  return { kind: 'user', user: 'user:adele.vance@contoso.com', groups: [], roles: [], ...extra };
}

/** An ordinary browser sign-in on Windows to an app, from the office: every other input given. */
export function signIn(extra: Partial<SignIn> = {}): SignIn {
  return {
    identity: user(),
    target: { kind: 'application', application: 'app:Contoso Payroll' },
    platform: 'windows',
    clientAppType: 'browser',
    location: { ip: TRUSTED_IPV4 },
    risks: { signIn: 'none', user: 'none', insider: 'minor' },
    device: { isCompliant: true, trustType: 'AzureAD', operatingSystem: 'Windows' },
    ...extra,
  };
}

export function policy(displayName: string, conditions: JsonObject, grantControls: JsonObject | null, extra: JsonObject = {}): JsonObject {
  return { displayName, state: 'enabled', conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] }, ...conditions }, grantControls, ...extra };
}
