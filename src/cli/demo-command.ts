/**
 * `caac demo`: the pipeline, step by step, against an embedded emulator holding the sample
 * tenant, with the example repository that describes it. Needs no install and no tenant.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { runValidate } from '../commands/validate.js';
import { formatFindings } from '../commands/validate-output.js';
import { startEmulator } from '../emulator/index.js';
import { ExitCode } from '../errors.js';
import { filePolicyStore } from '../repo/load-repository.js';

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
    .option('--dir <dir>', 'repository to use instead of the bundled example')
    .action(async (flags: { dir?: string }) => {
      const out = (line = '') => process.stdout.write(line + '\n');
      const dir = flags.dir ?? exampleRepository();
      if (!dir) {
        out('caac demo: the example repository (examples/conditional-access) is missing next to the bundle; pass --dir');
        setExit(ExitCode.usage);
        return;
      }
      const shownDir = relative(process.cwd(), dir) || '.';
      out('caac demo: Conditional Access as Code against a local Graph emulator');
      out();
      out('Step 1/3  start the Graph emulator with the sample tenant');
      const emulator = await startEmulator({ seed: 'sample' });
      try {
        out(`          listening on ${emulator.url} (tenant ${emulator.tenantId})`);
        out();
        out(`Step 2/3  caac validate --dir ${shownDir}`);
        const result = runValidate(filePolicyStore(shownDir));
        for (const line of formatFindings(result, 'text').trimEnd().split('\n')) out(`          ${line}`);
        out();
        out('Step 3/3  read the tenant over Graph');
        const headers = { authorization: 'Bearer caac-demo' };
        for (const [label, path] of [
          ['policies', '/v1.0/identity/conditionalAccess/policies'],
          ['named locations', '/v1.0/identity/conditionalAccess/namedLocations'],
          ['authentication strengths', '/v1.0/policies/authenticationStrengthPolicies'],
        ] as const) {
          const response = await fetch(`${emulator.url}${path}`, { headers });
          const body = (await response.json()) as { value?: unknown[] };
          out(`          ${String(body.value?.length ?? 0).padStart(3)} ${label}`);
        }
        out();
        out('Next in the pipeline (coming in later releases): plan, apply, backup, contingency-toggle.');
        out(`Graph requests used: ${emulator.requests().total}`);
        setExit(result.summary.errors > 0 ? ExitCode.failure : ExitCode.ok);
      } finally {
        await emulator.stop();
      }
    });
}
