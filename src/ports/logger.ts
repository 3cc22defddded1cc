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
