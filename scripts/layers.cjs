// The layer table: .dependency-cruiser.cjs enforces it, scripts/generate-docs.mjs writes it into
// docs/architecture.md. Edit it here only.
/** @type {{ folder: string, layer: string, rank: number, why: string }[]} */
const LAYERS = [
  { folder: 'emulator', layer: 'emulator', rank: 0, why: 'shares no code with the client, so a bug cannot hide in both' },
  { folder: 'model', layer: 'model', rank: 1, why: 'plain types and pure helpers every layer shares (errors.ts and version.ts sit beside it)' },
  { folder: 'ports', layer: 'ports', rank: 2, why: 'the interfaces the core needs: Tenant, Directory, PolicyStore, SnapshotStore, BackupStore, InitFiles, Logger, GitHub' },
  { folder: 'normalize', layer: 'core', rank: 3, why: "a document as Graph keeps it (defaults, order, case)" },
  { folder: 'contingency', layer: 'core', rank: 3, why: 'which policies form a contingency set, and its state' },
  { folder: 'rollout', layer: 'core', rank: 4, why: 'staged rollout: rings, narrowed audiences, sign-in evidence, gates, the caac.yml edit that advances a policy' },
  { folder: 'resolve', layer: 'core', rank: 4, why: 'references by name to ids, through the Directory port' },
  { folder: 'exceptions', layer: 'core', rank: 4.5, why: "caac.yml's expiring exceptions: their dates, checks, and what they add to or remove from policies" },
  { folder: 'validate', layer: 'core', rank: 5, why: 'schema, references, safety rules: findings on file and line' },
  { folder: 'impact', layer: 'core', rank: 5, why: 'one sign-in against a policy set: outcome, requirements, deciding policies' },
  { folder: 'plan', layer: 'core', rank: 6, why: 'desired + actual → operations, warnings, fingerprint' },
  { folder: 'apply', layer: 'core', rank: 7, why: 'executes operations through the Tenant port; guards; read-back' },
  { folder: 'drift', layer: 'core', rank: 7, why: 'the plan read the other way round: what changed behind the repository, who did it' },
  { folder: 'backup', layer: 'core', rank: 7, why: 'a tenant as repository files' },
  { folder: 'render', layer: 'core', rank: 8, why: 'text, markdown, JSON and SARIF for people and machines' },
  { folder: 'commands', layer: 'commands', rank: 9, why: 'one function per command; receives its ports' },
  { folder: 'graph', layer: 'adapters', rank: 3, why: 'Tenant and Directory over Microsoft Graph' },
  { folder: 'repo', layer: 'adapters', rank: 3, why: 'PolicyStore, SnapshotStore, BackupStore, InitFiles on disk' },
  { folder: 'notify', layer: 'adapters', rank: 3, why: 'posts to incoming webhooks (Teams Workflows, Slack)' },
  { folder: 'github', layer: 'adapters', rank: 3, why: 'PR comments, issues, job summary, annotations, the runner log' },
  { folder: 'azdo', layer: 'adapters', rank: 3, why: 'Azure DevOps: pull request threads, the pipeline OIDC token, the agent log' },
  { folder: 'cli', layer: 'faces', rank: 10, why: 'the `caac` command line; the only face that starts the emulator' },
  { folder: 'action', layer: 'faces', rank: 10, why: 'the GitHub Action' },
  { folder: 'azure-pipelines', layer: 'faces', rank: 10, why: 'the Azure Pipelines tasks: inputs in, the bundled CLI run, its reports published' },
];

module.exports = { LAYERS };
