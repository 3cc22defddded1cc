/**
 * Text on its way to an Azure Pipelines agent's log. The agent reads a logging command from
 * `##vso[` anywhere in a line (and formats `##[group]`, `##[error]` …), case-insensitively: a
 * policy name or a Graph message relayed from the CLI must never become one. Pure.
 */
import { neutralizeLogText } from '../model/log-text.js';

const AGENT_COMMAND = /##(vso)?\[/gi;

/** Every `##vso[` / `##[` shown as `##vso\u005b` / `##\u005b`; the rest of the text as it was. */
export function neutralizeAgentText(text: string): string {
  return text.replace(AGENT_COMMAND, (m) => `${m.slice(0, -1)}\\u005b`);
}

/** The agent log's one sink: stdout (the agent reads stderr as well, and red), neutralized. */
export function writeAgentLog(text: string): void {
  process.stdout.write(neutralizeLogText(neutralizeAgentText(text)));
}
