import type { PolicyStore } from '../ports/policy-store.js';
import { readSettings } from '../validate/settings.js';
import { validateRepository, type ValidationResult } from '../validate/validate-repository.js';

/** `caac validate`: load the repository, check its settings, then every document. */
export function runValidate(store: PolicyStore): ValidationResult {
  const repo = store.load();
  const settings = readSettings(repo.settings);
  return validateRepository({ documents: repo.documents, loadFindings: repo.findings, files: repo.files, settings, place: { root: repo.root, settings: repo.settings } });
}
