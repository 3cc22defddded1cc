/**
 * caac.yml `environments:`: what no tenant could accept stops at caac.yml's line; a binding no file
 * uses and a selection that selects nothing are warnings; bindings rewrite reference slots only;
 * selection globs; a backup's references are written back as the repository writes them.
 */
import { runValidate } from '../../src/commands/validate.js';
import { sampleTenant, SAMPLE_TENANT_ID } from '../../src/emulator/sample-tenant.js';
import { applyBindings, environmentConnection, findEnvironment, requestedEnvironment, selectsPolicy, unbindReference, type Environment } from '../../src/model/environments.js';
import type { PreparedDocument } from '../../src/model/rule.js';
import { filePolicyStore, loadRepository } from '../../src/repo/load-repository.js';
import { readSettings } from '../../src/validate/settings.js';
import { basePolicy, byRule, configurationError, lineOf, removeTempDirs, ROOT, WAIVED_SETTINGS, writeRepo } from '../fixtures/repo-helpers.js';
import { globMatches } from '../../src/model/glob.js';

afterAll(removeTempDirs);

const PPE = '11111111-2222-4333-8444-555555555555';
const GUID = '0b9a3f1e-1111-4222-8333-444455556666';

const settingsOf = (text: string) => () => readSettings(loadRepository(ROOT, { cwd: writeRepo({ 'caac.yml': text }) }).settings);

const environments = (body: string): string => `emergencyAccess:\n  waive: "a test"\nenvironments:\n${body}`;

describe('caac.yml environments: refused at their line', () => {
  const cases: Array<[string, string, string, string]> = [
    ['a tenant id that is no GUID', `  ppe:\n    tenantId: contoso.onmicrosoft.com\n`, 'tenantId', 'is not a tenant id'],
    ['a client id that is no GUID', `  ppe:\n    tenantId: "${PPE}"\n    clientId: my-app\n`, 'clientId', 'a GUID'],
    ['a graphUrl that is no URL', `  ppe:\n    tenantId: "${PPE}"\n    graphUrl: "graph dot microsoft"\n`, 'graphUrl', 'is not a URL'],
    ['a graphUrl with a query', `  ppe:\n    tenantId: "${PPE}"\n    graphUrl: "https://graph.microsoft.com/?x=1"\n`, 'graphUrl', 'query or fragment'],
    ['a binding key that is no reference', `  ppe:\n    tenantId: "${PPE}"\n    references:\n      "CA-Pilot": "group:PPE-Pilot"\n`, 'CA-Pilot', 'is not a reference as the files write it'],
    ['a binding to another kind', `  ppe:\n    tenantId: "${PPE}"\n    references:\n      "group:CA-Pilot": "user:pilot@contoso.com"\n`, 'group:CA-Pilot', 'give a group:Name reference of this tenant or the object\'s id'],
    ['an unknown cloud', `  ppe:\n    tenantId: "${PPE}"\n    cloud: mars\n`, 'cloud', 'cloud'],
    // The schema's propertyNames: located at the environments mapping.
    ['an environment name that is not a slug', `  "Pre Prod":\n    tenantId: "${PPE}"\n`, 'environments', '"Pre Prod" is not valid for environments'],
    ['no tenantId', `  ppe:\n    cloud: global\n`, 'ppe', 'tenantId'],
  ];
  test.each(cases)('%s', (_what, body, needle, message) => {
    const text = environments(body);
    const error = configurationError(settingsOf(text));
    expect(error.message).toContain(message);
    expect(error.message).toMatch(new RegExp(`^conditional-access/caac\\.yml:${lineOf(text, needle)}:`));
  });

  test('valid environments are read as written', () => {
    const text = environments(`  ppe:\n    tenantId: "${PPE}"\n    cloud: usgov\n    graphUrl: "http://127.0.0.1:8080/v1.0"\n    clientId: "${GUID}"\n    policies: {include: ["CA0*"], exclude: ["CA014*"]}\n    references:\n      "group:CA-Pilot": "group:PPE-Pilot"\n      "user:bg1@contoso.com": "${GUID}"\n`);
    expect(settingsOf(text)().environments?.['ppe']).toMatchObject({ tenantId: PPE, cloud: 'usgov', references: { 'group:CA-Pilot': 'group:PPE-Pilot' } });
  });
});

