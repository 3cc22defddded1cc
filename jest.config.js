/** Jest in ESM mode through ts-jest (run with NODE_OPTIONS=--experimental-vm-modules). */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: { warnOnly: false } }],
  },
  // e2e tests refuse a dist/ that was not built from these sources (run npm run bundle).
  setupFilesAfterEnv: ['<rootDir>/test/fresh-bundle.mjs'],
  // What caac ships: the tests, fixtures and scripts are not measured.
  collectCoverageFrom: ['<rootDir>/src/**/*.ts'],
  testTimeout: 60000,
};
