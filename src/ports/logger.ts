/**
 * Port: how the core and the commands tell a person what is happening — one interface, a sink per
 * face (the codeql-action pattern). The CLI prints to stderr; the action logs through
 * @actions/core, a warning as a warning annotation. Every sink neutralises what a file or the
 * tenant put in a line (src/model/log-text.ts): the core passes names as they are.
 */
export interface Logger {
  /** Progress and facts, one line each. */
  info(line: string): void;
  /** Something a reader should look at; the run goes on. */
  warning(line: string): void;
  /** Detail for whoever debugs a run (the action shows it with ACTIONS_STEP_DEBUG). */
  debug?(line: string): void;
}

/** The Logger over one way of printing a line (the console, a test's array): a warning is marked as one. */
export function lineLogger(print: (line: string) => void): Logger {
  return { info: print, warning: (line) => print(`warning: ${line}`) };
}

/** Says nothing: for callers that want only the outcome. */
export const silentLogger: Logger = { info: () => {}, warning: () => {} };

/**
 * A Logger that passes every line through `escape` first: the commands name objects from files
 * and the tenant, and a control character in a name must not forge a line in a sink that only
 * neutralises at the end (the CLI's report, a test's array).
 */
export function escapingLogger(logger: Logger | undefined, escape: (line: string) => string): Logger {
  if (logger === undefined) return silentLogger;
  return {
    info: (line) => logger.info(escape(line)),
    warning: (line) => logger.warning(escape(line)),
    debug: (line) => logger.debug?.(escape(line)),
  };
}
