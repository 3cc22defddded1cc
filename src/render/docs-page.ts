/**
 * `caac docs`: a map of the policy set. Markdown (a job summary or a wiki page) and one
 * self-contained HTML page (no script, no external resource): the persona × application grid under
 * base conditions, and every policy in plain words. Every name is escaped for its output.
 */
import type { JsonObject } from '../model/documents.js';
import type { AccessGrid } from '../impact/grid.js';
import { PAGE_STYLE } from './coverage-report.js';
import { escapeHtml } from './html-escape.js';
import { escapeMarkdown } from './markdown-escape.js';
import { policyInWords } from './policy-words.js';

export interface DocsInput {
  title: string;
  policies: readonly JsonObject[];
  grid: AccessGrid;
  label: (id: string) => string;
}

const name = (p: JsonObject): string => (typeof p['displayName'] === 'string' ? p['displayName'] : '(no name)');

export function renderDocsMarkdown(d: DocsInput): string {
  const md = escapeMarkdown;
  const out = [`# ${md(d.title)}`, '', `${d.policies.length} policies. Sign-ins under base conditions (Windows, a browser, an untrusted network, no risk):`, ''];
  out.push(`| who | ${d.grid.columns.map(md).join(' | ')} |`, `|---|${d.grid.columns.map(() => '---').join('|')}|`);
  d.grid.rows.forEach((row, i) => out.push(`| ${md(row)} | ${d.grid.cells[i]!.map((c) => (c ? md(c.text) : '–')).join(' | ')} |`));
  out.push('', '## Policies', '');
  for (const p of d.policies) out.push(`- **${md(name(p))}**: ${md(policyInWords(p, d.label))}`);
  return out.join('\n') + '\n';
}

export function renderDocsHtml(d: DocsInput): string {
  const h = escapeHtml;
  const head = `<tr><th>who \\ what</th>${d.grid.columns.map((c) => `<th>${h(c)}</th>`).join('')}</tr>`;
  const rows = d.grid.rows.map((row, i) => `<tr><th>${h(row)}</th>${d.grid.cells[i]!.map((c) => (c ? `<td class="${c.outcome}" title="${h(c.policies.join(', '))}">${h(c.text)}</td>` : '<td class="none">–</td>')).join('')}</tr>`);
  const policies = d.policies.map((p) => `<li><strong>${h(name(p))}</strong>: ${h(policyInWords(p, d.label))}</li>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${h(d.title)}</title><style>${PAGE_STYLE}</style></head><body><h1>${h(d.title)}</h1><h2>Who gets what</h2><p>Sign-ins under base conditions (Windows, a browser, an untrusted network, no risk). Red: blocked; yellow: what is asked; green: allowed with nothing asked.</p><table id="grid">${head}${rows.join('')}</table><h2>Policies (${d.policies.length})</h2><ul id="policies">${policies.join('')}</ul></body></html>\n`;
}
