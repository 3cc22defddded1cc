import { escapeCodeBlock, escapeMarkdown } from '../../src/render/markdown-escape.js';

describe('escapeMarkdown', () => {
  test('no tag, link, image, emphasis or table cell can form', () => {
    const evil = '<img src=x onerror=alert(1)> [click](https://evil.example) ![i](x) **b** | cell `code`';
    const out = escapeMarkdown(evil);
    expect(out).not.toMatch(/<img/);
    expect(out).toContain('&lt;img');
    expect(out).toContain('\\[click\\]');
    expect(out).toContain('\\!\\[i\\]');
    expect(out).toContain('\\*\\*b\\*\\*');
    expect(out).toContain('\\|');
    expect(out).toContain('\\`code\\`');
    expect(out).not.toContain('https://');
  });

  test('newlines cannot start a heading, list or fence', () => {
    expect(escapeMarkdown('a\n# heading\n- item\r\n```')).toBe('a \\# heading - item \\`\\`\\`');
  });

  test('mentions and bare www links are broken', () => {
    expect(escapeMarkdown('ping @admins at www.example.com')).not.toMatch(/@admins|www\.example/);
  });

  test('plain names stay readable', () => {
    expect(escapeMarkdown('CA001 - Require MFA (admins), v1.0')).toBe('CA001 - Require MFA (admins), v1.0');
  });

  test('escapeCodeBlock breaks fences only', () => {
    expect(escapeCodeBlock('a ``` b')).not.toContain('```');
    expect(escapeCodeBlock('a `b` c')).toBe('a `b` c');
  });
});
