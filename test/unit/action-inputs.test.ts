/**
 * Boolean action inputs: `true`/`false` (any case) or an error that names the input — never a
 * silent false. Unset takes the default; set but empty is an error (the runner fills defaults, so
 * an empty value is a workflow expression that came out empty).
 */
import { InputError, parseBoolean, parseInputs, readBooleanInput } from '../../src/action/inputs.js';

const ROOT_BOOLEANS: Array<[string, string, boolean]> = [
  ['prune', 'prune', false],
  ['comment', 'comment', true],
  ['allow-delete', 'allowDelete', false],
  ['end-contingency', 'endContingency', false],
  ['keep-going', 'keepGoing', false],
];
const BAD = ['yes', 'no', '1', '0', 'on', 'off', 'ture', 'y', 'enabled', '"true"', 'true false', '', '  '];

describe('parseBoolean', () => {
  test.each(['true', 'True', 'TRUE', 'tRuE', ' true ', 'true\n'])('%j is true', (v) => expect(parseBoolean(v, 'input "x"')).toBe(true));
  test.each(['false', 'False', 'FALSE', 'fAlSe', ' false'])('%j is false', (v) => expect(parseBoolean(v, 'input "x"')).toBe(false));
  test.each(BAD)('%j is an InputError naming the input and the accepted values', (v) => {
    expect(() => parseBoolean(v, 'input "dry-run"')).toThrow(InputError);
    expect(() => parseBoolean(v, 'input "dry-run"')).toThrow(/^input "dry-run" is .+: it must be true or false$/);
  });
  test('the message shows the value, escaped, or says it is empty', () => {
    expect(() => parseBoolean('yes', 'input "dry-run"')).toThrow('input "dry-run" is "yes": it must be true or false');
    expect(() => parseBoolean('', 'input "dry-run"')).toThrow('input "dry-run" is empty: it must be true or false');
    expect(() => parseBoolean('y\nes', 'input "dry-run"')).toThrow('input "dry-run" is "y\\nes"');
  });
});

describe('readBooleanInput', () => {
  test('unset takes the default', () => {
    expect(readBooleanInput({}, 'dry-run', false)).toBe(false);
    expect(readBooleanInput({}, 'comment', true)).toBe(true);
  });
  test('reads both spellings (INPUT_DRY-RUN from the runner, INPUT_DRY_RUN through a composite env:)', () => {
    expect(readBooleanInput({ 'INPUT_DRY-RUN': 'true' }, 'dry-run', false)).toBe(true);
    expect(readBooleanInput({ INPUT_DRY_RUN: 'TRUE' }, 'dry-run', false)).toBe(true);
  });
  test('set but empty is an error, not the default: a dry run whose expression came out empty stays a dry run', () => {
    expect(() => readBooleanInput({ INPUT_DRY_RUN: '' }, 'dry-run', false)).toThrow('input "dry-run" is empty: it must be true or false');
  });
});

describe('parseInputs: every boolean input of the root action', () => {
  test.each(ROOT_BOOLEANS)('%s: default, true, false', (input, field, fallback) => {
    const env = (v: string) => ({ [`INPUT_${input.toUpperCase().replace(/-/g, '_')}`]: v });
    expect(parseInputs({})[field as keyof ReturnType<typeof parseInputs>]).toBe(fallback);
    expect(parseInputs(env('true'))[field as keyof ReturnType<typeof parseInputs>]).toBe(true);
    expect(parseInputs(env('False'))[field as keyof ReturnType<typeof parseInputs>]).toBe(false);
  });
  test.each(ROOT_BOOLEANS.flatMap(([input]) => BAD.map((v) => [input, v] as const)))('%s: %j is refused', (input, v) => {
    expect(() => parseInputs({ [`INPUT_${input.toUpperCase().replace(/-/g, '_')}`]: v })).toThrow(new RegExp(`^input "${input}" is .+: it must be true or false$`));
  });
});
