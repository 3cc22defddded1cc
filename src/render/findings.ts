import type { ValidationReport } from '../model/findings.js';
import { renderFindingsJson } from './findings-json.js';
import { renderFindingsSarif } from './findings-sarif.js';
import { renderFindingsText } from './findings-text.js';
import { allRuleInfo } from '../validate/rules/index.js';
import { TOOL_NAME, VERSION, HOMEPAGE } from '../version.js';

export type FindingsFormat = 'text' | 'json' | 'sarif';
export const FINDINGS_FORMATS: readonly FindingsFormat[] = ['text', 'json', 'sarif'];

export function formatFindings(report: ValidationReport, format: FindingsFormat): string {
  switch (format) {
    case 'json':
      return renderFindingsJson(report);
    case 'sarif':
      return renderFindingsSarif(report, allRuleInfo(), { name: TOOL_NAME, version: VERSION, informationUri: HOMEPAGE });
    default:
      return renderFindingsText(report);
  }
}
