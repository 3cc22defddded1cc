/**
 * Runs the bundled `caac` CLI, which ships inside each task's folder (`caac/cli.js`), as a child
 * process: the task runs exactly the command a laptop or another CI system runs, with the same
 * flags, exit codes and files. Its output is relayed to the agent's log line by line with every
 * logging command neutralized (a policy name could hold `##vso[…]`), and kept for the caller.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeAgentLog } from '../azdo/agent-log.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** The CLI beside the task's code (packaged as `caac/` by scripts/package-azdo.mjs). */
export function bundledCli(): string {
  // The bundled handler's own folder (written so that ncc leaves it alone, not as an asset URL).
  const here = dirname(fileURLToPath(import.meta.url));
  const cli = join(here, 'caac', 'cli.js');
  if (!existsSync(cli)) throw new Error(`the caac CLI is missing from the task (${cli}): the extension was packaged without it`);
  return cli;
}

/** Variables the CLI must not inherit: the task's inputs, the endpoints' secrets, the job's tokens. */
const PRIVATE = /^(INPUT_|ENDPOINT_|SECRET_|VSTS_TASKVARIABLE_|SYSTEM_ACCESSTOKEN$|SYSTEM_OIDCREQUESTURI$)/i;

export function childEnvironment(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !PRIVATE.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** Passes whole lines on to `write` (which neutralizes them); a line cut between two chunks is held until it ends. */
function lineRelay(write: (text: string) => void): { push(chunk: string): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk;
      const cut = pending.lastIndexOf('\n');
      if (cut < 0) return;
      write(pending.slice(0, cut + 1));
      pending = pending.slice(cut + 1);
    },
    end() {
      if (pending !== '') write(`${pending}\n`);
      pending = '';
    },
  };
}

export function runCli(args: string[], options: { cwd: string; env: Record<string, string>; cli?: string }): Promise<CliResult> {
  const cli = options.cli ?? bundledCli();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: options.cwd, env: childEnvironment(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const out = lineRelay(writeAgentLog);
    const err = lineRelay(writeAgentLog);
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      out.push(c);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      err.push(c);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      out.end();
      err.end();
      resolve({ status: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}
