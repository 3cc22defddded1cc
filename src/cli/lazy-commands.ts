/** Which commands `caac` loads for a command line, and how each is loaded (a chunk of its own in the bundle). */
import type { Command } from 'commander';

export type Register = (program: Command, setExit: (code: number) => void) => void;

/**
 * Every command, in the order `caac --help` lists them, each loaded only when it runs: a command
 * brings its own code (the emulator, the Graph client, the validation rules), so `caac --version`
 * and `caac validate` do not pay for the others.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  init: async () => (await import('./init-command.js')).registerInit,
  validate: async () => (await import('./validate-command.js')).registerValidate,
  new: async () => (await import('./new-command.js')).registerNew,
  plan: async () => (await import('./plan-command.js')).registerPlan,
  apply: async () => (await import('./apply-command.js')).registerApply,
  restore: async () => (await import('./restore-command.js')).registerRestore,
  backup: async () => (await import('./backup-command.js')).registerBackup,
  contingency: async () => (await import('./contingency-command.js')).registerContingency,
  'what-if': async () => (await import('./what-if-command.js')).registerWhatIf,
  coverage: async () => (await import('./coverage-command.js')).registerCoverage,
  docs: async () => (await import('./coverage-command.js')).registerDocs,
  exceptions: async () => (await import('./exceptions-command.js')).registerExceptions,
  drift: async () => (await import('./drift-command.js')).registerDrift,
  rollout: async () => (await import('./rollout-command.js')).registerRollout,
  emulator: async () => (await import('./emulator-command.js')).registerEmulator,
  demo: async () => (await import('./demo-command.js')).registerDemo,
};

/**
 * The commands to load for these arguments: the one named (the first word that is not an option);
 * every one for the overview (`caac`, `caac --help`, `caac help …`) and for a name caac does not
 * know (so commander can suggest the nearest); none for `caac --version`.
 */
export function commandsFor(argv: readonly string[]): string[] {
  const name = argv.find((a) => !a.startsWith('-'));
  if (name !== undefined) return Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
  const wantsHelp = argv.length === 0 || argv.some((a) => a === '-h' || a === '--help');
  return wantsHelp ? Object.keys(COMMANDS) : [];
}

/** The named command's register function (its module is imported now, not at start-up). */
export function loadCommand(name: string): Promise<Register> {
  const load = COMMANDS[name];
  if (load === undefined) throw new Error(`no command ${name}`);
  return load();
}
