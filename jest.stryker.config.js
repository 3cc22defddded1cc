/**
 * Jest for mutation testing (`npm run mutate`): the unit and integration tests aimed at the
 * safety code, not the whole suite (each mutant reruns the tests that cover it). The slow
 * integration tests of faults, lost answers and list lag are left out: they cover the guards
 * incidentally, and made a run take hours on a 2-core machine.
 */
import base from './jest.config.js';

const tests = [
  '**/test/unit/apply-execute.test.ts',
  '**/test/unit/contingency.test.ts',
  '**/test/unit/plan.test.ts',
  '**/test/unit/resolve.test.ts',
  '**/test/unit/rules-break-glass.test.ts',
  '**/test/unit/rules-lockout-risk.test.ts',
  '**/test/unit/safety-flips.test.ts',
  '**/test/integration/apply-safety.test.ts',
  '**/test/integration/break-glass.test.ts',
  '**/test/integration/contingency-guard.test.ts',
];

// CAAC_MUTATE_TESTS=unit: the unit tests only, for a quick run over code they reach fully (the
// validate rules); the scores are then a lower bound.
const unitOnly = process.env['CAAC_MUTATE_TESTS'] === 'unit';

export default {
  ...base,
  testMatch: unitOnly ? tests.filter((t) => t.includes('/unit/')) : tests,
};
