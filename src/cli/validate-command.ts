import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { runValidate } from '../commands/validate.js';
import { FINDINGS_FORMATS, formatFindings, type FindingsFormat } from '../render/findings.js';
import { ExitCode } from '../errors.js';
import { DEFAULT_ROOT, filePolicyStore } from '../repo/load-repository.js';
import { renderFindingsText } from '../render/findings-text.js';
import { assertWritableFile } from '../repo/output-paths.js';
import { writeOut } from './output.js';

export interface ValidateFlags {
  dir: string;
  format: FindingsFormat;
  output?: string;
}

export function registerValidate(program: Command, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check policy files: schema, references, safety rules (exit 0 clean, 1 errors, 2 usage or settings error)')
    .option('-d, --dir <dir>', 'folder holding policies/, named-locations/, authentication-strengths/ and caac.yml', DEFAULT_ROOT)
    .addOption(new Option('-f, --format <format>', 'output format').choices(FINDINGS_FORMATS as string[]).default('text'))
    .option('-o, --output <file>', 'write the report to this file (a text summary still goes to the console)')
    .action((flags: ValidateFlags) => {
      if (flags.output) assertWritableFile(flags.output, '--output');
      const result = runValidate(filePolicyStore(flags.dir));
      const report = formatFindings(result, flags.format);
      if (flags.output) {
        writeFileSync(flags.output, report);
        writeOut(flags.format === 'text' ? report : renderFindingsText(result));
      } else {
        writeOut(report);
      }
      setExit(result.summary.errors > 0 ? ExitCode.failure : ExitCode.ok);
    });
}
