/**
 * An authentication strength's combinationConfigurations (issue 8, point 9): validated at the file
 * and line, reconciled against the tenant by type and combinations, written into backups.
 */
import { backupDocument } from '../../src/backup/document.js';
import { configurationKey, reconcileConfigurations } from '../../src/model/combination-configurations.js';
import type { JsonObject } from '../../src/model/documents.js';
import { byRule, lineOf, pretty, removeTempDirs, shown, validate } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

const FIDO2 = '#microsoft.graph.fido2CombinationConfiguration';
const X509 = '#microsoft.graph.x509CertificateCombinationConfiguration';
const A = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
const B = 'ee882879-721c-4913-9775-3dfcce97072a';

const strength = (configurations: unknown[], allowedCombinations = ['fido2', 'x509CertificateMultiFactor']) => ({
  displayName: 'Keys',
  allowedCombinations,
  combinationConfigurations: configurations,
});

describe('validate: strength-configuration', () => {
  test('a configuration for a combination the strength does not allow: an error at the combination, with the fix', () => {
    const text = pretty(strength([{ '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [A] }], ['windowsHelloForBusiness']));
    const hits = byRule(validate({ 'authentication-strengths/keys.json': text }).findings, 'strength-configuration');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ severity: 'error', file: shown('authentication-strengths/keys.json'), path: '/combinationConfigurations/0/appliesToCombinations/0', line: lineOf(text, '"fido2"') });
    expect(hits[0]!.message).toMatch(/"fido2" is not one of this strength's allowedCombinations \("windowsHelloForBusiness"\).*add the combination to allowedCombinations or remove it here/);
  });

  test('a combination outside the type, another type\'s list, one combination configured twice', () => {
    const result = validate({
      'authentication-strengths/keys.json': strength([
        { '@odata.type': FIDO2, appliesToCombinations: ['x509CertificateMultiFactor'], allowedAAGUIDs: [A] },
        { '@odata.type': X509, appliesToCombinations: ['x509CertificateMultiFactor'], allowedAAGUIDs: [B] },
        { '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [A] },
        { '@odata.type': FIDO2, appliesToCombinations: ['FIDO2'], allowedAAGUIDs: [B] },
      ]),
    });
    const hits = byRule(result.findings, 'strength-configuration');
    expect(hits.map((h) => [h.path, h.message])).toEqual([
      ['/combinationConfigurations/0/appliesToCombinations/0', expect.stringMatching(/^"x509CertificateMultiFactor" cannot be restricted by a FIDO2 configuration: it applies to "fido2" only$/)],
      ['/combinationConfigurations/1/allowedAAGUIDs', expect.stringMatching(/^allowedAAGUIDs does not belong in an X.509 certificate configuration/)],
      // "FIDO2" is written "fido2" by Graph (a casing warning), and compared so.
      ['/combinationConfigurations/3/appliesToCombinations/0', expect.stringMatching(/^"fido2" already has a FIDO2 configuration \(combinationConfigurations\/2\)/)],
    ]);
  });

  test('a good file has no finding; the schema refuses an unknown type or combination', () => {
    const good = validate({
      'authentication-strengths/keys.json': strength([
        { '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [A, B] },
        { '@odata.type': X509, appliesToCombinations: ['x509CertificateMultiFactor'], allowedIssuerSkis: ['AB12'], allowedPolicyOIDs: ['1.2.3'] },
      ]),
    });
    expect(good.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const bad = validate({ 'authentication-strengths/keys.json': strength([{ '@odata.type': '#microsoft.graph.smsConfiguration', appliesToCombinations: ['sms'] }]) });
    expect(byRule(bad.findings, 'schema').length).toBeGreaterThan(0);
    const badGuid = validate({ 'authentication-strengths/keys.json': strength([{ '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: ['not-a-guid'] }]) });
    expect(byRule(badGuid.findings, 'schema').map((f) => f.path)).toContain('/combinationConfigurations/0/allowedAAGUIDs/0');
  });
});

describe('reconcileConfigurations', () => {
  const live: JsonObject[] = [
    { id: 'c1', '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [A] },
    { id: 'c2', '@odata.type': X509, appliesToCombinations: ['x509CertificateMultiFactor'], allowedIssuerSkis: ['AB12'], allowedPolicyOIDs: [] },
  ];

  test('known by type and combinations: lists compared as sets, AAGUIDs without regard to case', () => {
    expect(configurationKey({ '@odata.type': 'microsoft.graph.FIDO2CombinationConfiguration', appliesToCombinations: ['FIDO2'] })).toBe(configurationKey(live[0]!));
    const { id: _id, ...x509 } = live[1]!;
    const same = reconcileConfigurations([{ '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [A.toUpperCase()] }, x509], live);
    expect(same).toEqual({ remove: [], update: [], create: [] });
  });

  test('a loosened allow-list is a PATCH of that configuration; a new one a POST; a removed one a DELETE', () => {
    const desired: JsonObject[] = [
      { '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [A, B] },
      { '@odata.type': X509, appliesToCombinations: ['x509CertificateSingleFactor'], allowedIssuerSkis: ['CD34'] },
    ];
    expect(reconcileConfigurations(desired, live)).toEqual({ remove: ['c2'], update: [{ id: 'c1', body: desired[0] }], create: [desired[1]] });
    expect(reconcileConfigurations([], live)).toEqual({ remove: ['c1', 'c2'], update: [], create: [] });
  });
});

test('backup: configurations written into the strength file without their ids; none, no property', () => {
  const doc = backupDocument('authenticationStrength', {
    id: 's1',
    displayName: 'Keys',
    policyType: 'custom',
    requirementsSatisfied: 'mfa',
    allowedCombinations: ['fido2'],
    'combinationConfigurations@odata.context': 'x',
    combinationConfigurations: [{ '@odata.type': FIDO2, id: 'c1', allowedAAGUIDs: [B, A], appliesToCombinations: ['fido2'] }],
  });
  expect(doc).toEqual({ id: 's1', displayName: 'Keys', allowedCombinations: ['fido2'], combinationConfigurations: [{ '@odata.type': FIDO2, appliesToCombinations: ['fido2'], allowedAAGUIDs: [A, B] }] });
  expect(Object.keys((doc['combinationConfigurations'] as object[])[0]!)).toEqual(['@odata.type', 'appliesToCombinations', 'allowedAAGUIDs']);
  expect(backupDocument('authenticationStrength', { id: 's2', displayName: 'None', allowedCombinations: ['fido2'], combinationConfigurations: [] })).toEqual({ id: 's2', displayName: 'None', allowedCombinations: ['fido2'] });
});
