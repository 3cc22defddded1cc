/** --confirm-timeout and the action input confirm-timeout: seconds in, milliseconds out, nonsense refused. */
import { Command } from 'commander';
import { parseInputs } from '../../src/action/inputs.js';
import { registerApply } from '../../src/cli/apply-command.js';
import { confirmTimeoutMs } from '../../src/cli/confirm-timeout.js';
import { registerContingency } from '../../src/cli/contingency-command.js';
import { registerRestore } from '../../src/cli/restore-command.js';
import { ConfigurationError } from '../../src/errors.js';

test('the CLI value: seconds to ms; unset keeps the default; negative, huge or not a number is a ConfigurationError', () => {
  expect(confirmTimeoutMs(undefined)).toBeUndefined();
  expect(confirmTimeoutMs('60')).toBe(60_000);
  expect(confirmTimeoutMs('2.5')).toBe(2_500);
  expect(confirmTimeoutMs('0')).toBe(0);
  for (const bad of ['', 'soon', '-1', '3601', 'Infinity']) {
    expect(() => confirmTimeoutMs(bad)).toThrow(ConfigurationError);
  }
  expect(() => confirmTimeoutMs('soon')).toThrow('--confirm-timeout takes a number of seconds from 0 to 3600, not "soon"');
});

test('the action input: read from the runner and from a composite action\'s env', () => {
  expect(parseInputs({}).confirmTimeoutMs).toBeUndefined();
  expect(parseInputs({ 'INPUT_CONFIRM-TIMEOUT': '90' }).confirmTimeoutMs).toBe(90_000);
  expect(parseInputs({ INPUT_CONFIRM_TIMEOUT: '5' }).confirmTimeoutMs).toBe(5_000);
  expect(() => parseInputs({ INPUT_CONFIRM_TIMEOUT: 'soon' })).toThrow('input "confirm-timeout" is "soon": it must be a number of seconds from 0 to 3600');
});

test('apply, restore, contingency activate and deactivate take --confirm-timeout; status does not', () => {
  const program = new Command();
  registerApply(program, () => {});
  registerRestore(program, () => {});
  registerContingency(program, () => {});
  const takes = (command: Command) => command.options.some((o) => o.long === '--confirm-timeout');
  const byName = (name: string) => program.commands.find((c) => c.name() === name)!;
  expect(takes(byName('apply'))).toBe(true);
  expect(takes(byName('restore'))).toBe(true);
  const contingency = byName('contingency');
  expect(contingency.commands.filter(takes).map((c) => c.name())).toEqual(['activate', 'deactivate']);
});
