/**
 * caac validate --fix on real files: the Azure-Samples seed templates (copied to a temporary
 * folder), YAML with comments, encodings, list exports, links, and repairs it must refuse.
 */
import { cpSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runValidateFix } from '../../src/commands/validate-fix.js';
import { runValidate } from '../../src/commands/validate.js';
import { filePolicyStore } from '../../src/repo/load-repository.js';
import { fileDocumentFiles } from '../../src/repo/document-files.js';
import { renderUnifiedDiff } from '../../src/render/unified-diff.js';

const SEEDS = resolve(process.cwd(), '../shared/corpus/seed-templates');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'caac-fix-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fix = (root: string, dryRun = false) => runValidateFix(filePolicyStore(root, { cwd: dir }), fileDocumentFiles(dir), { dryRun });
const validate = (root: string) => runValidate(filePolicyStore(root, { cwd: dir }));

/** Every line of `before` that is not on a changed line is in `after`, in order (formatting kept). */
function keptOutside(before: string, after: string): boolean {
  const out = after.split('\n');
  let at = 0;
  for (const line of before.split('\n')) {
    const found = out.indexOf(line, at);
    if (found >= 0) at = found + 1;
  }
  return at > 0;
}

function copySeeds(): string[] {
  const root = join(dir, 'seeds');
  cpSync(SEEDS, root, { recursive: true });
  for (const name of readdirSync(root)) chmodSync(join(root, name), 0o644);
  return readdirSync(root);
}

describe('the seed templates', () => {
  it('each repaired alone: only the file that is not JSON still fails, and nothing else of the text moved', () => {
    const names = copySeeds();
    const stillFailing: string[] = [];
    for (const name of names) {
      const one = join(dir, 'one', name.replace(/\W+/g, '-'));
      mkdirSync(one, { recursive: true });
      const original = readFileSync(join(dir, 'seeds', name));
      writeFileSync(join(one, name), original);
      const run = fix(one);
      const after = readFileSync(join(one, name));
      if (validate(one).summary.errors > 0) stillFailing.push(name);
      if (run.changes.length === 0) {
        expect(after.equals(original)).toBe(true);
        continue;
      }
      // Lines the fixes did not touch are byte for byte where they were.
      const kept = original.toString('utf8').split('\n');
      const now = after.toString('utf8').split('\n');
      const changed = new Set(run.result.findings.filter((f) => f.fixed).map((f) => f.line));
      let j = 0;
      for (const [i, line] of kept.entries()) {
        if (changed.has(i + 1)) continue;
        const found = now.indexOf(line, j);
        if (line.trim() !== '' && !line.includes('clientAppTypes')) expect({ name, line, found: found >= 0 }).toEqual({ name, line, found: true });
        if (found >= 0) j = found + 1;
      }
    }
    expect(stillFailing).toEqual(['template-8-app-enforced-restrictions-on-untrusted-devices']);
  });

  it('repaired together: clientAppTypes [] becomes ["all"], and what remains is the parse error and the duplicated names (never renamed)', () => {
    copySeeds();
    const before = validate('seeds');
    expect(before.findings.filter((f) => f.rule === 'graph-rule' && f.severity === 'error').length).toBeGreaterThan(5);
    const run = fix('seeds');
    const fixedAppTypes = run.result.findings.filter((f) => f.fixed && f.path === '/conditions/clientAppTypes');
    expect(fixedAppTypes.length).toBe(before.findings.filter((f) => f.message.startsWith('clientAppTypes is empty')).length);
    expect(fixedAppTypes.every((f) => f.rule === 'graph-rule' && f.severity === 'error')).toBe(true);
    const errors = run.result.findings.filter((f) => !f.fixed && f.severity === 'error');
    expect(new Set(errors.map((f) => f.rule))).toEqual(new Set(['parse', 'duplicate-name']));
    expect(errors.filter((f) => f.rule === 'parse').map((f) => f.file)).toEqual(['seeds/template-8-app-enforced-restrictions-on-untrusted-devices']);
    const text = readFileSync(join(dir, 'seeds', 'Quickstart api template 1 - MFA registration restrictions.json'), 'utf8');
    expect(text).toContain('"clientAppTypes": [\n            "all"\n        ],');
    // The tab the authors left before "mfa" is still there.
    expect(text).toContain('\t    "mfa",');
    // The invalid file is untouched.
    expect(readFileSync(join(dir, 'seeds', 'template-8-app-enforced-restrictions-on-untrusted-devices')).equals(readFileSync(join(SEEDS, 'template-8-app-enforced-restrictions-on-untrusted-devices')))).toBe(true);
    // A second run finds nothing more to fix.
    expect(fix('seeds').changes).toEqual([]);
  });

  it('--dry-run writes nothing and shows the diff', () => {
    copySeeds();
    const name = 'template-require-mfa-b2b-users.json';
    const original = readFileSync(join(dir, 'seeds', name));
    const run = fix('seeds', true);
    expect(readFileSync(join(dir, 'seeds', name)).equals(original)).toBe(true);
    const change = run.changes.find((c) => c.file === `seeds/${name}`)!;
    const diff = renderUnifiedDiff(change);
    expect(diff).toContain(`--- a/seeds/${name}\n+++ b/seeds/${name}\n@@ -4,7 +4,9 @@`);
    expect(diff).toContain('-        "clientAppTypes": [],\n+        "clientAppTypes": [\n+            "all"\n+        ],');
    expect(run.result.summary.fixed).toBeGreaterThan(0);
    expect(keptOutside(change.before!, change.after!)).toBe(true);
  });
});

