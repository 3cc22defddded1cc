import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes a throwaway repository: `files` maps relative paths to contents (objects become JSON). */
export function writeRepo(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'caac-e2e-'));
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
  }
  return root;
}

export const GOOD_POLICY = {
  displayName: 'CA001 - Require MFA for admins',
  state: 'enabled',
  conditions: {
    clientAppTypes: ['all'],
    users: { includeRoles: ['62e90394-69f5-4237-9190-012177145e10'], excludeGroups: ['group:Break Glass'] },
    applications: { includeApplications: ['All'] },
  },
  grantControls: { operator: 'OR', builtInControls: ['mfa'] },
};

export const LOCKOUT_POLICY = {
  displayName: 'CA002 - Block everyone',
  state: 'enabled',
  conditions: { clientAppTypes: ['all'], users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] } },
  grantControls: { operator: 'OR', builtInControls: ['block'] },
};
