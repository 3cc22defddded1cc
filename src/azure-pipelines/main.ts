/**
 * The entry every task's index.js calls with its own name (scripts/package-azdo.mjs writes them):
 * the task runs, and its outcome becomes the task's result. A mistake in the inputs or the
 * service connection fails the task with its message; anything else also names the error's kind.
 */
import * as tl from 'azure-pipelines-task-lib/task.js';
import { ConfigurationError } from '../errors.js';
import { neutralizeAgentText } from '../azdo/agent-log.js';
import { TASKS, type TaskName } from './tasks.js';

export async function runTask(name: TaskName): Promise<void> {
  try {
    const outcome = await TASKS[name]();
    tl.setResult(outcome.result, neutralizeAgentText(outcome.message));
  } catch (error) {
    const message = error instanceof ConfigurationError ? error.message : `${(error as Error).name ?? 'Error'}: ${(error as Error).message ?? String(error)}`;
    tl.setResult(tl.TaskResult.Failed, neutralizeAgentText(message));
  }
}
