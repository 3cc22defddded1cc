/**
 * The pure parts of validate --fix and caac new: which repairs a document allows (and which it
 * never does), the text edits in JSON and YAML, the unified diff, and a template turned into a
 * policy document.
 */
import { planRepairs, applyRepairsToValue } from '../../src/validate/repairs.js';
import { applyRepairsToText, jsonFormatting } from '../../src/repo/repair-text.js';
import { renderUnifiedDiff } from '../../src/render/unified-diff.js';
import { policyFromTemplate, templateDocument } from '../../src/backup/template-document.js';
import { renderFindingsJson } from '../../src/render/findings-json.js';
import { renderFindingsText } from '../../src/render/findings-text.js';
import { renderFindingsSarif } from '../../src/render/findings-sarif.js';
import { ConfigurationError } from '../../src/errors.js';
import { toPointer } from '../../src/model/json-pointer.js';
import type { JsonObject } from '../../src/model/documents.js';
import type { PolicyTemplate } from '../../src/model/templates.js';

const summary = (doc: JsonObject): string[] => planRepairs('policy', doc).map((r) => `${r.rule} ${r.edit.op} ${toPointer(r.segments)}${r.edit.op === 'replace' ? ` ${JSON.stringify(r.edit.value)}` : ''}`);

describe('planRepairs', () => {
  it('repairs case only where Graph has an enum: clientAppTypes, state, operator, controls, flags; never keyword lists', () => {
    const doc: JsonObject = {
      $schema: '../.schemas/policy.schema.json',
      id: '3f2b6c1d-0000-4000-8000-000000000001',
      displayName: 'CA001',
      state: 'Enabled',
      conditions: {
        clientAppTypes: ['All'],
        applications: { includeApplications: ['All'] },
        users: {
          includeUsers: ['All'],
          excludeGroups: ['group:CA-BreakGlass'],
          excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'InternalGuest,b2bcollaborationGuest' },
        },
        locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
      },
      grantControls: { operator: 'or', builtInControls: ['MFA'] },
    };
    expect(summary(doc)).toEqual([
      'casing replace /state "enabled"',
      'casing replace /conditions/clientAppTypes/0 "all"',
      'casing replace /conditions/users/excludeGuestsOrExternalUsers/guestOrExternalUserTypes "internalGuest,b2bCollaborationGuest"',
      'casing replace /grantControls/operator "OR"',
      'casing replace /grantControls/builtInControls/0 "mfa"',
    ]);
  });

  it('removes server fields and annotations but keeps the id, $schema and an @odata.type Graph needs', () => {
    const doc: JsonObject = {
      '@odata.context': 'x',
      id: 'keep-me',
      displayName: 'CA002',
      createdDateTime: '2024-01-01T00:00:00Z',
      modifiedDateTime: null,
      templateId: null,
      deletedDateTime: null,
      partialEnablementStrategy: null,
      state: 'disabled',
      conditions: {
        clientAppTypes: ['all'],
        applications: { includeApplications: ['All'] },
        users: {
          'includeUsers@odata.type': '#Collection(String)',
          includeUsers: ['None'],
          includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest', externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' } },
        },
      },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    };
    const repairs = summary(doc);
    expect(repairs).toEqual([
      'odata-annotation remove /@odata.context',
      'server-field remove /createdDateTime',
      'server-field remove /modifiedDateTime',
      'server-field remove /templateId',
      'server-field remove /deletedDateTime',
      'server-field remove /partialEnablementStrategy',
      'odata-annotation remove /conditions/users/includeUsers@odata.type',
    ]);
  });

  it('clientAppTypes [] becomes ["all"]; the legacy guests string goes only where the object says the same, highest index first', () => {
    const withObject: JsonObject = {
      displayName: 'CA003',
      state: 'enabled',
      conditions: {
        clientAppTypes: [],
        applications: { includeApplications: ['All'] },
        users: {
          includeUsers: ['GuestsOrExternalUsers', 'user:a@contoso.com', 'guestsOrExternalUsers'],
          includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest' },
          excludeUsers: ['GuestsOrExternalUsers'],
        },
      },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    };
    expect(summary(withObject)).toEqual([
      'graph-rule replace /conditions/clientAppTypes ["all"]',
      'graph-rule remove /conditions/users/includeUsers/2',
      'graph-rule remove /conditions/users/includeUsers/0',
    ]);
    const fixed = applyRepairsToValue(withObject, planRepairs('policy', withObject));
    expect((fixed['conditions'] as JsonObject)['users']).toEqual({
      includeUsers: ['user:a@contoso.com'],
      includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest' },
      excludeUsers: ['GuestsOrExternalUsers'],
    });
    // The input is not changed.
    expect(((withObject['conditions'] as JsonObject)['users'] as JsonObject)['includeUsers']).toHaveLength(3);
  });

  it('never repairs what could change who is covered: a missing state, an unknown property, an unknown enum value, a lockout', () => {
    const doc: JsonObject = {
      displayName: 'CA004',
      conditions: {
        clientAppTypes: ['all', 'allTheThings'],
        applications: { includeApplications: ['All'] },
        users: { includeUsers: ['All'] },
        somethingNew: { a: 1 },
        signInRiskLevels: ['High', 'extreme'],
      },
      grantControls: { operator: 'OR', builtInControls: ['block'] },
    };
    expect(summary(doc)).toEqual(['casing replace /conditions/signInRiskLevels/0 "high"']);
  });
});

