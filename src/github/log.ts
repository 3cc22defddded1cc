/**
 * The action's only ways to the runner's log: lines, annotations and the failure message. The
 * runner reads workflow commands from every line, and these carry names, ids and messages from
 * files or the tenant: each goes through neutralizeLogText (src/model/log-text.ts), so no call
 * site can forget. Annotations are commands themselves: @actions/core escapes their message
 * (`%`, `\r`, `\n`) and properties (also `:` and `,`); we neutralise the text before that, so an
 * annotation shows no raw control or bidi character either.
 */
import * as core from '@actions/core';
import { escapeLogValue, neutralizeLogText } from '../model/log-text.js';
import type { Logger } from '../ports/logger.js';

/** Where an annotation points; every field may come from a file. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
}

function properties(p: AnnotationProperties | undefined): core.AnnotationProperties {
  if (p === undefined) return {};
  return {
    ...(p.title !== undefined ? { title: escapeLogValue(p.title) } : {}),
    ...(p.file !== undefined ? { file: escapeLogValue(p.file) } : {}),
    ...(p.startLine !== undefined ? { startLine: p.startLine } : {}),
    ...(p.startColumn !== undefined ? { startColumn: p.startColumn } : {}),
  };
}

/** A line (or lines) in the log. */
export function info(text: string): void {
  core.info(neutralizeLogText(text));
}

/** A report, as is (it ends with its own newline). */
export function write(text: string): void {
  process.stdout.write(neutralizeLogText(text));
}

export function warning(message: string, p?: AnnotationProperties): void {
  core.warning(neutralizeLogText(message), properties(p));
}

export function error(message: string, p?: AnnotationProperties): void {
  core.error(neutralizeLogText(message), properties(p));
}

/** Fails the step with a message (an error annotation). */
export function setFailed(message: string): void {
  core.setFailed(neutralizeLogText(message));
}

export function debug(message: string): void {
  core.debug(neutralizeLogText(message));
}

/** The Logger port in the runner's log: a warning becomes a warning annotation, debug shows with ACTIONS_STEP_DEBUG. */
export const actionLogger: Logger = {
  info: (line) => info(line),
  warning: (line) => warning(line),
  debug: (line) => debug(line),
};
