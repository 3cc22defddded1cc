import { Command } from 'commander';
import { commandsFor, loadCommand } from '../../src/cli/lazy-commands.js';

const ALL = ['init', 'validate', 'new', 'plan', 'apply', 'restore', 'backup', 'contingency', 'what-if', 'coverage', 'docs', 'exceptions', 'drift', 'rollout', 'emulator', 'demo'];

describe('which commands caac loads for a command line', () => {
  test('the command named, and only it', () => {
    expect(commandsFor(['validate'])).toEqual(['validate']);
    expect(commandsFor(['plan', '--dir', 'x', '--graph-url', 'http://127.0.0.1:1'])).toEqual(['plan']);
    expect(commandsFor(['contingency', 'activate', 'outage-mfa'])).toEqual(['contingency']);
    expect(commandsFor(['demo', '--help'])).toEqual(['demo']);
  });

  test('none for the version', () => {
    expect(commandsFor(['--version'])).toEqual([]);
    expect(commandsFor(['-V'])).toEqual([]);
  });

  test('every one for the overview, help on a command, and a name caac does not know (so it can suggest one)', () => {
    expect(commandsFor([])).toEqual(ALL);
    expect(commandsFor(['--help'])).toEqual(ALL);
    expect(commandsFor(['-h'])).toEqual(ALL);
    expect(commandsFor(['help', 'plan'])).toEqual(ALL);
    expect(commandsFor(['valdate'])).toEqual(ALL);
    // A name from Object.prototype is not a command.
    expect(commandsFor(['constructor'])).toEqual(ALL);
  });

  test('each loader registers the command of its name', async () => {
    for (const name of ALL) {
      const program = new Command();
      (await loadCommand(name))(program, () => undefined);
      expect(program.commands.map((c) => c.name())).toEqual([name]);
    }
    expect(() => loadCommand('nope')).toThrow(/no command nope/);
  });
});