describe('repairs applied to text', () => {
  it('JSON: only the repaired spots change, in the file\'s own indentation and line endings', () => {
    const text = '{\r\n\t"displayName": "x",\r\n\t"createdDateTime": "y",\r\n\t"conditions": {\r\n\t\t"clientAppTypes": []\r\n\t}\r\n}\r\n';
    const out = applyRepairsToText(text, 'json', [
      { rule: 'server-field', segments: ['createdDateTime'], edit: { op: 'remove' }, message: '' },
      { rule: 'graph-rule', segments: ['conditions', 'clientAppTypes'], edit: { op: 'replace', value: ['all'] }, message: '' },
    ]);
    expect(out).toBe('{\r\n\t"displayName": "x",\r\n\t"conditions": {\r\n\t\t"clientAppTypes": [\r\n\t\t\t"all"\r\n\t\t]\r\n\t}\r\n}\r\n');
    expect(jsonFormatting('{\n    "a": 1,\n\t    "b": 2,\n    "c": 3\n}')).toEqual({ insertSpaces: true, tabSize: 4, eol: '\n' });
  });

  it('YAML: comments and quoting kept, a scalar replaced in place', () => {
    const text = '# head\nstate: "Enabled" # why\nconditions:\n  clientAppTypes: [] # was empty\n';
    const out = applyRepairsToText(text, 'yaml', [
      { rule: 'casing', segments: ['state'], edit: { op: 'replace', value: 'enabled' }, message: '' },
      { rule: 'graph-rule', segments: ['conditions', 'clientAppTypes'], edit: { op: 'replace', value: ['all'] }, message: '' },
    ]);
    expect(out).toBe('# head\nstate: "enabled" # why\nconditions:\n  clientAppTypes: [all] # was empty\n');
  });
});

