/**
 * describeSchemaErrors over real ajv errors from the shipped schemas: one sentence per problem, at
 * the JSON pointer of the offending value, quoting the value and what is allowed.
 */
import type { ErrorObject } from 'ajv';
import type { DocumentKind } from '../../src/model/documents.js';
import { describeSchemaErrors } from '../../src/validate/schema-errors.js';
import { DOCUMENT_SCHEMAS, checkDocumentSchema } from '../../src/validate/schemas.js';

function problems(kind: DocumentKind, doc: unknown) {
  return describeSchemaErrors(checkDocumentSchema(kind, doc), DOCUMENT_SCHEMAS[kind]);
}

const APPS = { includeApplications: ['All'] };

describe('describeSchemaErrors', () => {
  test('a valid document has no problems', () => {
    expect(problems('policy', { displayName: 'a', state: 'disabled', conditions: { applications: APPS, users: { includeUsers: ['All'] } }, grantControls: { operator: 'OR', builtInControls: ['mfa'] } })).toEqual([]);
  });

  test('a missing state is an error that gives the three values and says to start report-only', () => {
    const found = problems('policy', { displayName: 'a', conditions: { applications: APPS, users: { includeUsers: ['All'] } }, grantControls: { operator: 'OR', builtInControls: ['mfa'] } });
    expect(found).toHaveLength(1);
    expect(found[0]!.path).toBe('');
    expect(found[0]!.message).toMatch(/^the document is missing the required property "state": write "state": "enabledForReportingButNotEnforced" \(report-only: start a new policy this way/);
    expect(found[0]!.message).toMatch(/"enabled" or "disabled"; Graph requires it, and caac never assumes one$/);
  });

  test('wrong types quote the value: a number, null, an array, an object, a long string', () => {
    expect(problems('policy', { displayName: 5, state: 'disabled', conditions: null })).toEqual([
      { path: '/displayName', message: 'displayName must be a string, not number 5' },
      { path: '/conditions', message: 'conditions must be an object, not null' },
    ]);
    expect(problems('policy', { displayName: ['a'], state: 'disabled', conditions: { applications: { includeApplications: { a: 1 } } } })).toEqual([
      { path: '/displayName', message: 'displayName must be a string, not an array' },
      { path: '/conditions/applications/includeApplications', message: 'conditions.applications.includeApplications must be an array, not an object' },
    ]);
    const long = 'x'.repeat(100);
    const [p] = problems('policy', { displayName: 'a', state: 'disabled', conditions: { applications: APPS, clientAppTypes: long } });
    expect(p!.message).toBe(`conditions.clientAppTypes must be an array, not "${'x'.repeat(57)}..."`);
  });

  test('an array item is named with its index', () => {
    expect(problems('policy', { displayName: 'a', state: 'disabled', conditions: { applications: { includeApplications: ['All', 1] } } })).toEqual([
      { path: '/conditions/applications/includeApplications/1', message: 'conditions.applications.includeApplications[1] must be a string, not number 1' },
    ]);
  });

  test('a nullable integer says "(or null)"', () => {
    const found = problems('policy', { displayName: 'a', state: 'disabled', conditions: { applications: APPS }, sessionControls: { signInFrequency: { value: 'x', type: 'weeks', isEnabled: true } } });
    expect(found).toEqual([
      { path: '/sessionControls/signInFrequency/value', message: 'sessionControls.signInFrequency.value must be an integer (or null), not "x"' },
      { path: '/sessionControls/signInFrequency/type', message: '"weeks" is not a valid value for sessionControls.signInFrequency.type: use one of "days", "hours"' },
    ]);
  });

  test('a required property, nested', () => {
    expect(problems('policy', { displayName: 'a', state: 'disabled', conditions: {} })).toEqual([{ path: '/conditions', message: 'conditions is missing the required property "applications"' }]);
  });

  test('flags: comma-separated values with the allowed flags', () => {
    const [p] = problems('policy', { displayName: 'a', state: 'disabled', conditions: { applications: APPS, users: { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest,friends' } } } });
    expect(p).toEqual({
      path: '/conditions/users/includeGuestsOrExternalUsers/guestOrExternalUserTypes',
      message: expect.stringMatching(/^"internalGuest,friends" is not a valid value for conditions\.users\.includeGuestsOrExternalUsers\.guestOrExternalUserTypes: write comma-separated flags from none, internalGuest, b2bCollaborationGuest/),
    });
  });

  test('a property that belongs to another @odata.type ("false schema"), and no umbrella if/then error', () => {
    const found = problems('namedLocation', { '@odata.type': '#microsoft.graph.countryNamedLocation', displayName: 'a', countriesAndRegions: ['NL'], ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '192.0.2.0/24' }] });
    expect(found).toEqual([{ path: '/ipRanges', message: 'ipRanges is not allowed here: it belongs to another @odata.type (or kind) of object' }]);
  });

  test('members with "all external tenants" is not allowed', () => {
    const found = problems('policy', {
      displayName: 'a',
      state: 'disabled',
      conditions: {
        applications: APPS,
        users: { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest', externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all', members: ['x'] } } },
      },
    });
    expect(found.map((p) => p.path)).toEqual(['/conditions/users/includeGuestsOrExternalUsers/externalTenants/members']);
  });

  test('an unknown @odata.type lists the known ones', () => {
    expect(problems('namedLocation', { '@odata.type': '#microsoft.graph.fooNamedLocation', displayName: 'a' })).toEqual([
      { path: '/@odata.type', message: expect.stringMatching(/^"#microsoft\.graph\.fooNamedLocation" is not a valid value for @odata\.type: use one of "#microsoft\.graph\.ipNamedLocation", "#microsoft\.graph\.countryNamedLocation"/) },
    ]);
  });

  test('"did you mean" picks the nearest declared property, ignoring case', () => {
    const near = (key: string) => problems('policy', { displayName: 'a', state: 'disabled', conditions: { applications: APPS, users: { [key]: [] } } })[0]!.message;
    expect(near('includeUser')).toMatch(/did you mean "includeUsers"\?$/);
    expect(near('IncludeUsers')).toMatch(/did you mean "includeUsers"\?$/);
    expect(near('excludeGroup')).toMatch(/did you mean "excludeGroups"\?$/);
    expect(near('excludRoles')).toMatch(/did you mean "excludeRoles"\?$/);
    expect(near('members')).not.toMatch(/did you mean/);
    expect(near('members')).toMatch(/\(allowed: includeUsers, excludeUsers, includeGroups/);
  });

  test('a pointer segment with "/" or "~" is shown unescaped', () => {
    const [p] = problems('policy', { displayName: 'a', state: 'disabled', conditions: { applications: APPS, 'a/b~c': 1 } });
    expect(p).toEqual({ path: '/conditions/a~1b~0c', message: expect.stringMatching(/^unknown property "a\/b~c" in conditions \(allowed: users, applications,/) });
  });

  test('an anyOf umbrella is dropped when a specific error covers its path, kept otherwise', () => {
    const specific: ErrorObject = { keyword: 'type', instancePath: '/x/y', schemaPath: '#/a', params: { type: 'string' }, message: 'must be string', data: 1 };
    const umbrella: ErrorObject = { keyword: 'anyOf', instancePath: '/x', schemaPath: '#/b', params: {}, message: 'must match a schema in anyOf' };
    const lonely: ErrorObject = { keyword: 'oneOf', instancePath: '/z', schemaPath: '#/c', params: {}, message: 'must match exactly one schema in oneOf' };
    expect(describeSchemaErrors([specific, umbrella, lonely], {})).toEqual([
      { path: '/x/y', message: 'x.y must be a string, not number 1' },
      { path: '/z', message: 'z must match exactly one schema in oneOf' },
    ]);
  });

  test('the same problem reported twice is described once', () => {
    const e: ErrorObject = { keyword: 'required', instancePath: '', schemaPath: '#/required', params: { missingProperty: 'displayName' }, message: 'x' };
    expect(describeSchemaErrors([e, { ...e }], {})).toEqual([{ path: '', message: 'the document is missing the required property "displayName"' }]);
  });
});
