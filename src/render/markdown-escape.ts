/**
 * Escapes text that came from a file or the tenant before it goes into markdown or HTML (PR
 * comments, job summaries): a displayName must never inject a link, an image, a mention, a
 * table cell or a tag.
 */
const MARKDOWN_SPECIALS = /[\\`*_{}[\]()#+\-.!|<>&~"'@:]/g;

export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(MARKDOWN_SPECIALS, (c) => {
      switch (c) {
        case '<':
          return '&lt;';
        case '>':
          return '&gt;';
        case '&':
          return '&amp;';
        case '"':
          return '&quot;';
        case "'":
          return '&#39;';
        case '@':
          // A zero-width joiner after @ keeps GitHub from turning @name into a mention.
          return '@\u200d';
        case ':':
          // Escaping the colon stops autolinks (https://…) and emoji shortcodes.
          return '&#58;';
        default:
          return `\\${c}`;
      }
    });
}

/** For text inside a fenced code block: only a fence could break out of it. */
export function escapeCodeBlock(text: string): string {
  return text.replace(/`{3,}/g, (m) => m.split('').join('\u200b'));
}
