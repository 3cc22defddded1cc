/**
 * Action inputs, read the same way whether the runner set them (a JavaScript action gets
 * `INPUT_GITHUB-TOKEN`) or a composite action passed them through `env:` (where we write
 * `INPUT_GITHUB_TOKEN`, since a hyphen is awkward in a shell variable name).
 */
export type Env = Record<string, string | undefined>;

export function readInput(env: Env, name: string): string | undefined {
  const upper = name.toUpperCase();
  const value = env[`INPUT_${upper.replace(/ /g, '_')}`] ?? env[`INPUT_${upper.replace(/[ -]/g, '_')}`];
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}

export const COMMANDS = ['validate', 'plan', 'apply', 'backup', 'contingency', 'drift'] as const;
export type ActionCommand = (typeof COMMANDS)[number];

/** Every input an action takes, in one typed object (names match the CLI's options). */
export interface ActionInputs {
  command: ActionCommand;
  dir: string;
  githubToken?: string;
  tenantId?: string;
  clientId?: string;
  auth?: string;
  cloud?: string;
  graphUrl?: string;
  /** An environment of caac.yml (input environment, else CAAC_ENVIRONMENT). */
  environment?: string;
  apiVersion: 'v1.0' | 'beta';
  prune: boolean;
  /** Post the plan as a sticky pull request comment. */
  comment: boolean;
  artifactName: string;
  /** apply: the plan file to apply. */
  planFile?: string;
  allowDelete: boolean;
  /** apply: accept a plan whose Access impact blocks sign-ins that are not blocked today. */
  acceptImpact: boolean;
  /** apply: write the declared state of the policies an active contingency set holds. */
  endContingency: boolean;
  /** apply: refuse a plan with any change other than ended exceptions' removals (input only-expiries). */
  onlyExpiries: boolean;
  keepGoing: boolean;
  snapshotDir?: string;
  /** apply, contingency: how long to look for a write whose answer was lost and to read back (input confirm-timeout, seconds). */
  confirmTimeoutMs?: number;
}

export class InputError extends Error {
  override name = 'InputError';
}

export function parseInputs(env: Env): ActionInputs {
  const command = readInput(env, 'command') ?? 'validate';
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new InputError(`input "command" is "${command}": it must be one of ${COMMANDS.join(', ')}`);
  }
  return {
    command: command as ActionCommand,
    dir: readInput(env, 'dir') ?? 'conditional-access',
    githubToken: readInput(env, 'github-token'),
    tenantId: readInput(env, 'tenant-id'),
    clientId: readInput(env, 'client-id'),
    auth: readInput(env, 'auth'),
    cloud: readInput(env, 'cloud'),
    graphUrl: readInput(env, 'graph-url'),
    environment: readInput(env, 'environment'),
    apiVersion: oneOf(readInput(env, 'api-version') ?? 'v1.0', 'api-version', ['v1.0', 'beta'] as const),
    prune: readBooleanInput(env, 'prune', false),
    comment: readBooleanInput(env, 'comment', true),
    artifactName: readInput(env, 'artifact-name') ?? 'caac-plan',
    planFile: readInput(env, 'plan-file'),
    allowDelete: readBooleanInput(env, 'allow-delete', false),
    acceptImpact: readBooleanInput(env, 'accept-impact', false),
    endContingency: readBooleanInput(env, 'end-contingency', false),
    onlyExpiries: readBooleanInput(env, 'only-expiries', false),
    keepGoing: readBooleanInput(env, 'keep-going', false),
    snapshotDir: readInput(env, 'snapshot-dir'),
    confirmTimeoutMs: seconds(readInput(env, 'confirm-timeout'), 'confirm-timeout'),
  };
}

/** A number of seconds (0 to 3600) → ms; undefined keeps the default. */
function seconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 3600) throw new InputError(`input "${name}" is "${value}": it must be a number of seconds from 0 to 3600`);
  return Math.round(n * 1000);
}

function oneOf<T extends string>(value: string, name: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new InputError(`input "${name}" is "${value}": it must be one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * A boolean input: `true` or `false` in any case, nothing else. An input that is not set at all
 * takes its default; one set to an empty value (`dry-run: ${{ vars.UNSET }}`) or to anything else
 * (`yes`, `1`, `on`, a typo) is an error that names it: guessing would turn a dry run into a real one.
 */
export function readBooleanInput(env: Env, name: string, fallback: boolean): boolean {
  const upper = name.toUpperCase();
  const raw = env[`INPUT_${upper.replace(/ /g, '_')}`] ?? env[`INPUT_${upper.replace(/[ -]/g, '_')}`];
  if (raw === undefined) return fallback;
  return parseBoolean(raw, `input "${name}"`);
}

/** `true`/`false` (any case, surrounding blanks ignored) → boolean; anything else is an InputError naming `what`. */
export function parseBoolean(raw: string, what: string): boolean {
  const value = raw.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  const shown = raw.trim() === '' ? 'empty' : `${JSON.stringify(raw)}`;
  throw new InputError(`${what} is ${shown}: it must be true or false`);
}
