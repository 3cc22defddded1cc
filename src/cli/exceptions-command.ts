/** `caac exceptions list`: caac.yml's expiring exceptions, offline or against the tenant. */
import { Option, type Command } from 'commander';
import { runExceptionsList } from '../commands/exceptions.js';
import { ConfigurationError, ExitCode } from '../errors.js';
import { endingWithin } from '../exceptions/exception-list.js';
import { DEFAULT_ROOT, filePolicyStore } from '../repo/load-repository.js';
import { EXCEPTIONS_FORMATS, formatExceptions, type ExceptionsFormat } from '../render/exceptions-report.js';
import { addConnectionOptions, connectFromFlags, type ConnectionFlags } from './connection-options.js';
import { reportTenantCommandError } from './fail.js';
import { printErrLine, writeOut } from './output.js';
import { checkWebhookUrl, postWebhook } from '../notify/webhook.js';
import { exceptionsReminder } from '../render/exceptions-notify.js';
import { WEBHOOK_FORMATS, webhookPayload, type WebhookFormat } from '../render/webhook-message.js';
import type { ExceptionsReport } from '../exceptions/exception-list.js';

interface ExceptionsFlags extends ConnectionFlags {
  dir: string;
  format: ExceptionsFormat;
  endingWithin?: string;
  notify?: string;
  notifyFormat: WebhookFormat;
}

export function registerExceptions(program: Command, setExit: (code: number) => void): void {
  const group = program.command('exceptions').description("caac.yml's expiring exceptions (see README, Expiring exceptions)");
  const list = group
    .command('list')
    .description('every exception: its policies, who, until when, days left, and whether the tenant holds it now (reads the tenant when --tenant-id, --graph-url, --token-file or --auth is given; "unknown" offline)')
    .option('-d, --dir <dir>', 'the repository folder', DEFAULT_ROOT)
    .addOption(new Option('-f, --format <format>', 'output format (markdown: a table for an issue comment)').choices(EXCEPTIONS_FORMATS as unknown as string[]).default('text'))
    .option('--ending-within <days>', 'only the active exceptions whose last day is at most this many days away (a reminder)')
    .option('--notify <url>', 'with --ending-within: post the exceptions ending soon to this incoming webhook, when there are any (or CAAC_NOTIFY_URL)')
    .addOption(new Option('--notify-format <format>', 'the webhook: teams (Adaptive Card through a Workflows webhook) or slack').choices([...WEBHOOK_FORMATS]).default('teams'));
  addConnectionOptions(list).action(async (flags: ExceptionsFlags) => {
    try {
      const days = flags.endingWithin === undefined ? undefined : Number(flags.endingWithin);
      if (days !== undefined && !(Number.isInteger(days) && days >= 0)) throw new ConfigurationError(`--ending-within takes a whole number of days (0 or more), not "${flags.endingWithin}"`);
      // A connection is read only when asked for by a flag: the environment alone never sends caac to a tenant here.
      const online = [flags.tenantId, flags.graphUrl, flags.tokenFile, flags.auth].some((f) => f !== undefined);
      const ports = online ? connectFromFlags(flags) : undefined;
      const notifyUrl = flags.notify ?? process.env['CAAC_NOTIFY_URL'];
      const webhook = notifyUrl === undefined || notifyUrl === '' ? undefined : checkWebhookUrl(notifyUrl);
      if (typeof webhook === 'string') throw new ConfigurationError(`--notify: ${webhook}`);
      if (webhook && days === undefined) throw new ConfigurationError('--notify needs --ending-within <days>: it reminds of the exceptions ending soon');
      const report = await runExceptionsList(filePolicyStore(flags.dir), ports, new Date());
      const shown = days === undefined ? report : endingWithin(report, days);
      writeOut(formatExceptions(shown, flags.format));
      setExit(await notify(webhook, shown, days, flags.notifyFormat));
    } catch (error) {
      setExit(reportTenantCommandError(error, printErrLine));
    }
  });
}

/** One POST when exceptions end soon (none: nothing is sent); a failed post is exit 1, named without the URL. */
async function notify(webhook: URL | undefined, report: ExceptionsReport, days: number | undefined, format: WebhookFormat): Promise<number> {
  if (!webhook || days === undefined || report.exceptions.length === 0) return ExitCode.ok;
  const sent = await postWebhook(webhook, webhookPayload(format, exceptionsReminder(report, days)));
  if (!sent.ok) {
    printErrLine(`caac: the reminder was not sent: ${sent.reason ?? `HTTP ${sent.status}`}`);
    return ExitCode.failure;
  }
  printErrLine(`caac: reminded (${format}): ${report.exceptions.length} exception(s) ending within ${days} day(s)`);
  return ExitCode.ok;
}
