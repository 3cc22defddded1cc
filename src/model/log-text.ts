/**
 * Text from a file or the tenant (policy names, ids, Graph's messages, paths, finding messages)
 * made safe for a log line, a terminal and a GitHub runner. Pure.
 *
 * Two levels:
 * - `escapeLogValue`, for one value inside a line: every control character, `\n` and `\r`
 *   included, is shown escaped, so a value can never start a line of its own.
 * - `neutralizeLogText`, at the sinks (the functions that write to stdout/stderr or the runner):
 *   the same escapes except for the line breaks the caller meant, and no line may start a
 *   workflow command. Every sink calls it, so a call site that forgot the first still cannot
 *   steer the log.
 *
 * The runner reads a command from a line that starts with `::` after leading white space
 * (`::warning …`, `::add-mask::`, `::stop-commands::`), and the legacy `##[command]` anywhere in a
 * line; it splits lines on `\r` as well as `\n`. Escapes are written as `\uXXXX` (UTF-16 units),
 * which JSON reads back as the same character, so JSON and SARIF on stdout keep their meaning.
 */

/** C0 (but tab), DEL and C1; `\n` is a line break only where caac writes one. */
// eslint-disable-next-line no-control-regex
const CONTROL_IN_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Characters that are invisible or reorder what is shown: bidi embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069), marks (U+200E/F, U+061C), zero-width characters, the word joiner
 * and invisible operators, the BOM, line/paragraph separators, soft hyphen, and the tag characters
 * (U+E0000–U+E007F, as surrogate pairs) that hide ASCII text.
 */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/g;

const hex = (unit: number): string => `\\u${unit.toString(16).padStart(4, '0')}`;

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  let out = '';
  for (let i = 0; i < c.length; i++) out += hex(c.charCodeAt(i));
  return out;
}

/** One value inside a line: control characters (newlines too), ANSI escapes and invisible characters shown escaped. */
export function escapeLogValue(text: string): string {
  return text.replace(CONTROL_IN_VALUE, escapeChar).replace(INVISIBLE, escapeChar);
}

/** A line the runner would read as a workflow command: `::` after leading white space. */
const COMMAND_START = /^(\s*)::/;
/** The runner's legacy form, and an Azure Pipelines agent's `##vso[`, recognised anywhere in a line (any case). */
const LEGACY_COMMAND = /##(vso)?\[/gi;

/**
 * Text on its way to stdout, stderr or the runner: the line breaks caac wrote stay, everything
 * else a value could carry is escaped, and no line can start a workflow command (its first `:` is
 * shown as `\u003a`; `##[` as `##\u005b`, `##vso[` as `##vso\u005b`). A `::` in the middle of a line stays as it is.
 */
export function neutralizeLogText(text: string): string {
  const escaped = text.replace(CONTROL_IN_TEXT, escapeChar).replace(INVISIBLE, escapeChar).replace(LEGACY_COMMAND, (m) => `${m.slice(0, -1)}\\u005b`);
  return escaped
    .split('\n')
    .map((line) => line.replace(COMMAND_START, '$1\\u003a:'))
    .join('\n');
}
