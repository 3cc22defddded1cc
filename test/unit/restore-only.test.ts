/**
 * restore --only: the lists a restore of one object reads (its kind, and the kinds its references
 * name), and the validation of the whole backup narrowed to the object (findings in the other
 * documents do not stop it; those in caac.yml still do).
 */
import { kindsTouched } from '../../src/commands/restore.js';
import { selectDocuments } from '../../src/validate/select-documents.js';
import { basePolicy, merge, validate } from '../fixtures/repo-helpers.js';

const policy = (locations?: object, strength?: string) => ({
  kind: 'policy' as const,
  value: merge(basePolicy(), {
    conditions: locations ? { locations: locations as never } : {},
    ...(strength ? { grantControls: { operator: 'OR', authenticationStrength: { id: strength } } } : {}),
  }),
});

test.each([
  ['no locations, no strength', policy(), ['policy']],
  ['keywords only (All, AllTrusted)', policy({ includeLocations: ['All'], excludeLocations: ['AllTrusted'] }), ['policy']],
  ['the MFA Trusted IPs id only', policy({ includeLocations: ['All'], excludeLocations: ['00000000-0000-0000-0000-000000000000'] }), ['policy']],
  ['a location by name', policy({ includeLocations: ['All'], excludeLocations: ['location:Office'] }), ['policy', 'namedLocation']],
  ['a location by id', policy({ includeLocations: ['3f0b6c1e-8a4d-4c3e-9a57-2d1f0e6b7c8a'] }), ['policy', 'namedLocation']],
  ['an authentication strength', policy(undefined, 'authStrength:Phishing-resistant MFA'), ['policy', 'authenticationStrength']],
] as const)('a policy with %s: the lists it reads', (_, document, kinds) => {
  expect(kindsTouched([document])).toEqual(kinds);
});

test('a named location or a strength reads its own list only', () => {
  expect(kindsTouched([{ kind: 'namedLocation', value: { displayName: 'Office' } }])).toEqual(['namedLocation']);
  expect(kindsTouched([{ kind: 'authenticationStrength', value: { displayName: 'Keys' } }])).toEqual(['authenticationStrength']);
});

const office = { '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Office', isTrusted: false, ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' }] };
const settings = 'emergencyAccess:\n  waive: "a unit test about something else"\n';

test('the selected policy\'s location reference is checked against the whole backup; another document\'s error does not count', () => {
  const whole = validate({
    'caac.yml': settings,
    'policies/ca100.json': merge(basePolicy(), { conditions: { locations: { includeLocations: ['All'], excludeLocations: ['location:Office'] } } }),
    'policies/ca200.json': merge(basePolicy({ displayName: 'CA200 broken' }), { conditions: { locations: { includeLocations: ['location:Nowhere'] } } }),
    'named-locations/office.json': office,
  });
  expect(whole.summary.errors).toBeGreaterThan(0);
  const selected = selectDocuments(whole, (d) => d.value['displayName'] === 'CA100 Require MFA');
  expect(selected.prepared.map((d) => d.value['displayName'])).toEqual(['CA100 Require MFA']);
  expect(selected.summary).toMatchObject({ errors: 0, documents: 1 });
  expect(selected.findings.filter((f) => f.file.includes('ca200'))).toEqual([]);
  // Narrowed to the broken one, its error stays.
  expect(selectDocuments(whole, (d) => d.value['displayName'] === 'CA200 broken').summary.errors).toBeGreaterThan(0);
});

test('a finding that belongs to no document (the folder\'s) stays with the selected object', () => {
  const whole = validate({ 'policies/ca100.json': basePolicy(), 'policies/ca200.json': basePolicy({ displayName: 'CA200' }) });
  const folder = whole.findings.filter((f) => f.rule === 'no-emergency-access');
  expect(folder).toHaveLength(1);
  expect(selectDocuments(whole, (d) => d.value['displayName'] === 'CA200').findings).toEqual(expect.arrayContaining(folder));
  expect(selectDocuments(whole, () => false).findings).toEqual(folder);
});
