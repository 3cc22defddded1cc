/**
 * caac init end to end: the bundled CLI as a child process; `--from-tenant` against the emulator's
 * sample tenant. What init writes validates, and an adopted tenant plans as no changes.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runNode } from './helpers.js';

const CLI = resolve('dist/cli.js');

let emulator: RunningEmulator;
beforeEach(async () => {
  emulator = await startEmulator({ seed: 'sample' });
});
afterEach(async () => {
  await emulator.stop();
});

const graph = () => ['--graph-url', emulator.url, '--rate-limit', '50'];
const run = (args: string[], cwd: string) => runNode(CLI, args, { cwd, env: { CAAC_ACCESS_TOKEN: 'e2e' } });
const emptyDir = () => mkdtempSync(join(tmpdir(), 'caac-init-'));

/** Every file under a folder with its bytes, relative, forward slashes. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else out[relative(root, abs).split(sep).join('/')] = readFileSync(abs, 'utf8');
    }
  };
  walk(root);
  return out;
}

describe('caac init', () => {
  test('starts a repository: layout, a commented caac.yml with no active emergencyAccess, schemas, workflows, .gitignore; it validates', async () => {
    const cwd = emptyDir();
    const r = await run(['init', '--dir', 'identity/ca'], cwd);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = tree(cwd);
    expect(Object.keys(files).sort()).toEqual([
      '.github/workflows/caac-backup.yml',
      '.github/workflows/caac-contingency.yml',
      '.github/workflows/caac-deploy.yml',
      '.github/workflows/caac-drift.yml',
      '.github/workflows/caac-exceptions.yml',
      '.github/workflows/caac-plan.yml',
      '.github/workflows/caac-validate.yml',
      '.gitignore',
      'identity/ca/.schemas/authentication-strength.schema.json',
      'identity/ca/.schemas/named-location.schema.json',
      'identity/ca/.schemas/policy.schema.json',
      'identity/ca/.schemas/settings.schema.json',
      'identity/ca/authentication-strengths/.gitkeep',
      'identity/ca/caac.yml',
      'identity/ca/named-locations/.gitkeep',
      'identity/ca/policies/.gitkeep',
    ]);
    for (const path of Object.keys(files)) expect(r.stdout).toContain(`created ${path}`);
    const settings = files['identity/ca/caac.yml']!;
    expect(settings.split('\n')[0]).toBe('# yaml-language-server: $schema=.schemas/settings.schema.json');
    expect(settings).toMatch(/^# TODO: name your emergency-access \(break-glass\) accounts/m);
    expect(parseYaml(settings)).toEqual({ prune: false });
    expect(files['.gitignore']!.split('\n')).toContain('.caac/');
    expect(JSON.parse(files['identity/ca/.schemas/policy.schema.json']!).$id).toBe('urn:caac:schema:policy');
    // The workflows name the folder given, and keep the action's owner.
    const plan = files['.github/workflows/caac-plan.yml']!;
    expect(plan).toContain("paths: ['identity/ca/**']");
    expect(plan).toContain('dir: identity/ca');
    expect(plan).toContain('uses: conditional-access-as-code/caac/actions/plan@');
    expect(Object.values(files).join('\n')).not.toMatch(/conditional-access(?!-as-code)/);

    const validate = await run(['validate', '--dir', 'identity/ca'], cwd);
    expect(validate.status).toBe(0);
    expect(validate.stdout).toMatch(/0 errors/);
    expect(emulator.requests().total).toBe(0);
  });

  test('refuses to overwrite anything: exit 2, lists what is in the way, writes nothing', async () => {
    const cwd = emptyDir();
    expect((await run(['init'], cwd)).status).toBe(0);
    const before = tree(cwd);
    const again = await run(['init'], cwd);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/^caac: init writes nothing over existing files, and these 15 are in the way: conditional-access\/caac\.yml, /);
    expect(again.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(tree(cwd)).toEqual(before);

    // One file in the way is enough.
    const other = emptyDir();
    mkdirSync(join(other, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(other, '.github', 'workflows', 'caac-plan.yml'), 'mine\n');
    const r = await run(['init'], other);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('this one is in the way: .github/workflows/caac-plan.yml');
    expect(Object.keys(tree(other))).toEqual(['.github/workflows/caac-plan.yml']);
  });

  test('an existing .gitignore gets the .caac/ line once, keeping what it had', async () => {
    const cwd = emptyDir();
    writeFileSync(join(cwd, '.gitignore'), 'node_modules/');
    const r = await run(['init'], cwd);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('updated .gitignore');
    expect(readFileSync(join(cwd, '.gitignore'), 'utf8')).toMatch(/^node_modules\/\n# caac: .*\n\.caac\/\n$/);

    const covered = emptyDir();
    writeFileSync(join(covered, '.gitignore'), '/.caac/\n');
    expect((await run(['init'], covered)).stdout).not.toContain('.gitignore');
    expect(readFileSync(join(covered, '.gitignore'), 'utf8')).toBe('/.caac/\n');
  });

  test('a --dir outside the repository is refused (exit 2)', async () => {
    const cwd = emptyDir();
    for (const dir of ['../elsewhere', '/tmp/x', 'a/../../b', '.hidden']) {
      const r = await run(['init', '--dir', dir], cwd);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^caac: --dir .*: give a folder inside this repository/);
    }
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('caac init --from-tenant', () => {
  test('adopts the sample tenant: a backup linked to its schemas, the break-glass group suggested (commented, with counts); validates; plans as no changes', async () => {
    const cwd = emptyDir();
    const r = await run(['init', '--from-tenant', ...graph()], cwd);
    expect(r.stderr).not.toContain('e2e');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('created conditional-access/policies/ca001-block-legacy-authentication.json');
    expect(r.stdout).toMatch(/backed up 25 object\(s\) of the tenant into conditional-access\//);

    const settings = readFileSync(join(cwd, 'conditional-access', 'caac.yml'), 'utf8');
    expect(settings).toMatch(/^# emergencyAccess:\n# {3}groups:\n# {5}- "group:CA-BreakGlass" {2}# excluded by 14 of 14 enabled policies$/m);
    // Never active until the user uncomments it.
    expect(parseYaml(settings)).toEqual({ prune: false });
    const policy = JSON.parse(readFileSync(join(cwd, 'conditional-access', 'policies', 'ca001-block-legacy-authentication.json'), 'utf8'));
    expect(Object.keys(policy).slice(0, 3)).toEqual(['$schema', 'id', 'displayName']);
    expect(policy.$schema).toBe('../.schemas/policy.schema.json');
    // A kind folder that got files needs no .gitkeep.
    expect(readdirSync(join(cwd, 'conditional-access', 'policies'))).not.toContain('.gitkeep');

    const validate = await run(['validate'], cwd);
    expect(validate.status).toBe(0);
    expect(validate.stdout).toMatch(/25 documents: 0 errors/);
    const plan = await run(['plan', '--detailed-exitcode', ...graph()], cwd);
    expect(plan.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 25 unchanged');
    expect(plan.status).toBe(0);

    // Confirming the suggestion (uncommenting it) makes it the guard, and it still plans clean.
    const confirmed = settings.replace(/^# (emergencyAccess:)$/m, '$1').replace(/^# ( {2}groups:)$/m, '$1').replace(/^# ( {4}- "group:CA-BreakGlass")/m, '$1');
    writeFileSync(join(cwd, 'conditional-access', 'caac.yml'), confirmed);
    expect(parseYaml(confirmed)).toEqual({ emergencyAccess: { groups: ['group:CA-BreakGlass'] }, prune: false });
    expect((await run(['validate'], cwd)).status).toBe(0);
    expect((await run(['plan', '--detailed-exitcode', ...graph()], cwd)).status).toBe(0);

    // A later backup into the adopted repository keeps the schema links and changes nothing.
    const backup = await run(['backup', '--out', 'conditional-access', ...graph()], cwd);
    expect(backup.stdout).toMatch(/^Backup: 0 added, 0 changed, 0 removed, 25 unchanged/m);
    expect(JSON.parse(readFileSync(join(cwd, 'conditional-access', 'policies', 'ca001-block-legacy-authentication.json'), 'utf8')).$schema).toBe('../.schemas/policy.schema.json');
  });

  test('a folder that already holds policies: exit 2 before any Graph request', async () => {
    const cwd = emptyDir();
    mkdirSync(join(cwd, 'conditional-access', 'policies'), { recursive: true });
    writeFileSync(join(cwd, 'conditional-access', 'policies', 'mine.json'), '{}\n');
    const r = await run(['init', '--from-tenant', ...graph()], cwd);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/this one is in the way: conditional-access\/policies\/mine\.json\. .*use caac backup --out/);
    expect(emulator.requests().total).toBe(0);
  });
});
