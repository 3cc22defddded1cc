import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { runValidate } from '../commands/validate.js';
import { FINDINGS_FORMATS, formatFindings, type FindingsFormat } from '../render/findings.js';
import { ExitCode } from '../errors.js';
import { DEFAULT_ROOT, filePolicyStore } from '../repo/load-repository.js';
import { renderFindingsText } from '../render/findings-text.js';
import { assertWritableFile } from '../repo/output-paths.js';
import { writeErr, writeOut } from './output.js';
import { ConfigurationError } from '../errors.js';
import { runValidateFix } from '../commands/validate-fix.js';
import { fileDocumentFiles } from '../repo/document-files.js';
import { renderUnifiedDiff } from '../render/unified-diff.js';

/** --fix: the repairs, and with --dry-run their diff on stderr (stdout keeps the report's format). */
function runFix(flags: ValidateFlags): ReturnType<typeof runValidate> {
  const run = runValidateFix(filePolicyStore(flags.dir), fileDocumentFiles(), { dryRun: flags.dryRun === true });
  if (flags.dryRun) {
    const diff = run.changes.map(renderUnifiedDiff).join('');
    const write = flags.format === 'text' && !flags.output ? writeOut : writeErr;
    write(diff + `--dry-run: ${run.changes.length} file${run.changes.length === 1 ? '' : 's'} would change; nothing written\n`);
  }
  return run.result;
}

export interface ValidateFlags {
  dir: string;
  format: FindingsFormat;
  output?: string;
  fix?: boolean;
  dryRun?: boolean;
}

export function registerValidate(program: Command, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check policy files: schema, references, safety rules (exit 0 clean, 1 errors, 2 usage or settings error)')
    .option('-d, --dir <dir>', 'folder holding policies/, named-locations/, authentication-strengths/ and caac.yml', DEFAULT_ROOT)
    .addOption(new Option('-f, --format <format>', 'output format').choices(FINDINGS_FORMATS as string[]).default('text'))
    .option('-o, --output <file>', 'write the report to this file (a text summary still goes to the console)')
    .option('--fix', 'repair in place what cannot change what a policy means (clientAppTypes [], enum case, server fields, annotations, list exports), then validate again')
    .option('--dry-run', 'with --fix: print the changes as a unified diff, write nothing (exit 1 when there is something to fix)')
    .action((flags: ValidateFlags) => {
      if (flags.output) assertWritableFile(flags.output, '--output');
      if (flags.dryRun && !flags.fix) throw new ConfigurationError('--dry-run goes with --fix: caac validate --fix --dry-run');
      const result = flags.fix ? runFix(flags) : runValidate(filePolicyStore(flags.dir));
      const report = formatFindings(result, flags.format);
      if (flags.output) {
        writeFileSync(flags.output, report);
        writeOut(flags.format === 'text' ? report : renderFindingsText(result));
      } else {
        writeOut(report);
      }
      // --dry-run exits 1 when there is something to fix (a check for CI), like --fix with errors left.
      const pending = flags.dryRun === true && (result.summary.fixed ?? 0) > 0;
      setExit(result.summary.errors > 0 || pending ? ExitCode.failure : ExitCode.ok);
    });
}
