/**
 * The task's inputs, read through azure-pipelines-task-lib and checked: the task library reads
 * any boolean that is not "true" as false, and an enum as whatever string it got, so a typo
 * (`ture`, `Global`) would silently change what the task does. Each reader here fails with the
 * input's name and the values it takes.
 */
import * as tl from 'azure-pipelines-task-lib/task.js';
import { ConfigurationError } from '../errors.js';

export function stringInput(name: string): string | undefined {
  const value = tl.getInput(name, false)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function requiredInput(name: string): string {
  const value = stringInput(name);
  if (value === undefined) throw new ConfigurationError(`The ${name} input is required.`);
  return value;
}

export function booleanInput(name: string, fallback: boolean): boolean {
  const value = stringInput(name);
  if (value === undefined) return fallback;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new ConfigurationError(`The ${name} input takes true or false, not "${value}".`);
}

export function choiceInput<T extends string>(name: string, choices: readonly T[], fallback: T): T;
export function choiceInput<T extends string>(name: string, choices: readonly T[]): T | undefined;
export function choiceInput<T extends string>(name: string, choices: readonly T[], fallback?: T): T | undefined {
  const value = stringInput(name);
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) throw new ConfigurationError(`The ${name} input takes one of ${choices.join(', ')}, not "${value}".`);
  return value as T;
}

export function positiveNumberInput(name: string): number | undefined {
  const value = stringInput(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new ConfigurationError(`The ${name} input takes a number above 0, not "${value}".`);
  return n;
}

/** A pipeline variable (`System.AccessToken`, `Build.Repository.ID`…), empty read as unset. */
export function variable(name: string): string | undefined {
  const value = tl.getVariable(name)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** The folder relative paths are read from: the sources, as an agent checks them out. */
export function workingDirectory(): string {
  return variable('System.DefaultWorkingDirectory') ?? process.cwd();
}
