// Benchmark: `caac validate` over a generated repository at Graph's 195-policy limit (and at the 1,000 files caac reads at most),
// through the bundled CLI as users run it. Prints wall time and peak memory; asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const cli = resolve(process.env.CAAC_BENCH_CLI ?? 'dist/cli.js');
// GNU time reports the child's peak memory; without it, only times are printed.
const gnuTime = existsSync('/usr/bin/time');

function makeRepo(count) {
  const root = mkdtempSync(join(tmpdir(), 'caac-bench-'));
  const dir = join(root, 'conditional-access', 'policies');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(root, 'conditional-access', 'caac.yml'), 'emergencyAccess:\n  groups: ["group:CA-BreakGlass"]\nnaming:\n  pattern: "^CA\\\\d{3,4} - "\n');
  for (let i = 0; i < count; i++) {
    const policy = {
      displayName: `CA${String(i).padStart(4, '0')} - Require MFA for group ${i}`,
      state: i % 3 === 0 ? 'enabledForReportingButNotEnforced' : 'enabled',
      conditions: {
        clientAppTypes: ['all'],
        users: { includeGroups: [`group:Team ${i}`], excludeGroups: ['group:CA-BreakGlass'], includeRoles: [], excludeRoles: [] },
        applications: { includeApplications: ['All'], excludeApplications: ['app:Office 365 Exchange Online'] },
        locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
        platforms: { includePlatforms: ['all'], excludePlatforms: ['iOS'] },
      },
      grantControls: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] },
      sessionControls: { signInFrequency: { isEnabled: true, type: 'hours', value: 8, frequencyInterval: 'timeBased', authenticationType: 'primaryAndSecondaryAuthentication' } },
    };
    writeFileSync(join(dir, `ca${i}.json`), JSON.stringify(policy, null, 2));
  }
  return root;
}

for (const count of [195, 1000]) {
  const root = makeRepo(count);
  const runs = [];
  let peakKb = 0;
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    const r = gnuTime
      ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, 'validate'], { cwd: root, encoding: 'utf8' })
      : spawnSync(process.execPath, [cli, 'validate'], { cwd: root, encoding: 'utf8' });
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) throw new Error(`validate failed:\n${r.stdout}\n${r.stderr}`);
    const kb = Number(r.stderr.trim().split('\n').pop());
    if (Number.isFinite(kb)) peakKb = Math.max(peakKb, kb);
  }
  runs.sort((a, b) => a - b);
  console.log(`validate ${count} policies: median ${runs[2].toFixed(0)} ms (min ${runs[0].toFixed(0)}, max ${runs[4].toFixed(0)}), ${gnuTime ? `peak RSS ${(peakKb / 1024).toFixed(0)} MB` : 'peak RSS not measured (no /usr/bin/time)'}`);
  rmSync(root, { recursive: true, force: true });
}
