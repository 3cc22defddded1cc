import { Option, type Command } from 'commander';
import { runWhatIf, type WhatIfSource } from '../commands/what-if.js';
import { ConfigurationError } from '../errors.js';
import { DEFAULT_ROOT, filePolicyStore } from '../repo/load-repository.js';
import { renderWhatIfJson, renderWhatIfText, type WhatIfView } from '../render/what-if.js';
import { tenantAction } from './fail.js';
import { addConnectionOptions, connectFromFlags, logProgress, type ConnectionFlags } from './connection-options.js';
import { writeOut } from './output.js';
import { signInFromFlags, type WhatIfSignInFlags } from './what-if-flags.js';

interface WhatIfFlags extends ConnectionFlags, WhatIfSignInFlags {
  dir: string;
  tenant?: boolean;
  live?: boolean;
  format: 'text' | 'json';
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerWhatIf(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('what-if')
    .description("evaluate one sign-in against the repository's policies (offline), or the tenant's with --tenant: outcome, requirements, deciding policies")
    .option('-d, --dir <dir>', 'folder holding policies/ and named-locations/', DEFAULT_ROOT)
    .option('--tenant', "evaluate the tenant's policies (references in the sign-in resolved to ids)")
    .option('--live', "also ask Graph's What If API (the tenant's deployed policies) and report every disagreement; implies --tenant")
    .option('--user <ref>', 'the user signing in (user:UPN, a UPN, or an object id)')
    .option('--member-of <ref>', 'a group the user is a member of (repeat)', collect, [])
    .option('--role <ref>', 'a directory role the user holds (repeat)', collect, [])
    .option('--guest <type>', 'the user is a guest or external user of this type (internalGuest, b2bCollaborationGuest, …)')
    .option('--home-tenant <id>', "an external user's home tenant id")
    .option('--workload <ref>', 'a workload identity (service principal) signing in instead of a user')
    .option('--app <ref>', 'the application signed in to (app:Name, an appId, Office365, MicrosoftAdminPortals)')
    .option('--user-action <urn>', 'a user action: urn:user:registersecurityinfo or urn:user:registerdevice')
    .option('--auth-context <id>', 'an authentication context, c1 to c99')
    .option('--platform <platform>', 'android, iOS, windows, windowsPhone, macOS, linux')
    .option('--client-app-type <type>', 'browser, mobileAppsAndDesktopClients, exchangeActiveSync, other')
    .option('--location <ref>', 'a named location the sign-in comes from (repeat)', collect, [])
    .option('--ip <address>', 'the client IP address (IPv4 or IPv6)')
    .option('--country <cc>', 'the two-letter country the sign-in comes from')
    .option('--trusted', 'the sign-in comes from a trusted location')
    .option('--mfa-trusted-ips', "the IP is among the MFA service's trusted IPs")
    .option('--sign-in-risk <level>', 'none, low, medium, high')
    .option('--user-risk <level>', 'none, low, medium, high')
    .option('--service-principal-risk <level>', 'none, low, medium, high')
    .option('--insider-risk <level>', 'minor, moderate, elevated')
    .option('--device-json <file>', 'device properties as filters name them: {"isCompliant": true, "trustType": "AzureAD", …}')
    .option('--auth-flow <flow>', 'deviceCodeFlow or authenticationTransfer')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'));
  addConnectionOptions(command).action(tenantAction(setExit, whatIfAction));
}

async function whatIfAction(flags: WhatIfFlags): Promise<void> {
  const signIn = signInFromFlags(flags);
  const useTenant = flags.tenant === true || flags.live === true;
  if (!useTenant && flags.graphUrl !== undefined) throw new ConfigurationError('--graph-url reaches a tenant: add --tenant to evaluate its policies (what-if is offline by default)');
  let source: WhatIfSource;
  if (useTenant) {
    const graph = connectFromFlags(flags);
    source = { kind: 'tenant', tenant: graph.tenant, directory: graph.directory, ...(flags.live ? { whatIf: graph.whatIf } : {}) };
  } else {
    source = { kind: 'repository', store: filePolicyStore(flags.dir) };
  }
  const report = await runWhatIf(source, signIn);
  const view: WhatIfView = { source: report.source, evaluation: report.evaluation, ...(report.live ? { live: report.live } : {}) };
  if (report.requests) logProgress(`${report.requests.total} Graph request(s)`);
  writeOut(flags.format === 'json' ? renderWhatIfJson(view) : renderWhatIfText(view));
}
