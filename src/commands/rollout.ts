/**
 * `caac rollout status` and `caac rollout advance`: where each policy in staged rollout stands,
 * what the sign-in log says about it, and the caac.yml edit (plus, leaving report-only, the policy
 * file's state) that moves it to its next ring. One paged read of the sign-in log serves every
 * policy (Graph cannot filter it by policy), from the earliest window any policy needs; one list of
 * policies (to know their ids) is the only Conditional Access read.
 */
import { ConfigurationError } from '../errors.js';
import { displayNameOf, type SourceDocument } from '../model/documents.js';
import { requestsSince } from '../model/tenant.js';
import type { PolicyStore } from '../ports/policy-store.js';
import type { SignInLog } from '../ports/sign-in-log.js';
import type { Tenant } from '../ports/tenant.js';
import type { TextFiles } from '../ports/text-files.js';
import { setPolicyState, setRolloutEntry } from '../rollout/advance-edit.js';
import { nextStage } from '../rollout/advance.js';
import { summarizeEvidence } from '../rollout/evidence.js';
import { checkGates, daysSince, sinceTime } from '../rollout/gates.js';
import { REPORT_ONLY, ringsOf, rolloutEntry, type RolloutEntry } from '../rollout/rings.js';
import { readSettings } from '../validate/settings.js';
import type { AdvanceOutcome, RolloutPolicyStatus, RolloutStatus } from '../rollout/status.js';

export type { AdvanceOutcome, RolloutPolicyStatus, RolloutStatus } from '../rollout/status.js';

export const DEFAULT_WINDOW_DAYS = 7;
export const DEFAULT_MAX_PAGES = 20;

export interface RolloutOptions {
  now?: Date;
  /** How far back the sign-in log is read (ms), default 7 days; a policy's own stage start narrows it further. */
  windowMs?: number;
  maxPages?: number;
}

export interface RolloutPorts {
  store: PolicyStore;
  tenant: Tenant;
  signInLog: SignInLog;
}

interface Tracked {
  document: SourceDocument;
  displayName: string;
  entry: RolloutEntry | undefined;
}

/** Status of every listed policy (or of `only`, which may be a policy caac.yml does not list yet). */
export async function runRolloutStatus(ports: RolloutPorts, options: RolloutOptions = {}, only?: string): Promise<RolloutStatus> {
  const now = options.now ?? new Date();
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_DAYS * 86_400_000;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const before = ports.tenant.requests();
  const repo = ports.store.load();
  const settings = readSettings(repo.settings);
  if (!settings.rollout?.rings?.length) throw new ConfigurationError(`${repo.settings?.file ?? `${repo.root}/caac.yml`}: no rollout.rings: staged rollout is not configured (see the README, "Staged rollout")`);
  const rings = ringsOf(settings);
  const tracked = trackedPolicies(repo.documents, settings, only);

  const snapshot = await ports.tenant.read(['policy']);
  // A stage's start: caac.yml's since, else the tenant's last change of the policy (it has been as
  // it is at least since then).
  const tenantOf = (t: Tracked) =>
    snapshot.policies.find((p) => (typeof t.document.value['id'] === 'string' && String(p['id']).toLowerCase() === t.document.value['id'].toLowerCase()) || String(p['displayName']).trim().toLowerCase() === t.displayName.trim().toLowerCase());
  const sinceOf = (t: Tracked): { since?: string; sinceFrom?: 'tenant' } => {
    if (t.entry?.since !== undefined) return { since: t.entry.since };
    const p = tenantOf(t);
    const changed = typeof p?.['modifiedDateTime'] === 'string' ? p['modifiedDateTime'] : typeof p?.['createdDateTime'] === 'string' ? p['createdDateTime'] : undefined;
    return changed === undefined ? {} : { since: changed, sinceFrom: 'tenant' };
  };
  const starts = tracked.map((t) => windowStart(sinceOf(t).since, now, windowMs));
  const earliest = new Date(Math.min(...starts.map((d) => d.getTime()), now.getTime()));
  const read = await ports.signInLog.read({ since: earliest, maxPages });

  const policies = tracked.map((t, i): RolloutPolicyStatus => {
    const tenantPolicy = tenantOf(t);
    const stage = sinceOf(t);
    const id = typeof tenantPolicy?.['id'] === 'string' ? tenantPolicy['id'] : undefined;
    const evidence = id === undefined ? undefined : summarizeEvidence(read.signIns, id, starts[i]!);
    const days = daysSince(stage.since, now);
    const state = typeof t.document.value['state'] === 'string' ? t.document.value['state'] : 'enabled';
    const step = nextStage(rings, t.entry, state);
    return {
      displayName: t.displayName,
      file: t.document.file,
      ring: t.entry?.ring ?? '(not listed)',
      ...stage,
      ...(days === undefined ? {} : { days }),
      state,
      ...(id === undefined ? {} : { id }),
      ...(evidence ? { evidence } : {}),
      gates: checkGates({ gates: settings.rollout?.gates, days, evidence, truncated: read.truncated }),
      next: 'refusal' in step ? { refusal: step.refusal } : step.stage,
    };
  });
  return {
    generatedAt: now.toISOString(),
    signIns: { since: read.since, read: read.signIns.length, pages: read.pages, maxPages, truncated: read.truncated },
    gates: settings.rollout?.gates ?? {},
    policies,
    requests: requestsSince(before, ports.tenant.requests()),
  };
}

