/**
 * `caac demo`: the pipeline, step by step, against an embedded emulator holding the sample
 * tenant, with the example repository that describes it (or the repository --dir names). Needs no
 * install and no tenant. What each step touches (the policy switched on in the portal, the
 * contingency set, the policy deleted) is taken from the repository and the tenant, not named here.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { startEmulator } from '../emulator/index.js';
import { ConfigurationError, ExitCode } from '../errors.js';
import { connectGraph } from '../graph/connect.js';
import { DEMO_STEPS, type DemoContext } from './demo-steps.js';
import { writeOut, writeErr } from './output.js';

/** The example repository beside the bundle (dist/../examples) or the sources (src/cli/../../examples). */
export function exampleRepository(): string | undefined {
  for (const candidate of ['../examples/conditional-access', '../../examples/conditional-access']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

export function registerDemo(program: Command, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('run the pipeline against an embedded Graph emulator with a sample tenant (no tenant, no install)')
    .option('-d, --dir <dir>', 'a caac repository to use instead of the bundled example (one caac init or caac backup wrote, say); the demo changes only the emulator, never the folder')
    .action(async (flags: { dir?: string }) => {
      if (flags.dir !== undefined && !statSync(flags.dir, { throwIfNoEntry: false })?.isDirectory()) {
        throw new ConfigurationError(`--dir ${flags.dir}: no such folder; give the folder that holds caac.yml and policies/ (caac init or caac backup writes one)`);
      }
      const dir = flags.dir ?? exampleRepository();
      if (!dir) {
        writeErr('caac demo: the example repository (examples/conditional-access) is missing next to the bundle; pass --dir\n');
        setExit(ExitCode.usage);
        return;
      }
      setExit(await runDemo(relative(process.cwd(), dir) || '.'));
    });
}

/** Runs every step against a fresh emulator; answers the exit code (1 when a step did not end as the demo shows). */
async function runDemo(dir: string): Promise<number> {
  const out = (line = '') => writeOut(line + '\n');
  out('caac demo: Conditional Access as Code against a local Graph emulator');
  out();
  out(`Step 1/${DEMO_STEPS.length + 1}  start the Graph emulator with the sample tenant`);
  const emulator = await startEmulator({ seed: 'sample' });
  // Every temporary folder the demo makes (snapshots, the backup): removed however it ends.
  const created: string[] = [];
  try {
    out(`          listening on ${emulator.url} (tenant ${emulator.tenantId})`);
    out();
    const context: DemoContext = {
      dir,
      emulatorUrl: emulator.url,
      // The emulator takes any bearer token; a demo paces faster than Graph's 1 request/s.
      graph: connectGraph({ graphUrl: emulator.url, env: { CAAC_ACCESS_TOKEN: 'caac-demo' }, rateLimit: 20 }),
      out,
      show: (text) => out(indent(text)),
      tempFolder: (prefix) => {
        const path = mkdtempSync(join(tmpdir(), prefix));
        created.push(path);
        return path;
      },
      failures: [],
      state: {},
      total: DEMO_STEPS.length + 1,
    };
    for (const [i, step] of DEMO_STEPS.entries()) {
      const go = await step(context, i + 2);
      out();
      if (go === 'stop') break;
    }
    for (const failure of context.failures) writeErr(`caac demo: ${failure}\n`);
    return context.failures.length === 0 ? ExitCode.ok : ExitCode.failure;
  } finally {
    await emulator.stop();
    for (const path of created) rmSync(path, { recursive: true, force: true });
  }
}

/** A command's report, under the step that ran it. */
export function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `          ${l}`)
    .join('\n');
}
