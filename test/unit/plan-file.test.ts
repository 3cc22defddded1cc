/** The plan file's schema (schemas/plan.schema.json) as readPlanFile applies it: bad files refused, each with its path. */
import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../../src/errors.js';
import { DOCUMENT_KINDS } from '../../src/model/documents.js';
import { DELETE_STEPS, PLAN_FORMAT_VERSION, PLAN_WARNING_KINDS, type Plan } from '../../src/model/plan.js';
import { readPlanFile, writePlanFile } from '../../src/plan/plan-file.js';

/** Parsed JSON that the tests edit freely, at any depth. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const ID = '00000000-0000-0000-0000-000000000001';

/** A plan as runPlan writes it: one create, one update, one trusted location pruned. */
function valid(): Plan {
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    tool: { name: 'caac', version: '0.1.0' },
    tenant: { id: ID, graphUrl: 'https://graph.microsoft.com' },
    dir: 'conditional-access',
    apiVersion: 'v1.0',
    createdAt: '2026-01-01T00:00:00.000Z',
    fingerprint: 'a'.repeat(64),
    source: { digest: 'b'.repeat(64), documents: 2, files: { 'policies/new.json': 'c'.repeat(64) }, prune: true },
    summary: { create: 1, update: 1, delete: 1, unchanged: 0, unmanaged: 1 },
    operations: [
      { kind: 'policy', action: 'create', displayName: 'New', file: 'policies/new.json', changes: [{ path: '/state', after: 'enabled' }], body: { displayName: 'New' } },
      { kind: 'policy', action: 'update', displayName: 'Old', id: ID, changes: [{ path: '/state', before: 'disabled', after: 'enabled' }], body: { displayName: 'Old' } },
      { kind: 'namedLocation', action: 'delete', displayName: 'HQ', id: ID, changes: [], steps: ['markUntrusted', 'delete'] },
    ],
    unmanaged: [{ kind: 'authenticationStrength', id: ID, displayName: 'Strength' }],
    warnings: [{ kind: 'delete', displayName: 'HQ', message: 'deleted' }],
    labels: { [ID]: 'group:Finance' },
    requests: { total: 3, byEndpoint: { 'GET /identity/conditionalAccess/policies': 3 } },
    state: [{ kind: 'policy', id: ID, displayName: 'Old', hash: '0123456789abcdef' }],
    guards: { users: [ID], groups: [], exemptPolicies: [] },
  };
}

