/**
 * The three report formats of `caac validate`: text lines, the JSON contract and SARIF 2.1.0.
 */
import { formatFindings } from '../../src/render/findings.js';
import type { ValidationReport } from '../../src/model/findings.js';
import { allRuleInfo } from '../../src/validate/rules/index.js';
import { basePolicy, removeTempDirs, shown, validate, WAIVED_SETTINGS } from '../fixtures/repo-helpers.js';

afterAll(removeTempDirs);

/** A real report: a parse error, a schema error, a warning, over three files. */
function report(): ValidationReport {
  const result = validate({
    'policies/a broken.json': '{\n  "displayName": "x",\n}\n',
    'policies/b.json': basePolicy({ state: 'on' }),
    'policies/c.json': basePolicy({ displayName: 'C', state: 'Enabled' }),
    ...WAIVED_SETTINGS,
  });
  return { findings: result.findings, summary: result.summary };
}

describe('text', () => {
  test('file:line:col severity rule message, then a summary line', () => {
    const r = report();
    const lines = formatFindings(r, 'text').split('\n');
    expect(lines).toHaveLength(r.findings.length + 2);
    expect(lines.at(-1)).toBe('');
    for (const [i, f] of r.findings.entries()) expect(lines[i]).toBe(`${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule} ${f.message}`);
    expect(lines[0]).toMatch(new RegExp(`^${shown('policies/a broken.json')}:2:21 error parse invalid JSON: trailing comma`));
    expect(lines.some((l) => /^conditional-access\/policies\/b\.json:\d+:3 error schema "on" is not a valid value for state/.test(l))).toBe(true);
    expect(lines.some((l) => /^conditional-access\/policies\/c\.json:\d+:3 warning casing /.test(l))).toBe(true);
    expect(lines.at(-2)).toBe(`3 files, 2 documents: ${r.summary.errors} errors, ${r.summary.warnings} warning${r.summary.warnings === 1 ? '' : 's'}`);
  });

  test('singulars, and an empty report', () => {
    const text = formatFindings({ findings: [], summary: { files: 1, documents: 1, errors: 1, warnings: 1 } }, 'text');
    expect(text).toBe('1 file, 1 document: 1 error, 1 warning\n');
    expect(formatFindings({ findings: [], summary: { files: 0, documents: 0, errors: 0, warnings: 0 } }, 'text')).toBe('0 files, 0 documents: 0 errors, 0 warnings\n');
  });
});

describe('json', () => {
  test('exactly {findings: [{rule, severity, file, line, column, path, message}], summary: {files, documents, errors, warnings}}', () => {
    const r = report();
    const parsed = JSON.parse(formatFindings(r, 'json')) as { findings: Record<string, unknown>[]; summary: Record<string, unknown> };
    expect(Object.keys(parsed)).toEqual(['findings', 'summary']);
    expect(Object.keys(parsed.summary).sort()).toEqual(['documents', 'errors', 'files', 'warnings']);
    expect(parsed.summary).toEqual({ files: 3, documents: 2, errors: r.summary.errors, warnings: r.summary.warnings });
    expect(parsed.findings).toHaveLength(r.findings.length);
    for (const f of parsed.findings) {
      expect(Object.keys(f)).toEqual(['rule', 'severity', 'file', 'line', 'column', 'path', 'message']);
      expect(typeof f['line']).toBe('number');
      expect(typeof f['column']).toBe('number');
    }
    expect(parsed.findings[0]).toEqual({ rule: 'parse', severity: 'error', file: shown('policies/a broken.json'), line: 2, column: 21, path: '', message: expect.stringMatching(/trailing comma/) });
  });

  test('extra properties on a finding are not leaked', () => {
    const extra = { rule: 'schema', severity: 'error' as const, file: 'f', line: 1, column: 1, path: '', message: 'm', internal: 'secret' };
    const parsed = JSON.parse(formatFindings({ findings: [extra], summary: { files: 1, documents: 1, errors: 1, warnings: 0 } }, 'json')) as { findings: object[] };
    expect(parsed.findings[0]).toEqual({ rule: 'schema', severity: 'error', file: 'f', line: 1, column: 1, path: '', message: 'm' });
  });
});

describe('sarif', () => {
  interface Sarif {
    version: string;
    $schema: string;
    runs: {
      tool: { driver: { name: string; rules: { id: string; defaultConfiguration: { level: string } }[] } };
      results: {
        ruleId: string;
        ruleIndex?: number;
        level: string;
        message: { text: string };
        locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
      }[];
    }[];
  }

  test('SARIF 2.1.0 with every rule declared and one result per finding', () => {
    const r = report();
    const sarif = JSON.parse(formatFindings(r, 'sarif')) as Sarif;
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0]!;
    const ids = run.tool.driver.rules.map((x) => x.id);
    expect(ids).toEqual(allRuleInfo().map((x) => x.id));
    for (const id of ['parse', 'layout', 'schema', 'server-field', 'odata-annotation', 'deprecated', 'casing', 'duplicate-name', 'graph-rule', 'reference', 'lockout-risk', 'break-glass-not-excluded', 'naming']) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(run.results).toHaveLength(r.findings.length);
    for (const [i, f] of r.findings.entries()) {
      const res = run.results[i]!;
      expect(res.ruleId).toBe(f.rule);
      expect(ids[res.ruleIndex!]).toBe(f.rule);
      expect(res.level).toBe(f.severity);
      expect(res.message.text).toBe(f.message);
      expect(res.locations[0]!.physicalLocation.region).toEqual({ startLine: f.line, startColumn: f.column });
    }
    // A space in a file name is percent-encoded in the URI.
    expect(run.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('conditional-access/policies/a%20broken.json');
  });
});
