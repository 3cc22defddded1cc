/**
 * Escapes text that came from a file or the tenant before it goes into markdown or HTML (PR
 * comments, job summaries): a displayName must never inject a link, an image, a mention, a
 * table cell, a heading or a tag. Newlines become spaces, so block syntax (lists, headings,
 * fences) cannot start; inline syntax is backslash-escaped; `<`, `>` and `&` become entities so
 * no tag forms; bare URLs and @mentions are broken with a zero-width character.
 */
const INLINE_SPECIALS = /[\\`*_[\]|#~!<>&]/g;
const ZWSP = '\u200b';

export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(INLINE_SPECIALS, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`))
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`)
    .replace(/@(?=\w)/g, `@${ZWSP}`);
}

/** For text inside a fenced code block: only a fence could break out of it. */
export function escapeCodeBlock(text: string): string {
  return text.replace(/`{3,}/g, (m) => m.split('').join(ZWSP));
}
