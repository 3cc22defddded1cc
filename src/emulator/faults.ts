/**
 * Deterministic fault injection. A spec like `rate=0.05,kinds=503|504|reset|429|lost,seed=42` makes a
 * seeded generator decide, request by request, whether and how a Graph request fails: the same
 * seed and the same sequence of requests give the same outcomes, so a failing test replays.
 * `methods=POST|DELETE` aims the faults at some methods, `after=N` spares the first N−1 requests.
 * `lost` is the fault that hurts most: Graph carries the write out, then the answer is lost.
 */
import type { FaultKind, FaultSpec } from './types.js';
import { mulberry32 } from './random.js';

const KINDS: readonly FaultKind[] = ['503', '504', '429', 'reset', 'lost'];
/** What `kinds` means when left out: the faults that happen before Graph does anything. */
const DEFAULT_KINDS: readonly FaultKind[] = ['503', '504', '429', 'reset'];
const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
const KEYS = 'rate, kinds, seed, methods, after';

/** Parses a fault spec; throws an Error that says what is wrong and what is expected. */
export function parseFaultSpec(spec: string): FaultSpec {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new Error("Fault spec is empty; expected e.g. 'rate=0.05,kinds=503|504|reset|429,seed=42'.");
  }
  let rate: number | undefined;
  let kinds: FaultKind[] = [...DEFAULT_KINDS];
  let seed = 1;
  let methods: string[] | undefined;
  let after: number | undefined;
  for (const part of spec.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(.*?)\s*$/i.exec(part);
    if (m === null || m[1] === undefined || m[2] === undefined) {
      throw new Error(`Fault spec part '${part}' is not key=value; expected keys ${KEYS}.`);
    }
    const key = m[1].toLowerCase();
    const value = m[2];
    if (key === 'rate') {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new Error(`Fault rate '${value}' must be a number from 0 to 1.`);
      rate = n;
    } else if (key === 'kinds') {
      const list = value.split('|').map((k) => k.trim().toLowerCase());
      const bad = list.find((k) => !(KINDS as readonly string[]).includes(k));
      if (bad !== undefined || list.length === 0) throw new Error(`Fault kind '${bad ?? ''}' is unknown; expected any of ${KINDS.join('|')}.`);
      kinds = [...new Set(list)] as FaultKind[];
    } else if (key === 'seed') {
      if (!/^\d+$/.test(value)) throw new Error(`Fault seed '${value}' must be a non-negative integer.`);
      seed = Number(value);
    } else if (key === 'methods') {
      const list = value.split('|').map((k) => k.trim().toUpperCase());
      const bad = list.find((k) => !(METHODS as readonly string[]).includes(k));
      if (bad !== undefined || list.length === 0) throw new Error(`Fault method '${bad ?? ''}' is unknown; expected any of ${METHODS.join('|')}.`);
      methods = [...new Set(list)];
    } else if (key === 'after') {
      if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`Fault 'after' '${value}' must be a whole number of at least 1 (the first request that may fail).`);
      after = Number(value);
    } else {
      throw new Error(`Fault spec key '${m[1]}' is unknown; expected ${KEYS}.`);
    }
  }
  if (rate === undefined) throw new Error("Fault spec needs a rate, e.g. 'rate=0.05'.");
  return { rate, kinds, seed, ...(methods === undefined ? {} : { methods }), ...(after === undefined ? {} : { after }) };
}

/** What happens to one request: a fault before Graph acts, or (`lost`) how the answer is lost after it acted. */
export type Fault = { kind: Exclude<FaultKind, 'lost'> } | { kind: 'lost'; as: '504' | 'reset' };

export class FaultInjector {
  private readonly random: () => number;
  private seen = 0;

  constructor(readonly spec: FaultSpec) {
    this.random = mulberry32(spec.seed);
  }

  /**
   * The fault for the next Graph request, or undefined. Draws twice for every request, aimed at or
   * not, so the sequence does not depend on the outcome or on which requests are spared.
   */
  next(method = 'GET'): Fault | undefined {
    this.seen += 1;
    const hit = this.random();
    const pick = this.random();
    if (hit >= this.spec.rate || this.spec.kinds.length === 0) return undefined;
    if (this.spec.after !== undefined && this.seen < this.spec.after) return undefined;
    if (this.spec.methods !== undefined && !this.spec.methods.includes(method.toUpperCase())) return undefined;
    const scaled = pick * this.spec.kinds.length;
    const kind = this.spec.kinds[Math.floor(scaled)]!;
    if (kind !== 'lost') return { kind };
    // The fractional part decides how the answer is lost, without another draw.
    return { kind: 'lost', as: scaled - Math.floor(scaled) < 0.5 ? '504' : 'reset' };
  }
}
