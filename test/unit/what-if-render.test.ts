/** `caac what-if` output: names from files or the tenant cannot forge lines; the JSON keeps them exact. */
import { evaluate } from '../../src/impact/evaluate.js';
import { renderWhatIfJson, renderWhatIfText } from '../../src/render/what-if.js';

const hostile = 'CA1 - MFA\n::error::forged';
const policies = [{ displayName: hostile, state: 'enabled', conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] }, clientAppTypes: ['all'] }, grantControls: { operator: 'OR', builtInControls: ['mfa'] } }];
const signIn = { identity: { kind: 'user' as const, user: 'user:a', groups: [], roles: [] }, target: { kind: 'application' as const, application: 'app:X' } };

test('a policy name with a line break stays on its line in text, and exact in JSON', () => {
  const evaluation = evaluate(policies, signIn, { namedLocations: [] });
  const text = renderWhatIfText({ source: 'repository', evaluation });
  expect(text.split('\n').some((line) => line.startsWith('::error::'))).toBe(false);
  expect(text).toContain('applied (1):\n  "CA1 - MFA\\n::error::forged"\n');
  expect(JSON.parse(renderWhatIfJson({ source: 'repository', evaluation })).applied).toEqual([hostile]);
});

test('a block names its policies; live disagreements are listed', () => {
  const block = [{ ...policies[0]!, displayName: 'Block', grantControls: { operator: 'OR', builtInControls: ['block'] } }];
  const evaluation = evaluate(block, signIn, { namedLocations: [] });
  const text = renderWhatIfText({ source: 'tenant', evaluation, live: { policies: 1, disagreements: [{ policy: 'Block', engine: 'applies', graph: 'does not apply (users)' }] } });
  expect(text).toContain("caac what-if (the tenant's policies)\noutcome: BLOCK (by \"Block\")\n");
  expect(text).toContain('Graph\'s What If disagrees on 1 of 1 policies:\n  "Block": caac says applies; Graph says does not apply (users)\n');
});
