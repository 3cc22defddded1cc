/**
 * What every link of the middleware chain (src/graph/connect.ts) shares: the per-request
 * RequestControl, the base class, and the request's URL and method.
 */
import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Per-request state the chain shares with its caller (graph-client's middleware options). */
export class RequestControl implements MiddlewareOptions {
  /** Attempts made for this request (1 = no retry). */
  attempts = 0;
  /** A failure with no HTTP response to show for it; the caller throws it instead of graph-client's wrapper. */
  failure?: Error;
  /** Set when the retry budget ran out on a retriable HTTP status. */
  gaveUp?: { attempts: number; elapsedMs: number };
  /**
   * Retry only a 429 (Graph did not process the request). For a create: after a 503, 504 or a
   * reset, Graph may have created the object, and a blind retry would create a second one.
   */
  onlyThrottled = false;
}

export function control(context: Context): RequestControl | undefined {
  return context.middlewareControl?.getMiddlewareOptions(RequestControl) as RequestControl | undefined;
}

export function fail(context: Context, error: Error): never {
  const c = control(context);
  if (c !== undefined) c.failure = error;
  throw error;
}

export const requestUrl = (context: Context): string => (typeof context.request === 'string' ? context.request : (context.request as { url: string }).url);
export const requestMethod = (context: Context): string => String(context.options?.method ?? 'GET').toUpperCase();

export abstract class Link implements Middleware {
  protected next: Middleware | undefined;
  setNext(next: Middleware): void {
    this.next = next;
  }
  protected async forward(context: Context): Promise<void> {
    if (this.next === undefined) throw new Error('graph middleware: the chain ends before the HTTP handler');
    await this.next.execute(context);
  }
  abstract execute(context: Context): Promise<void>;
}

export interface ErrorLike {
  name: string;
  message: string;
  code: string;
  cause?: ErrorLike;
}

/** Reads an error by shape, not class: fetch's errors come from another realm under test runners. */
export function errorLike(e: unknown, depth = 0): ErrorLike | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const o = e as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
  return {
    name: typeof o.name === 'string' ? o.name : '',
    message: typeof o.message === 'string' ? o.message : '',
    code: typeof o.code === 'string' ? o.code : '',
    cause: depth < 3 ? errorLike(o.cause, depth + 1) : undefined,
  };
}