describe('validate: environment-binding warnings', () => {
  test('a binding no file writes and a selection that matches no policy are warnings at their line; used ones are not', () => {
    const yml = `emergencyAccess:\n  groups: ["group:Break Glass"]\nenvironments:\n  ppe:\n    tenantId: "${PPE}"\n    policies:\n      exclude: ["CA999*", "ca100 require mfa"]\n    references:\n      "group:Break Glass": "group:PPE Break Glass"\n      "group:Brake Glass": "${GUID}"\n`;
    const result = runValidate(filePolicyStore(ROOT, { cwd: writeRepo({ 'caac.yml': yml, 'policies/ca100.json': basePolicy() }) }));
    const found = byRule(result.findings, 'environment-binding');
    expect(found.map((f) => [f.line, f.severity])).toEqual([
      [lineOf(yml, 'CA999*'), 'warning'],
      [lineOf(yml, '"group:Brake Glass"'), 'warning'],
    ]);
    expect(found[1]!.message).toContain('check its spelling');
    expect(result.summary.errors).toBe(0);
  });
});

const env = (over: Partial<Environment> = {}): Environment => ({ name: 'ppe', tenantId: PPE, ...over });

describe('selection and bindings', () => {
  test('globs: * and ? as wildcards, whole name, any case, everything else literal', () => {
    expect(globMatches('CA0*', 'ca014 - pilot')).toBe(true);
    expect(globMatches('CA0?4 - pilot', 'CA014 - pilot')).toBe(true);
    expect(globMatches('CA0*', 'XCA014')).toBe(false);
    expect(globMatches('CA (pilot)', 'CA (pilot)')).toBe(true);
    expect(globMatches('CA.1', 'CAx1')).toBe(false);
  });

  test('include (default all), then exclude', () => {
    expect(selectsPolicy(env(), 'anything')).toBe(true);
    const e = env({ policies: { include: ['CA0*'], exclude: ['CA014*'] } });
    expect(['CA001 x', 'CA014 y', 'CA900 z'].map((n) => selectsPolicy(e, n))).toEqual([true, false, false]);
  });

  test('bindings rewrite reference slots only (any case of the name), on a copy', () => {
    const value = { displayName: 'group:CA-Pilot', conditions: { users: { includeGroups: ['group:ca-pilot', 'group:Other'], excludeUsers: ['user:bg1@contoso.com'] } }, grantControls: { authenticationStrength: { id: 'authStrength:Custom' } } };
    const document: PreparedDocument = { file: 'p.json', kind: 'policy', value: structuredClone(value), locate: () => ({ line: 1, column: 1 }), schemaValid: true };
    const e = env({ references: { 'group:CA-Pilot': 'group:PPE-Pilot', 'user:bg1@contoso.com': GUID, 'authStrength:Custom': 'authStrength:PPE Custom', 'group:Unused': 'group:X' } });
    const { documents, used } = applyBindings([document], e);
    expect(documents[0]!.value).toEqual({ displayName: 'group:CA-Pilot', conditions: { users: { includeGroups: ['group:PPE-Pilot', 'group:Other'], excludeUsers: [GUID] } }, grantControls: { authenticationStrength: { id: 'authStrength:PPE Custom' } } });
    expect(document.value).toEqual(value);
    expect([...used].sort()).toEqual(['authStrength:Custom', 'group:CA-Pilot', 'user:bg1@contoso.com']);
  });

  test('a backup writes a bound name or id as the repository writes it', () => {
    const e = env({ references: { 'group:CA-Pilot': 'group:PPE-Pilot', 'user:bg1@contoso.com': GUID } });
    expect(unbindReference('group:ppe-pilot', e)).toBe('group:CA-Pilot');
    expect(unbindReference(GUID.toUpperCase(), e)).toBe('user:bg1@contoso.com');
    expect(unbindReference('group:Finance', e)).toBe('group:Finance');
    expect(unbindReference('user:PPE-Pilot', e)).toBe('user:PPE-Pilot');
  });
});

