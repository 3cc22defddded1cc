/**
 * Deterministic fault injection. A spec like `rate=0.05,kinds=503|504|reset|429,seed=42` makes a
 * seeded generator decide, request by request, whether and how a Graph request fails: the same
 * seed and the same sequence of requests give the same outcomes, so a failing test replays.
 */
import type { FaultKind, FaultSpec } from './types.js';

const KINDS: readonly FaultKind[] = ['503', '504', '429', 'reset'];

/** Parses a fault spec; throws an Error that says what is wrong and what is expected. */
export function parseFaultSpec(spec: string): FaultSpec {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new Error("Fault spec is empty; expected e.g. 'rate=0.05,kinds=503|504|reset|429,seed=42'.");
  }
  let rate: number | undefined;
  let kinds: FaultKind[] = [...KINDS];
  let seed = 1;
  for (const part of spec.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(.*?)\s*$/i.exec(part);
    if (m === null || m[1] === undefined || m[2] === undefined) {
      throw new Error(`Fault spec part '${part}' is not key=value; expected keys rate, kinds, seed.`);
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
    } else {
      throw new Error(`Fault spec key '${m[1]}' is unknown; expected rate, kinds, seed.`);
    }
  }
  if (rate === undefined) throw new Error("Fault spec needs a rate, e.g. 'rate=0.05'.");
  return { rate, kinds, seed };
}

/** mulberry32: tiny, fast, and the same on every platform. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly random: () => number;

  constructor(readonly spec: FaultSpec) {
    this.random = mulberry32(spec.seed);
  }

  /** The fault for the next Graph request, or undefined. Draws twice every time so the sequence does not depend on the outcome. */
  next(): FaultKind | undefined {
    const hit = this.random();
    const pick = this.random();
    if (hit >= this.spec.rate || this.spec.kinds.length === 0) return undefined;
    return this.spec.kinds[Math.floor(pick * this.spec.kinds.length)];
  }
}
