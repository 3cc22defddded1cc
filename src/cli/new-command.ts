import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { listTemplates, runNew, type NewPorts, type NewResult } from '../commands/new.js';
import { ExitCode } from '../errors.js';
import { escapeLogValue } from '../model/log-text.js';
import type { PolicyTemplate } from '../model/templates.js';
import { TEMPLATE_SCENARIOS } from '../model/templates.js';
import { DEFAULT_ROOT, filePolicyStore } from '../repo/load-repository.js';
import { fileDocumentFiles } from '../repo/document-files.js';
import { reportTenantCommandError } from './fail.js';
import { addConnectionOptions, connectFromFlags, type ConnectionFlags } from './connection-options.js';
import { printErrLine, writeOut } from './output.js';

interface NewFlags extends ConnectionFlags {
  dir: string;
  template?: string;
  name?: string;
  list?: boolean;
  scenario?: string;
}

export function registerNew(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('new')
    .description("write a new policy file, from one of Microsoft's Conditional Access templates (read from the tenant) or a minimal skeleton: report-only, emergency-access accounts excluded (exit 0 written, 1 error, 2 usage)")
    .option('-d, --dir <dir>', 'the repository folder (holds caac.yml and policies/)', DEFAULT_ROOT)
    .option('-t, --template <id or name>', "the template's id or name (caac new --list shows them); without it, a skeleton (no tenant needed)")
    .option('-n, --name <displayName>', 'the new policy\'s displayName; it must match naming.pattern of caac.yml (asked for when interactive)')
    .option('--list', 'list the templates instead')
    .option('--scenario <scenario>', `with --list: only the templates for one scenario (${TEMPLATE_SCENARIOS.join(', ')})`);
  addConnectionOptions(command).action(async (flags: NewFlags) => {
    try {
      if (flags.list) {
        const graph = connectFromFlags(flags);
        writeOut(renderTemplateList(await listTemplates(graph.templates, flags.scenario)));
        return setExit(ExitCode.ok);
      }
      const ports: NewPorts = { store: filePolicyStore(flags.dir), files: fileDocumentFiles() };
      if (flags.template !== undefined) {
        const graph = connectFromFlags(flags);
        Object.assign(ports, { templates: graph.templates, directory: graph.directory, requests: () => graph.tenant.requests() });
      }
      const result = await runNew(ports, { template: flags.template, name: flags.name, ask: process.stdin.isTTY && process.stderr.isTTY ? ask : undefined });
      writeOut(renderNewResult(result));
      setExit(ExitCode.ok);
    } catch (error) {
      setExit(reportTenantCommandError(error, printErrLine));
    }
  });
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

function renderTemplateList(templates: readonly PolicyTemplate[]): string {
  if (templates.length === 0) return 'no templates\n';
  const lines = templates.map((t) => `${t.id}  ${escapeLogValue(t.name)}  [${t.scenarios.map(escapeLogValue).join(', ')}]`);
  return `${lines.join('\n')}\n${templates.length} template${templates.length === 1 ? '' : 's'}: caac new --template <id or name> --name "…"\n`;
}

function renderNewResult(r: NewResult): string {
  const from = r.template ? ` from template "${escapeLogValue(r.template.name)}" (${r.template.id})` : ' (a skeleton)';
  const lines = [`wrote ${escapeLogValue(r.file)}: "${escapeLogValue(r.displayName)}"${from}, report-only`];
  for (const note of r.notes) lines.push(`  note: ${escapeLogValue(note)}`);
  for (const w of r.warnings) lines.push(`  warning: ${w.rule} ${escapeLogValue(w.message)}`);
  if (r.requests) {
    const endpoints = Object.entries(r.requests.byEndpoint).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    lines.push(`  Graph requests: ${r.requests.total}${endpoints.length ? ` (${endpoints.map(([e, n]) => `${e} ${n}`).join(', ')})` : ''}`);
  }
  lines.push('next: caac validate, then caac plan');
  return lines.join('\n') + '\n';
}
