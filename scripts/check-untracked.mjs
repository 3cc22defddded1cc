// Fails when a folder holds files git does not track (`npm run check-dist`): git diff sees only
// tracked files, and the bundle's chunks are new files whenever a command or a dependency changes.
import { execFileSync } from 'node:child_process';

const folders = process.argv.slice(2);
const untracked = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '--', ...folders], { encoding: 'utf8' }).trim();
if (untracked) {
  console.error(`not committed (run npm run bundle and commit ${folders.join(', ')}):\n${untracked}`);
  process.exit(1);
}
