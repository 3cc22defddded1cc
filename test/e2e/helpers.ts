import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

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

export interface ChildResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a bundled script as an async child process (so an in-process emulator keeps answering
 * while it runs), with only PATH and the given variables in its environment.
 */
export function runNode(script: string, args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<ChildResult> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, env: { PATH: process.env['PATH'] ?? '', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => ok({ status, stdout, stderr }));
  });
}

/** A throwaway working directory holding a copy of the example repository as conditional-access/. */
export function copyExample(prefix = 'caac-e2e-'): string {
  const cwd = mkdtempSync(join(tmpdir(), prefix));
  cpSync(resolve('examples/conditional-access'), join(cwd, 'conditional-access'), { recursive: true });
  return cwd;
}

/** Edits one policy file of a copied example in place. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a policy file of any shape
export function editPolicy(cwd: string, file: string, edit: (p: Record<string, any>) => void): void {
  const path = join(cwd, 'conditional-access', 'policies', file);
  const policy = JSON.parse(readFileSync(path, 'utf8'));
  edit(policy);
  writeFileSync(path, JSON.stringify(policy, null, 2));
}

/** Starts the bundled CLI's emulator with these flags; resolves with the process and its URL once it listens. */
export function startCliEmulator(flags: string[]): Promise<{ emulator: ChildProcessWithoutNullStreams; url: string }> {
  const emulator = spawn(process.execPath, [resolve('dist/cli.js'), 'emulator', ...flags]);
  return new Promise((ok, fail) => {
    let out = '';
    emulator.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) ok({ emulator, url: m[1]! });
    });
    emulator.on('exit', () => fail(new Error(out)));
  });
}

/** The emulator's request count, read by a child (this process may be blocked in spawnSync). */
export function emulatorRequests(url: string): number {
  const r = spawnSync(process.execPath, ['-e', `fetch(${JSON.stringify(`${url}/_emulator/requests`)}).then((r) => r.json()).then((j) => console.log(j.total))`], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

/** The bundled CLI's emulator for the enclosing describe (started in beforeAll, killed in afterAll); read `url` in the tests. */
export function useCliEmulator(flags: string[]): { readonly url: string } {
  let started: { emulator: ChildProcessWithoutNullStreams; url: string } | undefined;
  beforeAll(async () => {
    started = await startCliEmulator(flags);
  });
  afterAll(() => {
    started?.emulator.kill();
  });
  return {
    get url(): string {
      if (!started) throw new Error('the emulator has not started');
      return started.url;
    },
  };
}
