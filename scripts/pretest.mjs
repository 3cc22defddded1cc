// Run by `npm test` before jest (npm's pretest): the Azure Pipelines task tests run the staged
// tasks (azure-pipelines/out/, build output, gitignored), so a fresh clone stages them here when
// they are missing or older than the sources. Already fresh: nothing to do (a second or two).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { sourceDigest, staleBundleReason } from './source-digest.mjs';

const stamp = 'azure-pipelines/out/.src-digest';
const fresh = existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === sourceDigest();
if (!fresh) {
  const stale = staleBundleReason();
  if (stale) {
    // The tasks carry dist/; a stale dist/ is what the e2e tests report on their own.
    console.error(`pretest: not staging the Azure Pipelines tasks: ${stale}`);
  } else {
    console.error('pretest: staging the Azure Pipelines tasks (azure-pipelines/out/)');
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
    execFileSync(process.execPath, ['scripts/package-azdo.mjs', '--no-vsix'], { stdio: 'inherit' });
  }
}
