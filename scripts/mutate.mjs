/**
 * `npm run mutate [-- --mutate <file>[,<file>…]] [--concurrency <n>] [--out <name>]`: StrykerJS over
 * the safety code (stryker.config.mjs). `--out` names the run's reports (reports/mutation/<name>.*).
 *
 * Why not `npx stryker run`: StrykerJS 10's command line refuses Node < 22 at load time, while
 * caac targets Node 20 (and the runner works on it). This starts the same engine through its API,
 * reading the same config file; on Node ≥ 22 `npx stryker run` is equivalent.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const engine = pathToFileURL(resolve('node_modules/@stryker-mutator/core/dist/src/stryker.js')).href;
const { Stryker } = await import(engine);

const args = process.argv.slice(2);
const options = {};
for (let i = 0; i < args.length; i++) {
  const [flag, inline] = args[i].split('=', 2);
  const value = inline ?? args[++i];
  if (flag === '--mutate') options.mutate = value.split(',').map((s) => s.trim()).filter(Boolean);
  else if (flag === '--concurrency') options.concurrency = Number(value);
  else if (flag === '--out') {
    // Two runs side by side: each its own sandbox folder and reports.
    options.tempDirName = `.stryker-tmp/${value}`;
    options.htmlReporter = { fileName: `reports/mutation/${value}.html` };
    options.jsonReporter = { fileName: `reports/mutation/${value}.json` };
  } else {
    console.error(`mutate: unknown option ${args[i]} (known: --mutate <files>, --concurrency <n>, --out <name>)`);
    process.exit(2);
  }
}

const results = await new Stryker(options).runMutationTest();
const survived = results.filter((r) => r.status === 'Survived' || r.status === 'NoCoverage').length;
console.log(`mutate: ${results.length} mutants, ${survived} survived or not covered (report: ${options.htmlReporter?.fileName ?? 'reports/mutation/mutation.html'})`);
