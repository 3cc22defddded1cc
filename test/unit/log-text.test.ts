/**
 * The log neutraliser: nothing from a file or the tenant can start a workflow command, drive the
 * terminal or hide text, at the value level and at the sinks; caac's own line breaks stay.
 */
import { escapeLogValue, neutralizeLogText } from '../../src/model/log-text.js';

/** What a runner would take for a workflow command in this text: `::` after leading white space, `##[` anywhere (it splits on \r too). */
function commandLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((line) => /^\s*::/.test(line) || line.includes('##['));
}

const HOSTILE = [
  'x\n::warning title=FAKE::all good',
  '::add-mask::secret',
  '  ::stop-commands::tok',
  'a\r::error::forged',
  '\u00a0\u2003::notice::wide space',
  'legacy ##[warning]forged',
  '\u001b[31mred\u001b[0m',
  'admins \u202eredro\u202c',
  'zero\u200bwidth\u200d \ufeffbom \u2066iso\u2069 \u200e\u200f\u061c',
  'bell\u0007 del\u007f c1\u009b31m nel\u0085',
  'tags \udb40\udc41\udb40\udc42',
  'line\u2028sep\u2029para',
];

describe('escapeLogValue (one value inside a line)', () => {
  test.each(HOSTILE)('%j stays on one line, with no raw control, ANSI or invisible character', (value) => {
    const out = escapeLogValue(value);
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/);
    expect(out).not.toMatch(/[\ud800-\udfff]/);
    expect(out.split('\n')).toHaveLength(1);
  });

  test('escapes are readable and exact', () => {
    expect(escapeLogValue('x\n::warning title=FAKE::all good')).toBe('x\\n::warning title=FAKE::all good');
    expect(escapeLogValue('a\rb')).toBe('a\\rb');
    expect(escapeLogValue('\u001b[31mred')).toBe('\\u001b[31mred');
    expect(escapeLogValue('admins \u202eredro')).toBe('admins \\u202eredro');
    expect(escapeLogValue('a\u200bb\u2066c\u200ed\u061ce')).toBe('a\\u200bb\\u2066c\\u200ed\\u061ce');
    expect(escapeLogValue('tag\udb40\udc41')).toBe('tag\\udb40\\udc41');
    expect(escapeLogValue('c1\u009b')).toBe('c1\\u009b');
  });

  test('ordinary names are left alone: accents, CJK, emoji, tabs, a :: in the middle', () => {
    for (const name of ['CA001 Require MFA — admins', 'Zugriff für Gäste', '管理者のMFA', 'Block 🚫 legacy', 'a\tb', 'Policy::v2 (EU)', 'IPv6 ::1 block']) {
      expect(escapeLogValue(name)).toBe(name);
    }
  });
});

describe('neutralizeLogText (every sink)', () => {
  test.each(HOSTILE)('%j: no line can start a workflow command', (value) => {
    for (const text of [value, `caac: ${value}\n`, `  ✓ create policy "${value}"\n`, `${value}\n${value}\n`]) {
      const out = neutralizeLogText(text);
      expect(commandLines(out)).toEqual([]);
      // eslint-disable-next-line no-control-regex
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
    }
  });

  test('a raw newline in a value (a call site that forgot escapeLogValue) cannot start a command on the next line', () => {
    const out = neutralizeLogText('policy "x\n::warning title=FAKE::all good" created\n');
    expect(out).toBe('policy "x\n\\u003a:warning title=FAKE::all good" created\n');
    expect(commandLines(out)).toEqual([]);
  });

  test('leading white space is kept, and the command is still broken', () => {
    expect(neutralizeLogText('   ::add-mask::secret')).toBe('   \\u003a:add-mask::secret');
    expect(neutralizeLogText('\t::group::x')).toBe('\t\\u003a:group::x');
  });

  test('the legacy ##[ form is broken wherever it is', () => {
    expect(neutralizeLogText('name ##[error]x')).toBe('name ##\\u005berror]x');
  });

  test('\\r, which the runner reads as a line break, is shown escaped', () => {
    expect(neutralizeLogText('a\r::error::x\n')).toBe('a\\r::error::x\n');
  });

  test("caac's own lines and a :: in the middle of a line stay readable", () => {
    const text = 'Plan: 1 to create, 0 to update\n  + create policy "Policy::v2"\n\tindented\n';
    expect(neutralizeLogText(text)).toBe(text);
  });

  test('JSON keeps its meaning: the escapes are JSON escapes', () => {
    const value = { name: 'x\u202ey ##[warning]z \u200b', tag: 'a\udb40\udc41' };
    const json = JSON.stringify(value, null, 2);
    const out = neutralizeLogText(json);
    expect(out).not.toBe(json);
    expect(JSON.parse(out)).toEqual(value);
  });

  test('is idempotent', () => {
    for (const value of HOSTILE) {
      const once = neutralizeLogText(value);
      expect(neutralizeLogText(once)).toBe(once);
    }
  });
});

test('an Azure Pipelines logging command (##vso[, any case) anywhere in a line is shown escaped', () => {
  expect(neutralizeLogText('policy ##vso[task.setvariable variable=x]1 and ##VSO[task.complete result=Failed]')).toBe(
    'policy ##vso\\u005btask.setvariable variable=x]1 and ##VSO\\u005btask.complete result=Failed]',
  );
});
