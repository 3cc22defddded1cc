/**
 * Third-party actions are pinned by commit SHA, the tag in a comment (`uses: owner/repo@<40 hex>
 * # v4.4.0`): a tag can be moved to other code by whoever controls that repository, a commit
 * cannot. The workflows users copy (examples/workflows, the README) and the composite actions
 * caac ships are checked. Local actions (`./…`) and caac's own actions are excepted: they are
 * versioned with this repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const OWN = 'conditional-access-as-code/caac';

/** Every `uses:` of a text, with its line and the comment after it. */
function usesOf(text: string): { line: number; ref: string; comment: string }[] {
  const found: { line: number; ref: string; comment: string }[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(?:#\s*(.*))?$/.exec(line);
    if (m) found.push({ line: i + 1, ref: m[1]!, comment: (m[2] ?? '').trim() });
  });
  return found;
}

/** Why a `uses:` is not pinned, or undefined when it is (or needs no pin). */
function pinProblem(use: { ref: string; comment: string }): string | undefined {
  if (use.ref.startsWith('./')) return undefined;
  if (use.ref.startsWith('docker://')) return /@sha256:[0-9a-f]{64}$/.test(use.ref) ? undefined : 'a docker image without a sha256 digest';
  const at = use.ref.lastIndexOf('@');
  if (at < 0) return 'no version';
  const [name, version] = [use.ref.slice(0, at), use.ref.slice(at + 1)];
  if (name === OWN || name.startsWith(`${OWN}/`)) return undefined;
  if (!/^[0-9a-f]{40}$/.test(version)) return `"${version}" is not a commit SHA (40 lower-case hex digits)`;
  if (!/^v\d+(\.\d+){0,2}\b/.test(use.comment)) return 'the SHA has no tag in a comment ("# v4.4.0")';
  return undefined;
}

function unpinned(text: string): string[] {
  return usesOf(text).flatMap((use) => {
    const problem = pinProblem(use);
    return problem ? [`line ${use.line}: ${use.ref}: ${problem}`] : [];
  });
}

/** The YAML code blocks of a markdown file, with blank lines in place of the rest (lines stay true). */
function yamlBlocks(markdown: string): string {
  let inside = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^```ya?ml\s*$/.test(line)) inside = true;
      else if (/^```\s*$/.test(line)) inside = false;
      else if (inside) return line;
      return '';
    })
    .join('\n');
}

const FILES = [
  ...readdirSync('examples/workflows').filter((f) => /\.ya?ml$/.test(f)).map((f) => join('examples/workflows', f)),
  ...readdirSync('actions').map((d) => join('actions', d, 'action.yml')),
  'action.yml',
];

describe('every third-party action is pinned by commit SHA', () => {
  test.each(FILES)('%s', (file) => {
    expect(unpinned(readFileSync(file, 'utf8'))).toEqual([]);
  });

  test('README.md (its workflow snippets)', () => {
    expect(unpinned(yamlBlocks(readFileSync('README.md', 'utf8')))).toEqual([]);
  });

  test('the files checked do use actions (the check is not vacuous)', () => {
    const all = FILES.flatMap((f) => usesOf(readFileSync(f, 'utf8')));
    expect(all.filter((u) => u.ref.startsWith('actions/checkout@')).length).toBeGreaterThan(3);
    expect(all.some((u) => u.ref.startsWith(`${OWN}/`))).toBe(true);
  });
});

describe('the check itself', () => {
  test('tags, branches, short SHAs and SHAs without their tag are refused', () => {
    const text = [
      'steps:',
      '  - uses: actions/checkout@v4',
      '  - uses: actions/setup-node@main',
      '  - uses: "actions/upload-artifact@ea165f8"',
      '    uses: github/codeql-action/upload-sarif@dd903d2e4f5405488e5ef1422510ee31c8b32357',
      '  - uses: actions/cache',
      '  - uses: docker://alpine:3.20',
      '  - uses: evil/caac-lookalike@v0',
      '  - uses: actions/checkout@11D5960A326750D5838078E36CF38B85AF677262 # v4.4.0',
    ].join('\n');
    expect(unpinned(text)).toEqual([
      'line 2: actions/checkout@v4: "v4" is not a commit SHA (40 lower-case hex digits)',
      'line 3: actions/setup-node@main: "main" is not a commit SHA (40 lower-case hex digits)',
      'line 4: actions/upload-artifact@ea165f8: "ea165f8" is not a commit SHA (40 lower-case hex digits)',
      'line 5: github/codeql-action/upload-sarif@dd903d2e4f5405488e5ef1422510ee31c8b32357: the SHA has no tag in a comment ("# v4.4.0")',
      'line 6: actions/cache: no version',
      'line 7: docker://alpine:3.20: a docker image without a sha256 digest',
      'line 8: evil/caac-lookalike@v0: "v0" is not a commit SHA (40 lower-case hex digits)',
      'line 9: actions/checkout@11D5960A326750D5838078E36CF38B85AF677262: "11D5960A326750D5838078E36CF38B85AF677262" is not a commit SHA (40 lower-case hex digits)',
    ]);
  });

  test('pinned third-party actions, local actions and caac’s own actions pass', () => {
    const text = [
      '  - uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262 # v4.4.0',
      "  - uses: 'actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02' # v4.6.2 (the plan file)",
      '  - uses: ./actions/plan',
      '  - uses: conditional-access-as-code/caac/actions/apply@v0',
      '  - uses: conditional-access-as-code/caac@v0',
    ].join('\n');
    expect(unpinned(text)).toEqual([]);
  });

  test('README snippets outside yaml blocks are not read; inside they are, at their line', () => {
    const md = ['# t', '```yaml', '- uses: actions/checkout@v4', '```', 'uses: actions/checkout@v4', '```yml', '- uses: a/b@v1', '```'].join('\n');
    expect(unpinned(yamlBlocks(md))).toEqual(['line 3: actions/checkout@v4: "v4" is not a commit SHA (40 lower-case hex digits)', 'line 7: a/b@v1: "v1" is not a commit SHA (40 lower-case hex digits)']);
  });
});
