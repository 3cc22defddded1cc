// Jest setupFilesAfterEnv: an e2e test (test/e2e/) runs the committed dist/, so it refuses to run
// against a bundle that was not built from the sources beside it, whose results would say
// nothing about them. Other tests do not read dist/ and are not held up.
/* global expect -- Jest's, in a setup file */
import { fileURLToPath } from 'node:url';
import { staleBundleReason } from '../scripts/source-digest.mjs';

const testPath = expect.getState().testPath ?? '';
if (/[\\/]test[\\/]e2e[\\/]/.test(testPath)) {
  const reason = staleBundleReason(fileURLToPath(new URL('..', import.meta.url)));
  if (reason) throw new Error(`the e2e tests run dist/cli.js and dist/action.js, and ${reason}`);
}