function trackedPolicies(documents: readonly SourceDocument[], settings: Parameters<typeof rolloutEntry>[0], only: string | undefined): Tracked[] {
  const policies = documents.filter((d) => d.kind === 'policy').map((document) => ({ document, displayName: displayNameOf(document) ?? document.file }));
  if (only !== undefined) {
    const found = policies.find((p) => p.displayName.trim().toLowerCase() === only.trim().toLowerCase());
    if (!found) throw new ConfigurationError(`no policy file has the displayName "${only}"`);
    return [{ ...found, entry: rolloutEntry(settings, found.displayName) }];
  }
  return policies.map((p) => ({ ...p, entry: rolloutEntry(settings, p.displayName) })).filter((p) => p.entry !== undefined);
}

/** The later of the stage's start and the window's. */
function windowStart(since: string | undefined, now: Date, windowMs: number): Date {
  const window = now.getTime() - windowMs;
  const stage = sinceTime(since);
  return new Date(Number.isNaN(stage) ? window : Math.max(window, stage));
}

/**
 * Moves one policy to its next stage (or `to`): edits caac.yml's rollout.policies entry (ring,
 * since = today) and, leaving report-only, the policy file's state. With `check`, refuses when a
 * gate fails, and edits nothing.
 */
export async function runRolloutAdvance(
  ports: RolloutPorts & { files: TextFiles },
  policyName: string,
  options: RolloutOptions & { to?: string; check?: boolean } = {},
): Promise<AdvanceOutcome> {
  const now = options.now ?? new Date();
  const status = await runRolloutStatus(ports, options, policyName);
  const policy = status.policies[0]!;
  const repo = ports.store.load();
  const settings = readSettings(repo.settings);
  const entry = rolloutEntry(settings, policy.displayName);
  const step = nextStage(ringsOf(settings), entry, policy.state, options.to);
  if ('refusal' in step) return { status: 'refused', policy, reason: step.refusal, signIns: status.signIns };
  if (options.check && !policy.gates.pass) {
    const failed = policy.gates.checks.filter((c) => !c.pass).map((c) => c.message);
    return { status: 'refused', policy, reason: `the evidence crosses the gates: ${failed.join('; ')}`, signIns: status.signIns };
  }
  const settingsFile = repo.settings!.file;
  const today = now.toISOString().slice(0, 10);
  ports.files.write(settingsFile, setRolloutEntry(ports.files.read(settingsFile), settingsFile, entry?.key ?? policy.displayName, step.stage.ring, today));
  const edited = [settingsFile];
  if (step.stage.state !== policy.state && policy.state === REPORT_ONLY) {
    ports.files.write(policy.file, setPolicyState(ports.files.read(policy.file), policy.file, step.stage.state));
    edited.push(policy.file);
  }
  return { status: 'advanced', policy, stage: step.stage, edited, signIns: status.signIns };
}
