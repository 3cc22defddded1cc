import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { runDrift, type DriftOutcome } from '../commands/drift.js';
import { ConfigurationError, ExitCode } from '../errors.js';
import { isNotable, parseDriftState, parseDuration, type DriftState } from '../drift/state.js';
import { checkWebhookUrl, postWebhook } from '../notify/webhook.js';
import { DEFAULT_ROOT, filePolicyStore } from '../repo/load-repository.js';
import { assertWritableFile } from '../repo/output-paths.js';
import { driftNotification } from '../render/drift-notify.js';
import { renderDriftMarkdown } from '../render/drift-markdown.js';
import { renderDriftText } from '../render/drift-text.js';
import { WEBHOOK_FORMATS, webhookPayload, type WebhookFormat } from '../render/webhook-message.js';
import { lineLogger } from '../ports/logger.js';
import { reportTenantCommandError } from './fail.js';
import { addConnectionOptions, connectFromFlags, environmentFromFlags, logProgress, type ConnectionFlags } from './connection-options.js';
import { printErrLine, writeOut } from './output.js';
import { reportStoppedPlan } from './plan-command.js';

/** Where the CLI keeps the last report's state, under the working directory. */
export const DEFAULT_STATE_FILE = '.caac/drift-state.json';

interface DriftFlags extends ConnectionFlags {
  dir: string;
  format: 'text' | 'json' | 'markdown';
  out?: string;
  since?: string;
  state: string | false;
  notify?: string;
  notifyFormat: WebhookFormat;
}

export function registerDrift(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('drift')
    .description('compare the tenant with the repository, read-only, and say what changed behind its back and who did it (exit 0 no drift, 2 drift, 1 error)')
    .option('-d, --dir <dir>', 'folder holding policies/, named-locations/, authentication-strengths/ and caac.yml', DEFAULT_ROOT)
    .addOption(new Option('--format <format>', 'report format on stdout').choices(['text', 'json', 'markdown']).default('text'))
    .option('-o, --out <file>', 'also write the report as JSON to this file')
    .option('--since <duration>', 'look at most this far back in the audit log for who changed what (90m, 24h, 7d; default 30d, what the log keeps)')
    .option('--state <file>', 'remember the last report here, so that --notify posts only when drift appears, changes or clears', DEFAULT_STATE_FILE)
    .option('--no-state', 'remember nothing (every run with drift notifies)')
    .option('--notify <url>', 'post a summary to this incoming webhook when drift appears, changes or clears (or CAAC_NOTIFY_URL)')
    .addOption(new Option('--notify-format <format>', 'the webhook: teams (Adaptive Card through a Workflows webhook) or slack').choices([...WEBHOOK_FORMATS]).default('teams'));
  addConnectionOptions(command).action(async (flags: DriftFlags) => {
    try {
      setExit(await driftAction(flags));
    } catch (error) {
      // 2 means drift: a mistake in the flags or files exits 1.
      setExit(reportTenantCommandError(error, printErrLine, { usageExit: false }));
    }
  });
}

/** The last state, or undefined when there is none; a file that is not one fails closed (naming the fix). */
export function readStateFile(file: string): DriftState | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigurationError(`--state ${file} is not JSON (${(e as Error).message}): delete it to start afresh`);
  }
  const state = parseDriftState(parsed);
  if (state === undefined) throw new ConfigurationError(`--state ${file} is not a caac drift state (format version 1): delete it to start afresh, or point --state elsewhere`);
  return state;
}

async function driftAction(flags: DriftFlags): Promise<number> {
  const sinceMs = flags.since === undefined ? undefined : parseDuration(flags.since);
  if (flags.since !== undefined && sinceMs === undefined) throw new ConfigurationError(`--since takes a duration like 90m, 24h or 7d, not "${flags.since}"`);
  if (flags.out) assertWritableFile(flags.out, '--out');
  const notifyUrl = flags.notify ?? process.env['CAAC_NOTIFY_URL'];
  const webhook = notifyUrl === undefined || notifyUrl === '' ? undefined : checkWebhookUrl(notifyUrl);
  if (typeof webhook === 'string') throw new ConfigurationError(`--notify: ${webhook}`);
  const stateFile = flags.state === false ? undefined : resolve(flags.state);
  const stored = stateFile === undefined ? undefined : readStateFile(stateFile);
  const chosen = environmentFromFlags(flags, flags.dir);
  const graph = connectFromFlags(flags, flags.apiVersion, chosen);
  const environment = chosen ? { environment: chosen.environment.name, environmentScope: chosen.environment } : {};
  const outcome: DriftOutcome = await runDrift(filePolicyStore(flags.dir), graph, { dir: flags.dir, apiVersion: flags.apiVersion, log: lineLogger(logProgress), ...(sinceMs === undefined ? {} : { sinceMs }), ...(stored ? { previous: stored } : {}), ...environment });
  if (outcome.status !== 'reported') return reportStoppedPlan(outcome, writeOut);
  const { report } = outcome;
  writeOut(flags.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : flags.format === 'markdown' ? renderDriftMarkdown(report) : renderDriftText(report));
  if (flags.out) writeFileSync(flags.out, JSON.stringify(report, null, 2) + '\n');
  logProgress(`${outcome.requests.total} Graph requests; drift ${outcome.transition}`);
  if (webhook !== undefined && isNotable(outcome.transition)) {
    const sent = await postWebhook(webhook, webhookPayload(flags.notifyFormat, driftNotification(report, outcome.transition)));
    if (!sent.ok) {
      // The state is not saved: the next run sees the same change and tries again.
      printErrLine(`caac: the drift notification was not delivered: ${sent.reason ?? 'unknown reason'}; the state is kept as it was, so the next run tries again`);
      return ExitCode.failure;
    }
    logProgress(`notified (${flags.notifyFormat}): drift ${outcome.transition}`);
  }
  if (stateFile !== undefined) {
    mkdirSync(dirname(stateFile), { recursive: true });
    writeFileSync(stateFile, JSON.stringify(outcome.state, null, 2) + '\n');
  }
  return report.failing ? 2 : ExitCode.ok;
}