describe('choosing an environment', () => {
  const settings = readSettings(loadRepository(ROOT, { cwd: writeRepo({ ...WAIVED_SETTINGS, 'caac.yml': environments(`  ppe:\n    tenantId: "${PPE}"\n    graphUrl: "http://127.0.0.1:1/"\n`) }) }).settings);

  test('the flag or input first, then CAAC_ENVIRONMENT, blank is none', () => {
    expect(requestedEnvironment('prod', { CAAC_ENVIRONMENT: 'ppe' })).toBe('prod');
    expect(requestedEnvironment(undefined, { CAAC_ENVIRONMENT: ' ppe ' })).toBe('ppe');
    expect(requestedEnvironment(undefined, { CAAC_ENVIRONMENT: '  ' })).toBeUndefined();
  });

  test('the environment decides the connection; a setting given elsewhere must agree', () => {
    const chosen = environmentConnection(settings, 'ppe', { clientId: { value: GUID, from: 'AZURE_CLIENT_ID' }, graphUrl: { value: 'http://127.0.0.1:1/v1.0', from: '--graph-url' } });
    expect(chosen).toMatchObject({ tenantId: PPE, clientId: GUID, graphUrl: 'http://127.0.0.1:1/', tenantIdSource: 'environment "ppe" of caac.yml (tenantId)' });
    expect(() => environmentConnection(settings, 'ppe', { graphUrl: { value: 'http://127.0.0.1:2', from: '--graph-url' } })).toThrow('--graph-url says "http://127.0.0.1:2", but environment "ppe" of caac.yml sets graphUrl');
    // What the environment leaves unset comes from elsewhere.
    expect(environmentConnection(settings, 'ppe', { cloud: { value: 'china', from: 'the cloud input' } }).cloud).toBe('china');
  });

  test('an unknown name lists the known ones; no environments at all says so; inherited keys are no environment', () => {
    expect(() => findEnvironment(settings, 'prod')).toThrow('unknown environment "prod": the environments caac.yml declares are "ppe"');
    expect(() => findEnvironment({}, 'prod')).toThrow('caac.yml declares no environments');
    expect(() => findEnvironment(settings, 'constructor')).toThrow('unknown environment "constructor"');
    expect(() => findEnvironment(settings, 'x\n::error::forged')).toThrow('unknown environment "x\\n::error::forged"');
  });
});

describe('emulator --tenant-id', () => {
  test('the default tenant keeps its ids; another tenant id gives the same names under other ids, the same ones every time', () => {
    const base = sampleTenant();
    expect(sampleTenant(SAMPLE_TENANT_ID)).toEqual(base);
    const other = sampleTenant(PPE);
    expect(sampleTenant(PPE)).toEqual(other);
    expect(other.policies.map((p) => p['displayName'])).toEqual(base.policies.map((p) => p['displayName']));
    expect(other.groups.map((g) => g['displayName'])).toEqual(base.groups.map((g) => g['displayName']));
    const baseIds = new Set([...base.policies, ...base.groups, ...base.users, ...base.namedLocations].map((o) => o['id']));
    expect([...other.policies, ...other.groups, ...other.users, ...other.namedLocations].filter((o) => baseIds.has(o['id']))).toEqual([]);
    // Microsoft's objects are the same in every tenant.
    expect(other.directoryRoleTemplates).toEqual(base.directoryRoleTemplates);
  });
});
