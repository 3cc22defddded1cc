/**
 * One error hierarchy for the whole tool. The faces (CLI, action) map these classes to exit codes
 * and annotations in one place; anything else that escapes is a bug and may show a stack trace.
 */

/** Where in the user's files a problem is. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  path?: string;
  line?: number;
  column?: number;
}

abstract class CaacError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The user's input is wrong: a flag, a settings file, a document. Says what, where and how to fix. */
export class ConfigurationError extends CaacError {
  readonly location?: SourceLocation;
  constructor(message: string, location?: SourceLocation, options?: { cause?: unknown }) {
    super(message, options);
    this.location = location;
  }
}

/** Microsoft Graph answered with an error. Never carries the token. */
export class GraphError extends CaacError {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The GitHub REST API answered with an error (after the retries it allows), or did not answer.
 * Says the status, the method and the path, GitHub's message and its request id; never the token.
 * Not a bug: the faces report it as "GitHub API error <status> on <METHOD> <path>: <message>".
 */
export class GitHubApiError extends CaacError {
  constructor(
    message: string,
    /** HTTP status; undefined when no answer came (a refused connection, a time-out). */
    readonly status: number | undefined,
    readonly method: string,
    /** The path of the request, without the host or the query. */
    readonly path: string,
    readonly requestId?: string,
    /** GitHub refused for a rate limit (429, or a 403 that says so): not a missing permission. */
    readonly rateLimited = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The tenant changed since the plan was made: apply refuses it. */
export class StalePlanError extends CaacError {}

/**
 * The plan file is not what the repository and the tenant make (edited, or made from other
 * documents): apply refuses it before any write. A StalePlanError, so every face maps it to exit 3.
 */
export class PlanMismatchError extends StalePlanError {}

/** A safety guard refused to go on (lockout, unexpected deletion, break-glass). */
export class SafetyError extends CaacError {}

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** apply: the plan no longer matches the tenant, or is not what the repository and the tenant make. */
  stale: 3,
} as const;