describe('renderUnifiedDiff', () => {
  it('nothing for no change; hunks with context for a change; /dev/null for a new or removed file', () => {
    expect(renderUnifiedDiff({ file: 'a.json', before: 'x\n', after: 'x\n' })).toBe('');
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 2\n', 'line two\n').replace('line 18\n', '');
    expect(renderUnifiedDiff({ file: 'p/a.json', before, after })).toBe(
      [
        '--- a/p/a.json',
        '+++ b/p/a.json',
        '@@ -1,5 +1,5 @@',
        ' line 1',
        '-line 2',
        '+line two',
        ' line 3',
        ' line 4',
        ' line 5',
        '@@ -15,6 +15,5 @@',
        ' line 15',
        ' line 16',
        ' line 17',
        '-line 18',
        ' line 19',
        ' line 20',
        '',
      ].join('\n'),
    );
    expect(renderUnifiedDiff({ file: 'n.json', after: '{}\n' })).toBe('--- /dev/null\n+++ b/n.json\n@@ -0,0 +1,1 @@\n+{}\n');
    expect(renderUnifiedDiff({ file: 'o.json', before: '{}\n' })).toBe('--- a/o.json\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-{}\n');
  });
});

describe('fixed findings in every format', () => {
  const report = {
    findings: [{ rule: 'graph-rule', severity: 'error' as const, file: 'p.json', line: 3, column: 5, path: '/conditions/clientAppTypes', message: 'written ["all"]', fixed: true as const }],
    summary: { files: 1, documents: 1, errors: 0, warnings: 0, fixed: 1 },
  };
  it('JSON carries "fixed": true, text says fixed, SARIF makes it a note', () => {
    expect(JSON.parse(renderFindingsJson(report)).findings[0].fixed).toBe(true);
    expect(renderFindingsText(report)).toBe('p.json:3:5 fixed graph-rule written ["all"]\n1 file, 1 document: 0 errors, 0 warnings, 1 fixed\n');
    const sarif = JSON.parse(renderFindingsSarif(report, [], { name: 'caac', version: '0', informationUri: 'https://example.invalid' }));
    expect(sarif.runs[0].results[0]).toMatchObject({ level: 'note', properties: { fixed: true } });
  });
});

describe('a template as a policy document', () => {
  const template = (users: JsonObject): PolicyTemplate => ({
    id: 'c7503427-338e-4c5e-902d-abe252abfb43',
    name: 'Require MFA for admins',
    description: '',
    scenarios: ['zeroTrust'],
    details: {
      sessionControls: null,
      conditions: {
        clientAppTypes: ['all'],
        times: null,
        applications: { includeApplications: ['All'], networkAccess: null },
        users: { includeUsers: [], excludeUsers: [], includeRoles: ['62e90394-69f5-4237-9190-012177145e10'], ...users },
      },
      grantControls: { operator: 'OR', builtInControls: ['mfa'], authenticationStrength: null },
    },
  });
  const emergency = { users: ['user:bg@contoso.com'], groups: ['group:CA-BreakGlass'] };

  it('drops the current-administrator placeholder (in any language) and excludes the emergency accounts instead', () => {
    const { document, notes } = templateDocument({
      template: template({ excludeUsers: ["L'administrateur actuel sera exclu"] }),
      displayName: 'CA100 - Admins',
      emergency,
      names: new Map([['role:62e90394-69f5-4237-9190-012177145e10', 'role:Global Administrator']]),
    });
    expect(document).toEqual({
      displayName: 'CA100 - Admins',
      description: 'From Microsoft\'s Conditional Access template "Require MFA for admins" (c7503427-338e-4c5e-902d-abe252abfb43).',
      state: 'enabledForReportingButNotEnforced',
      conditions: {
        users: { excludeUsers: ['user:bg@contoso.com'], excludeGroups: ['group:CA-BreakGlass'], includeRoles: ['role:Global Administrator'] },
        applications: { includeApplications: ['All'] },
        clientAppTypes: ['all'],
      },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    });
    expect(notes).toHaveLength(2);
  });

  it('a placeholder where caac cannot know what it means stops the run', () => {
    expect(() => policyFromTemplate({ template: template({ includeUsers: ['Users you choose'] }), displayName: 'CA101', emergency })).toThrow(ConfigurationError);
    expect(() => policyFromTemplate({ template: template({ excludeGroups: ['Your break-glass group'] }), displayName: 'CA101', emergency })).toThrow(/excludeGroups/);
  });
});