describe('repairs', () => {
  const write = (rel: string, content: string | Buffer): string => {
    const path = join(dir, 'repo', rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
    return path;
  };
  const settings = () => write('caac.yml', 'emergencyAccess:\n  users: ["user:breakglass@contoso.com"]\n');

  it('YAML: comments kept, enum case, server fields and annotations removed, includeUsers "All" left alone, id kept', () => {
    settings();
    const path = write(
      'policies/p.yaml',
      [
        '# Require MFA for everyone',
        'id: 11111111-1111-1111-1111-111111111111',
        'displayName: CA001 - MFA # the name',
        'state: enabledForReportingButNotEnforced',
        'createdDateTime: "2024-01-01T00:00:00Z"',
        "'@odata.context': https://graph.microsoft.com/v1.0/$metadata#x",
        'conditions:',
        '  clientAppTypes: [] # Graph says 1064',
        '  users:',
        '    includeUsers: [All]',
        '    excludeUsers: ["user:breakglass@contoso.com"]',
        '  applications:',
        '    includeApplications: [All]',
        'grantControls:',
        '  operator: or',
        '  builtInControls: [MFA]',
        '',
      ].join('\n'),
    );
    const run = fix('repo');
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(
      [
        '# Require MFA for everyone',
        'id: 11111111-1111-1111-1111-111111111111',
        'displayName: CA001 - MFA # the name',
        'state: enabledForReportingButNotEnforced',
        'conditions:',
        '  clientAppTypes: [all] # Graph says 1064',
        '  users:',
        '    includeUsers: [All]',
        '    excludeUsers: ["user:breakglass@contoso.com"]',
        '  applications:',
        '    includeApplications: [All]',
        'grantControls:',
        '  operator: OR',
        '  builtInControls: [mfa]',
        '',
      ].join('\n'),
    );
    expect(run.result.findings.filter((f) => f.fixed).map((f) => `${f.rule} ${f.path}`).sort()).toEqual([
      'casing /grantControls/builtInControls/0',
      'casing /grantControls/operator',
      'graph-rule /conditions/clientAppTypes',
      'odata-annotation /@odata.context',
      'server-field /createdDateTime',
    ]);
    expect(run.result.summary.errors).toBe(0);
  });

  it('JSON in UTF-16 with a BOM and CRLF stays so; the legacy guests string goes where the object says the same', () => {
    settings();
    const json = [
      '{',
      '  "displayName": "CA002 - Guests",',
      '  "state": "enabled",',
      '  "conditions": {',
      '    "clientAppTypes": ["all"],',
      '    "applications": { "includeApplications": ["All"] },',
      '    "users": {',
      '      "includeUsers": ["GuestsOrExternalUsers"],',
      '      "includeGuestsOrExternalUsers": { "guestOrExternalUserTypes": "internalGuest,b2bCollaborationGuest", "externalTenants": { "@odata.type": "#microsoft.graph.conditionalAccessAllExternalTenants", "membershipKind": "all" } },',
      '      "excludeUsers": ["user:breakglass@contoso.com"]',
      '    }',
      '  },',
      '  "grantControls": { "operator": "OR", "builtInControls": ["mfa"] }',
      '}',
      '',
    ].join('\r\n');
    const path = write('policies/guests.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]));
    const run = fix('repo');
    const bytes = readFileSync(path);
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    const text = bytes.subarray(2).toString('utf16le');
    expect(text).toBe(json.replace('"includeUsers": ["GuestsOrExternalUsers"]', '"includeUsers": []'));
    expect(run.result.findings.filter((f) => f.fixed).map((f) => `${f.rule} ${f.path}`)).toEqual(['graph-rule /conditions/users/includeUsers/0']);
    expect(run.result.summary.errors).toBe(0);
  });

  it('never repairs what could change who is covered: a missing state, an unknown property, a lockout', () => {
    write('caac.yml', 'emergencyAccess:\n  users: ["user:breakglass@contoso.com"]\n');
    const original = JSON.stringify(
      {
        displayName: 'CA003 - Block',
        conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] }, unknownThing: true },
        grantControls: { operator: 'OR', builtInControls: ['block'] },
      },
      null,
      2,
    );
    const path = write('policies/block.json', original);
    const run = fix('repo');
    expect(readFileSync(path, 'utf8')).toBe(original);
    expect(run.changes).toEqual([]);
    const rules = new Set(run.result.findings.filter((f) => f.severity === 'error').map((f) => f.rule));
    expect(rules).toEqual(new Set(['schema', 'lockout-risk', 'break-glass-not-excluded']));
    expect(run.result.findings.some((f) => f.fixed)).toBe(false);
  });

  it('splits a Graph list export into one file per policy named by the slug rule, each repaired', () => {
    settings();
    const policy = (name: string) => ({
      id: `id-${name}`,
      displayName: name,
      createdDateTime: '2024-01-01T00:00:00Z',
      modifiedDateTime: null,
      templateId: null,
      partialEnablementStrategy: null,
      state: 'enabledForReportingButNotEnforced',
      conditions: { clientAppTypes: [], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeUsers: ['user:breakglass@contoso.com'] } },
      grantControls: { operator: 'OR', builtInControls: ['mfa'], 'authenticationStrength@odata.context': 'x', authenticationStrength: null },
    });
    write('policies/export.json', JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#policies', value: [policy('CA010: MFA / all'), policy('CA011 Légacy')] }, null, 4));
    expect(validate('repo').findings.map((f) => f.rule)).toContain('layout');
    const run = fix('repo');
    expect(existsSync(join(dir, 'repo/policies/export.json'))).toBe(false);
    expect(readdirSync(join(dir, 'repo/policies')).sort()).toEqual(['ca010-mfa-all.json', 'ca011-legacy.json']);
    const one = JSON.parse(readFileSync(join(dir, 'repo/policies/ca011-legacy.json'), 'utf8'));
    expect(one).toEqual({
      id: 'id-CA011 Légacy',
      displayName: 'CA011 Légacy',
      state: 'enabledForReportingButNotEnforced',
      conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeUsers: ['user:breakglass@contoso.com'] } },
      grantControls: { operator: 'OR', builtInControls: ['mfa'], authenticationStrength: null },
    });
    expect(readFileSync(join(dir, 'repo/policies/ca011-legacy.json'), 'utf8')).toMatch(/^\{\n {4}"id"/);
    expect(run.result.findings.filter((f) => f.fixed && f.rule === 'layout')).toHaveLength(1);
    expect(run.result.summary.errors).toBe(0);
  });

  it('refuses symbolic links: the link and its target are left as they are', () => {
    settings();
    const target = join(dir, 'outside.json');
    const body = '{"displayName":"CA004","state":"enabled","conditions":{"clientAppTypes":[],"applications":{"includeApplications":["All"]},"users":{"includeUsers":["None"]}},"grantControls":{"operator":"OR","builtInControls":["mfa"]}}';
    writeFileSync(target, body);
    mkdirSync(join(dir, 'repo/policies'), { recursive: true });
    symlinkSync(target, join(dir, 'repo/policies/link.json'));
    const run = fix('repo');
    expect(readFileSync(target, 'utf8')).toBe(body);
    expect(run.changes).toEqual([]);
    expect(run.result.findings.find((f) => f.rule === 'file')?.message).toMatch(/symbolic link/);
  });

  it('a file changed between the read and the write is not overwritten', () => {
    const path = write('policies/p.json', '{"displayName":"CA006","state":"enabled","conditions":{"clientAppTypes":[],"applications":{"includeApplications":["All"]},"users":{"includeUsers":["None"]}},"grantControls":{"operator":"OR","builtInControls":["mfa"]}}');
    const files = fileDocumentFiles(dir);
    const outcome = files.repair('repo/policies/p.json', [{ rule: 'graph-rule', segments: ['conditions', 'clientAppTypes'], edit: { op: 'replace', value: ['all'] }, message: '' }]);
    if ('problem' in outcome) throw new Error(outcome.problem);
    writeFileSync(path, '{"displayName":"CA006 - changed meanwhile"}');
    expect(() => files.commit([outcome.change])).toThrow(/changed while caac validate --fix ran/);
    expect(readFileSync(path, 'utf8')).toBe('{"displayName":"CA006 - changed meanwhile"}');
  });

  it('--dry-run leaves every file as it was', () => {
    settings();
    const path = write('policies/p.json', '{"displayName":"CA005","state":"enabled","createdDateTime":"x","conditions":{"clientAppTypes":[],"applications":{"includeApplications":["All"]},"users":{"includeUsers":["None"]}},"grantControls":{"operator":"OR","builtInControls":["mfa"]}}');
    const before = readFileSync(path);
    const run = fix('repo', true);
    expect(run.changes).toHaveLength(1);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});
