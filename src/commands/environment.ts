/**
 * The environment a command runs for, as every face asks for it: the name (--environment, the
 * environment input, CAAC_ENVIRONMENT) and the connection settings given beside it go in; the
 * environment of the repository's caac.yml and the connection it selects come out, or an error
 * (unknown name, a setting that disagrees). One function, so the CLI, the GitHub Action and the
 * Azure Pipelines tasks cannot differ in what they accept.
 */
import { environmentConnection, type EnvironmentConnection, type GivenConnection } from '../model/environments.js';
import type { PolicyStore } from '../ports/policy-store.js';
import { readSettings } from '../validate/settings.js';

export function selectEnvironment(store: PolicyStore, name: string | undefined, given: GivenConnection = {}): EnvironmentConnection | undefined {
  if (name === undefined) return undefined;
  return environmentConnection(readSettings(store.load().settings), name, given);
}
