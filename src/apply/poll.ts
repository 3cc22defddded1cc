/**
 * Bounded polling with exponential backoff and jitter: how apply looks for the result of a write
 * whose answer was lost, and how it reads the tenant back while Graph's replicas lag behind the
 * write. Pure but for the clock and the sleep it is given, so tests can drive it.
 */

/** How long to keep looking, and how. */
export interface ConfirmOptions {
  /** How long to look for a write's result (or wait for the read-back to match); default 60 s. */
  timeoutMs?: number;
  /** The first wait's ceiling; it doubles each round up to `maxDelayMs`. Default 500 ms. */
  baseDelayMs?: number;
  /** The longest wait between two looks; default 8 s. */
  maxDelayMs?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const DEFAULT_CONFIRM_TIMEOUT_MS = 60_000;

const realSleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * The wait before look number `round + 1`: "equal jitter", half of the ceiling fixed and half
 * random. The fixed half keeps the number of looks bounded (at most about log2(cap/base) +
 * timeout/(cap/2) of them); the random half keeps several runs from polling in step.
 */
export function pollDelay(round: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, round - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export type PollOutcome<T> = { done: true; value: T; rounds: number } | { done: false; last: T; rounds: number; waitedMs: number };

/**
 * Calls `look` until it answers `{ done: true }`, waiting with backoff in between, for at most
 * `timeoutMs` after the first look (one last look happens at the deadline). Errors thrown by
 * `look` propagate: the caller decides what a failed look means.
 */
export async function pollUntil<T>(look: () => Promise<{ done: boolean; value: T }>, options: ConfirmOptions = {}): Promise<PollOutcome<T>> {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const timeoutMs = Math.max(0, options.timeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS);
  const base = Math.max(1, options.baseDelayMs ?? 500);
  const cap = Math.max(base, options.maxDelayMs ?? 8_000);
  const started = clock();
  const deadline = started + timeoutMs;
  for (let round = 1; ; round++) {
    const seen = await look();
    if (seen.done) return { done: true, value: seen.value, rounds: round };
    const now = clock();
    if (now >= deadline) return { done: false, last: seen.value, rounds: round, waitedMs: now - started };
    await sleep(Math.min(pollDelay(round, base, cap, options.random), deadline - now));
  }
}

/** "60 s", "1.5 s": for messages. */
export function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
