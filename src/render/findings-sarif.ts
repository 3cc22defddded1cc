/**
 * SARIF 2.1.0, the format GitHub code scanning accepts (github/codeql-action/upload-sarif): each
 * finding becomes an alert on its file and line.
 */
import type { ValidationReport } from '../model/findings.js';
import type { BuiltInRuleInfo } from '../model/rule.js';

export interface SarifTool {
  name: string;
  version: string;
  informationUri: string;
}

export function renderFindingsSarif(report: ValidationReport, rules: readonly BuiltInRuleInfo[], tool: SarifTool): string {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: tool.informationUri,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              helpUri: `${tool.informationUri}/blob/main/docs/rules.md#${r.id}`,
              defaultConfiguration: { level: r.severity },
            })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
          // A finding --fix repaired is kept as a note: the file no longer holds the problem.
          level: f.fixed ? 'note' : f.severity,
          message: { text: f.fixed ? `fixed: ${f.message}` : f.message },
          ...(f.fixed ? { properties: { fixed: true } } : {}),
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' },
                region: { startLine: f.line, startColumn: f.column },
              },
              ...(f.path ? { logicalLocations: [{ fullyQualifiedName: f.path, kind: 'member' }] } : {}),
            },
          ],
          partialFingerprints: { caacFinding: `${f.rule}:${f.file}:${f.path}` },
        })),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