/** The message readPlanFile refuses a copy of the valid plan with, after `edit`. */
function refusal(edit: (plan: Json) => void): string {
  const copy = JSON.parse(writePlanFile(valid())) as Json;
  edit(copy);
  try {
    readPlanFile(JSON.stringify(copy), 'plan.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigurationError);
    return (e as Error).message;
  }
  throw new Error('the plan was accepted');
}

test('a plan as caac writes it is read back unchanged', () => {
  expect(readPlanFile(writePlanFile(valid()), 'plan.json')).toEqual(valid());
  expect(readPlanFile('\uFEFF' + writePlanFile(valid()), 'plan.json')).toEqual(valid());
});

test('wrong types: the path and what was expected, one line', () => {
  expect(refusal((p) => (p['tool'] = 'caac'))).toBe('plan.json: /tool: expected an object');
  expect(refusal((p) => (p['operations'] = {}))).toBe('plan.json: /operations: expected an array');
  expect(refusal((p) => (p['operations'][1]['id'] = 7))).toBe('plan.json: /operations/1/id: expected a string');
  expect(refusal((p) => (p['summary']['create'] = -1))).toBe('plan.json: /summary/create: expected a whole number');
  expect(refusal((p) => (p['summary']['create'] = 1.5))).toBe('plan.json: /summary/create: expected a whole number');
  expect(refusal((p) => (p['apiVersion'] = 'v2'))).toBe('plan.json: /apiVersion: expected one of v1.0, beta');
  expect(refusal((p) => (p['warnings'][0]['kind'] = 'nothing-to-see'))).toMatch(/^plan.json: \/warnings\/0\/kind: expected one of delete, break-glass-removed, /);
  expect(refusal((p) => (p['labels'][ID] = null))).toBe(`plan.json: /labels/${ID}: expected a string`);
  expect(refusal((p) => (p['state'][0]['hash'] = 'x'))).toBe('plan.json: /state/0/hash: expected the first 16 hex digits of a sha256');
  expect(refusal((p) => (p['guards']['users'] = [ID, 1]))).toBe('plan.json: /guards/users/1: expected a string');
  // A name with a slash is escaped in the pointer (RFC 6901).
  expect(refusal((p) => (p['source']['files']['policies/new.json'] = 'x'))).toBe('plan.json: /source/files/policies~1new.json: expected a sha256 hex digest');
});

test('missing fields: the path of what is missing; an id only a create may lack', () => {
  expect(refusal((p) => delete p['tenant']['id'])).toBe('plan.json: /tenant/id: expected a string, found nothing');
  expect(refusal((p) => delete p['operations'][0]['changes'])).toBe('plan.json: /operations/0/changes: expected an array, found nothing');
  expect(refusal((p) => delete p['operations'][1]['id'])).toBe("plan.json: /operations/1/id: an update, delete or noop needs the tenant object's id");
  expect(refusal((p) => delete p['operations'][1]['body'])).toMatch(/^plan.json: \/operations\/1\/body: expected an object: the complete desired document/);
  expect(refusal((p) => delete p['requests'])).toBe('plan.json: /requests: expected an object, found nothing');
});

test('extra fields are refused: a plan file holds only what caac writes (an edit must not pass unseen)', () => {
  expect(refusal((p) => (p['autoApprove'] = true))).toMatch(/^plan.json: \/autoApprove: unknown property: caac does not write it .*make the plan again$/);
  expect(refusal((p) => (p['operations'][0]['skipGuards'] = true))).toMatch(/^plan.json: \/operations\/0\/skipGuards: unknown property/);
  expect(refusal((p) => (p['source']['trusted'] = true))).toMatch(/^plan.json: \/source\/trusted: unknown property/);
});

test('huge arrays are refused at their size, quickly, with one message', () => {
  const many = Array.from({ length: 10_001 }, () => ({ kind: 'policy', id: ID, displayName: 'x' }));
  expect(refusal((p) => (p['unmanaged'] = many))).toBe('plan.json: /unmanaged: more entries than any plan caac writes (at most 10000): make the plan again');
  // A million bad entries: the first one is named, not a million errors.
  const message = refusal((p) => (p['operations'] = Array.from({ length: 1_000_000 }, () => 0)));
  expect(message.split('\n')).toHaveLength(1);
  expect(message).toMatch(/^plan.json: \/operations: more entries than any plan caac writes|^plan.json: \/operations\/0: /);
});

test('format versions: the current one only, each other with its own fix', () => {
  expect(refusal((p) => (p['formatVersion'] = PLAN_FORMAT_VERSION + 1))).toMatch(/written by a newer caac .*use the same caac version for plan and apply/);
  expect(refusal((p) => (p['formatVersion'] = 1))).toMatch(/^plan.json: \/formatVersion: format version 1 records no digest/);
  expect(refusal((p) => (p['formatVersion'] = 0))).toMatch(/^plan.json: \/formatVersion: format version 0 is no longer supported/);
  expect(refusal((p) => (p['formatVersion'] = 2.5))).toMatch(/^plan.json: \/formatVersion: format version 2.5 was written by a newer caac/);
  expect(refusal((p) => (p['formatVersion'] = '2'))).toBe('plan.json: /formatVersion: missing: this is not a caac plan file');
  expect(refusal((p) => delete p['formatVersion'])).toBe('plan.json: /formatVersion: missing: this is not a caac plan file');
});

test('the ConfigurationError carries the file and the path', () => {
  const copy = { ...valid(), dir: 3 };
  const error = (() => {
    try {
      return readPlanFile(JSON.stringify(copy), 'out/plan.json');
    } catch (e) {
      return e as ConfigurationError;
    }
  })() as ConfigurationError;
  expect(error.location).toEqual({ file: 'out/plan.json', path: '/dir' });
});

test("the schema's constants are the code's: format version, kinds, warning kinds, delete steps", () => {
  const schema = JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as Json;
  expect(schema['properties']['formatVersion']['const']).toBe(PLAN_FORMAT_VERSION);
  expect(schema['definitions']['kind']['enum']).toEqual([...DOCUMENT_KINDS]);
  expect(schema['properties']['warnings']['items']['properties']['kind']['enum']).toEqual([...PLAN_WARNING_KINDS]);
  expect(schema['definitions']['operation']['allOf'][0]['properties']['steps']['allOf'][0]['items']['enum']).toEqual([...DELETE_STEPS]);
});
