/**
 * Mutation testing of the safety code (`npm run mutate`; not part of CI: it takes a while).
 * One file at a time: `npm run mutate -- --mutate src/apply/guards.ts`.
 * Jest runs in ESM mode (ts-jest), so the runner's Node gets --experimental-vm-modules.
 * Surviving mutants in the guards and why they are harmless: docs/mutation.md.
 */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { configFile: 'jest.stryker.config.js', enableFindRelatedTests: false },
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  checkers: [],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 60000,
  mutate: [
    'src/apply/**/*.ts',
    'src/validate/rules/lockout-risk.ts',
    'src/validate/rules/break-glass-not-excluded.ts',
    'src/plan/break-glass-guard.ts',
    'src/model/emergency-access.ts',
    'src/resolve/resolve-references.ts',
    'src/contingency/activation-guard.ts',
  ],
  ignoreStatic: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
