/**
 * `npm run mutate [-- --mutate <file>[,<file>…]]`: StrykerJS over the safety code (stryker.config.mjs).
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
  else {
    console.error(`mutate: unknown option ${args[i]} (known: --mutate <files>, --concurrency <n>)`);
    process.exit(2);
  }
}

const results = await new Stryker(options).runMutationTest();
const survived = results.filter((r) => r.status === 'Survived' || r.status === 'NoCoverage').length;
console.log(`mutate: ${results.length} mutants, ${survived} survived or not covered (report: reports/mutation/mutation.html)`);
