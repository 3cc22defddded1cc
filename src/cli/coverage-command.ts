import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { labeller, loadPolicySet, runCoverage, type PolicySetSource } from '../commands/coverage.js';
import { ConfigurationError } from '../errors.js';
import { accessGrid } from '../impact/grid.js';
import { DEFAULT_ROOT, filePolicyStore } from '../repo/load-repository.js';
import { assertWritableFile, assertWritableFolder } from '../repo/output-paths.js';
import { COVERAGE_FORMATS, renderCoverage, type CoverageFormat } from '../render/coverage-report.js';
import { renderDocsHtml, renderDocsMarkdown } from '../render/docs-page.js';
import { tenantAction } from './fail.js';
import { addConnectionOptions, connectFromFlags, logProgress, type ConnectionFlags } from './connection-options.js';
import { writeOut } from './output.js';

interface SourceFlags extends ConnectionFlags {
  dir: string;
  tenant?: boolean;
}

interface CoverageFlags extends SourceFlags {
  format: CoverageFormat;
  output?: string;
  live?: boolean;
  liveUser?: string;
  liveLimit?: string;
}

/** The repository (offline, the default) or, with --tenant, the tenant's deployed policies. */
function sourceOf(flags: SourceFlags, useTenant: boolean): { source: PolicySetSource; graph?: ReturnType<typeof connectFromFlags> } {
  if (!useTenant && flags.graphUrl !== undefined) throw new ConfigurationError('--graph-url reaches a tenant: add --tenant to read its policies (the repository is read by default)');
  const store = filePolicyStore(flags.dir);
  if (!useTenant) return { source: { kind: 'repository', store } };
  const graph = connectFromFlags(flags);
  // caac.yml (when the folder has one) names the emergency accounts.
  return { source: { kind: 'tenant', tenant: graph.tenant, directory: graph.directory, ...(existsSync(flags.dir) ? { store } : {}) }, graph };
}

async function coverageAction(flags: CoverageFlags): Promise<void> {
  if (flags.output) assertWritableFile(flags.output, '--output');
  const live = flags.live === true;
  const limit = flags.liveLimit === undefined ? undefined : Number(flags.liveLimit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new ConfigurationError(`--live-limit must be a positive whole number, not "${flags.liveLimit}"`);
  const { source, graph } = sourceOf(flags, flags.tenant === true || live);
  let ordinaryUser: string | undefined;
  if (live && flags.liveUser && graph) {
    const found = (await graph.directory.findByNames([{ kind: 'user', name: flags.liveUser }])).get(`user:${flags.liveUser}`) ?? [];
    if (found.length !== 1) throw new ConfigurationError(`--live-user "${flags.liveUser}": ${found.length === 0 ? 'no such user in the tenant' : 'more than one user answers to it'}`);
    ordinaryUser = found[0]!.id;
  }
  const result = await runCoverage(source, { ...(live && graph ? { whatIf: graph.whatIf } : {}), ...(ordinaryUser ? { ordinaryUser } : {}), ...(limit ? { liveLimit: limit } : {}) });
  if (graph) logProgress(`${graph.tenant.requests().total} Graph request(s)`);
  const report = renderCoverage(result, flags.format);
  if (flags.output) {
    writeFileSync(flags.output, report);
    if (flags.format !== 'text') writeOut(renderCoverage(result, 'text'));
  } else writeOut(report);
}

async function docsAction(flags: SourceFlags & { out: string; title?: string }): Promise<void> {
  assertWritableFolder(flags.out, '--out');
  const { source } = sourceOf(flags, flags.tenant === true);
  const set = await loadPolicySet(source);
  const label = labeller(set);
  const grid = accessGrid({ policies: set.policies, namedLocations: set.namedLocations, emergency: set.emergency, label });
  const input = { title: flags.title ?? `Conditional Access policies (${set.source === 'tenant' ? 'tenant' : flags.dir})`, policies: set.policies, grid, label };
  mkdirSync(flags.out, { recursive: true });
  writeFileSync(join(flags.out, 'policies.md'), renderDocsMarkdown(input));
  writeFileSync(join(flags.out, 'index.html'), renderDocsHtml(input));
  writeOut(`wrote ${join(flags.out, 'policies.md')} and ${join(flags.out, 'index.html')}: ${set.policies.length} policies, ${grid.rows.length} people × ${grid.columns.length} targets\n`);
}

export function registerCoverage(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('coverage')
    .description("gaps in the repository's policies (or the tenant's with --tenant): sign-ins allowed without MFA or with no control, guests and workload identities without policy, policies that never apply, exclusions outside every MFA policy")
    .option('-d, --dir <dir>', 'folder holding policies/, named-locations/ and caac.yml', DEFAULT_ROOT)
    .option('--tenant', "judge the tenant's deployed policies instead of the repository's")
    .option('--live', "also ask Graph's What If API for the matrix sign-ins that name real identities (paced) and report every disagreement; implies --tenant")
    .option('--live-user <upn>', 'with --live: a real user in no group the policies name, to stand for "an ordinary member"')
    .option('--live-limit <n>', 'with --live: at most this many sign-ins asked of Graph (one request each, about 1/s; default 200)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(COVERAGE_FORMATS as unknown as string[]).default('text'))
    .option('-o, --output <file>', 'write the report to this file (a text summary still goes to the console)');
  addConnectionOptions(command).action(tenantAction(setExit, coverageAction));
}

export function registerDocs(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('docs')
    .description('write a map of the policy set: policies.md (job summary, wiki) and index.html (one self-contained page: who gets what, every policy in plain words)')
    .requiredOption('--out <dir>', 'the folder to write policies.md and index.html into')
    .option('-d, --dir <dir>', 'folder holding policies/, named-locations/ and caac.yml', DEFAULT_ROOT)
    .option('--tenant', "map the tenant's deployed policies instead of the repository's")
    .option('--title <text>', 'the page title');
  addConnectionOptions(command).action(tenantAction(setExit, docsAction));
}
