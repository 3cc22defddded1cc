/**
 * What Octokit throws, read as one of ours: a RequestError (an HTTP error, or no answer, which
 * @octokit/request reports as status 500 without a response) becomes a GitHubApiError with the
 * status, method, path, GitHub's message and request id. Octokit already redacts the
 * Authorization header; a token GitHub echoed in a message is redacted here as well.
 */
import { GitHubApiError } from '../errors.js';

/** The fields of @octokit/request-error's RequestError that we read (duck-typed: one copy or another). */
export interface OctokitRequestError {
  name: string;
  message: string;
  status: number;
  request: { method?: string; url?: string };
  response?: { status: number; headers: Record<string, string | number | undefined>; data?: unknown };
}

export function isRequestError(error: unknown): error is OctokitRequestError {
  if (!(error instanceof Error) || error.name !== 'HttpError') return false;
  const e = error as Partial<OctokitRequestError>;
  return typeof e.status === 'number' && typeof e.request === 'object' && e.request !== null;
}

/** A rate-limit refusal: 429, or a 403 that says so (secondary limit, or no primary quota left). */
export function isRateLimited(error: OctokitRequestError): boolean {
  const response = error.response;
  if (!response) return false;
  if (response.status === 429) return true;
  if (response.status !== 403) return false;
  const headers = response.headers;
  return headers['retry-after'] !== undefined || String(headers['x-ratelimit-remaining']) === '0' || /rate limit/i.test(describeAnswer(response.data) ?? '');
}

/** GitHub's `message`, and the first error detail (a 422 says what was wrong there). */
function describeAnswer(data: unknown): string | undefined {
  if (typeof data === 'string') return data.trim().slice(0, 300) || undefined;
  if (typeof data !== 'object' || data === null) return undefined;
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  if (typeof message !== 'string') return undefined;
  const first = Array.isArray(errors) ? (errors[0] as { message?: unknown; code?: unknown; field?: unknown } | undefined) : undefined;
  const detail = typeof first?.message === 'string' ? first.message : typeof first?.code === 'string' ? [first.code, first.field].filter((x) => typeof x === 'string').join(' ') : undefined;
  return detail ? `${message} (${detail})` : message;
}

function pathOf(url: string | undefined): string {
  if (!url) return '?';
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, s) => (s ? t.split(s).join('***') : t), text);
}

/**
 * The GitHubApiError for what Octokit threw; anything else (our own bug, a TypeError) is
 * returned unchanged, so it still surfaces as a bug.
 */
export function toGitHubApiError(error: unknown, secrets: readonly string[]): unknown {
  if (error instanceof GitHubApiError || !isRequestError(error)) return error;
  const method = (error.request.method ?? 'GET').toUpperCase();
  const path = pathOf(error.request.url);
  const response = error.response;
  if (!response) {
    const reason = redact(error.message, secrets);
    return new GitHubApiError(`GitHub API gave no answer to ${method} ${path}: ${reason}`, undefined, method, path, undefined, false, { cause: error });
  }
  const requestIdHeader = response.headers['x-github-request-id'];
  const requestId = requestIdHeader === undefined ? undefined : String(requestIdHeader);
  const detail = redact(describeAnswer(response.data) ?? error.message, secrets);
  const rateLimited = isRateLimited(error);
  const message = `GitHub API error ${response.status} on ${method} ${path}: ${detail}${requestId ? ` (request id ${requestId})` : ''}`;
  return new GitHubApiError(message, response.status, method, path, requestId, rateLimited, { cause: error });
}
