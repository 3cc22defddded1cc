/**
 * Jest for mutation testing (`npm run mutate`): the unit and integration tests that exercise the
 * safety code, not the whole suite (each mutant reruns the tests that cover it).
 */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: [
    '**/test/unit/apply-execute.test.ts',
    '**/test/unit/contingency.test.ts',
    '**/test/unit/plan.test.ts',
    '**/test/unit/resolve.test.ts',
    '**/test/unit/rules-break-glass.test.ts',
    '**/test/unit/rules-lockout-risk.test.ts',
    '**/test/unit/safety-flips.test.ts',
    '**/test/integration/apply-safety.test.ts',
    '**/test/integration/apply-faults.test.ts',
    '**/test/integration/apply-lost-answers.test.ts',
    '**/test/integration/break-glass.test.ts',
    '**/test/integration/contingency.test.ts',
    '**/test/integration/contingency-guard.test.ts',
  ],
};
