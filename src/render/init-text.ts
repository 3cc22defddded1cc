import { escapeLogValue } from '../model/log-text.js';
import type { InitResult } from '../model/outcomes.js';

/** What init wrote, and the next steps. */
export function renderInit(result: InitResult, dir: string): string {
  const lines = [...result.created.map((p) => `created ${p}`), ...result.updated.map((p) => `updated ${p} (added .caac/)`)];
  if (result.backup) {
    const b = result.backup;
    lines.push(`backed up ${b.added.length} object(s) of the tenant into ${dir}/ (${b.requests.total} Graph requests)`);
    for (const w of b.warnings) lines.push(`warning: ${escapeLogValue(w)}`);
  }
  lines.push('', 'Next:');
  const s = result.suggestion;
  if (s && s.accounts.length > 0) {
    lines.push(`  1. ${dir}/caac.yml suggests ${s.accounts.length} emergency-access account(s) or group(s) (what most of the ${s.enabledPolicies} enabled policies exclude): check them, then uncomment emergencyAccess`);
  } else {
    lines.push(`  1. name your emergency-access (break-glass) accounts in ${dir}/caac.yml (emergencyAccess; see the TODO there)`);
  }
  lines.push(
    `  2. caac validate --dir ${dir}`,
    `  3. caac plan --dir ${dir}${result.backup ? '   (a tenant just adopted plans as no changes)' : ''}`,
    '  4. set the repository variables CAAC_TENANT_ID and CAAC_CLIENT_ID the workflows in .github/workflows/ use',
  );
  return lines.join('\n') + '\n';
}
