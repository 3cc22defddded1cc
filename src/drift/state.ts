/**
 * What one drift run remembers for the next (`--state FILE`, or the drift issue's hidden block):
 * the report's signature, so that a notification goes out only when drift appears, changes or
 * clears; since when each drifted object has differed, so that its audit window starts where it
 * last matched; and which objects Microsoft changed itself, so that they stay apart once their audit
 * entries have aged out. Pure: parse, build, decide.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../normalize/normalize-document.js';
import { isJsonObject, type JsonValue } from '../model/documents.js';
import type { DriftItem, DriftReport } from './report.js';

export const DRIFT_STATE_VERSION = 1;

export interface DriftState {
  formatVersion: number;
  tenant: string;
  folder: string;
  environment?: string;
  generatedAt: string;
  /** sha256 of what drifted (null: no drift). */
  signature: string | null;
  /** itemKey → when the drifted object last matched (as far as caac knows): where its audit window starts. */
  objects: Record<string, { since: string }>;
  /** itemKey → the modifiedDateTime at which Microsoft's own change was seen. */
  microsoftManaged: Record<string, string | null>;
}

export type DriftTransition = 'appeared' | 'changed' | 'cleared' | 'unchanged' | 'clean';

export const itemKey = (item: Pick<DriftItem, 'kind' | 'id' | 'displayName'>): string => `${item.kind}:${item.id ?? `name:${item.displayName}`}`;

/** What identifies a report's drift: the objects, how they differ, and which are critical (not who or when). */
export function driftSignature(report: Pick<DriftReport, 'drift'>): string | null {
  if (report.drift.length === 0) return null;
  const items = report.drift
    .map((i) => ({ key: itemKey(i), change: i.change, critical: i.critical, fields: i.fields.map((f) => [f.path, f.repository ?? null, f.tenant ?? null]) }))
    .sort((a, b) => a.key.localeCompare(b.key));
  return createHash('sha256').update(canonicalJson(items as unknown as JsonValue)).digest('hex');
}

/** How this report differs from the last one: only `appeared`, `changed` and `cleared` are worth a notification. */
export function transition(previous: DriftState | undefined, signature: string | null): DriftTransition {
  const before = previous?.signature ?? null;
  if (signature === null) return before === null ? 'clean' : 'cleared';
  if (before === null) return 'appeared';
  return before === signature ? 'unchanged' : 'changed';
}

export const isNotable = (t: DriftTransition): boolean => t === 'appeared' || t === 'changed' || t === 'cleared';

/** The state to keep after this report (`floor`: the earliest audit window, --since). */
export function nextState(report: DriftReport, previous: DriftState | undefined, floor: Date): DriftState {
  const objects: DriftState['objects'] = {};
  for (const item of report.drift) objects[itemKey(item)] = { since: windowStart(item, previous, floor).toISOString() };
  const microsoftManaged: DriftState['microsoftManaged'] = {};
  for (const item of report.microsoftManaged) microsoftManaged[itemKey(item)] = item.modifiedDateTime;
  return {
    formatVersion: DRIFT_STATE_VERSION,
    tenant: report.tenant.id,
    folder: report.folder,
    ...(report.environment === undefined ? {} : { environment: report.environment }),
    generatedAt: report.generatedAt,
    signature: driftSignature(report),
    objects,
    microsoftManaged,
  };
}


/** A state read back (from a file or an issue); undefined when it is not one this caac wrote (then the run starts afresh). */
export function parseDriftState(value: unknown): DriftState | undefined {
  if (!isJsonObject(value) || value['formatVersion'] !== DRIFT_STATE_VERSION) return undefined;
  const { tenant, folder, generatedAt, signature, objects, microsoftManaged, environment } = value;
  if (typeof tenant !== 'string' || typeof folder !== 'string' || typeof generatedAt !== 'string' || Number.isNaN(Date.parse(generatedAt))) return undefined;
  if (!(signature === null || (typeof signature === 'string' && /^[0-9a-f]{64}$/.test(signature)))) return undefined;
  if (!isJsonObject(objects) || !isJsonObject(microsoftManaged)) return undefined;
  const since: DriftState['objects'] = {};
  for (const [k, v] of Object.entries(objects)) if (isJsonObject(v) && typeof v['since'] === 'string' && !Number.isNaN(Date.parse(v['since']))) since[k] = { since: v['since'] };
  const microsoft: DriftState['microsoftManaged'] = {};
  for (const [k, v] of Object.entries(microsoftManaged)) if (v === null || typeof v === 'string') microsoft[k] = v;
  return { formatVersion: DRIFT_STATE_VERSION, tenant, folder, ...(typeof environment === 'string' ? { environment } : {}), generatedAt, signature, objects: since, microsoftManaged: microsoft };
}

/**
 * Where an object's audit window starts: where it started when the object was first seen drifted;
 * else when the last run found it matching (that run's time); never before `floor` (--since, or
 * the log's 30 days).
 */
export function windowStart(item: DriftItem, previous: DriftState | undefined, floor: Date): Date {
  const known = previous?.objects[itemKey(item)]?.since ?? previous?.generatedAt;
  const at = known === undefined ? floor.getTime() : Math.max(floor.getTime(), Date.parse(known));
  return new Date(at);
}

/** `--since`: 30s, 90m, 24h, 7d, 2w (the audit log keeps 30 days). */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+)\s*(s|m|h|d|w)\s*$/i.exec(text);
  if (m === null) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[(m[2] as string).toLowerCase() as 's' | 'm' | 'h' | 'd' | 'w'];
  const ms = Number(m[1]) * unit;
  return ms > 0 ? ms : undefined;
}
