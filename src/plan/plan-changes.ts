/**
 * The plan: desired documents (references resolved) against the tenant's snapshot. Pure: the
 * caller read the tenant, resolved the references and fills in the Graph requests spent.
 */
import { DOCUMENT_KINDS, displayNameOf, type DocumentKind, type JsonObject } from '../model/documents.js';
import { PLAN_FORMAT_VERSION, sortWarnings, summarize, type Plan, type PlanOperation, type PlanWarning } from '../model/plan.js';
import type { Settings } from '../model/settings.js';
import { kindOfTenantList, type ApiVersion, type TenantSnapshot } from '../model/tenant.js';
import { betaOnlyProperties, normalizeDocument, toGraphBody } from '../normalize/normalize-document.js';
import type { ResolvedDocument } from '../resolve/resolve-references.js';
import { fieldChanges } from './field-changes.js';
import { fingerprintSnapshot } from './fingerprint.js';
import { matchDocuments } from './match.js';
import { betaWarning, deleteWarning, policyWarnings } from './warnings.js';
import { guardAddedWarning, newAdditions, unmanagedWarnings, type GuardAddition } from './break-glass-guard.js';
import type { EmergencyAccessIds } from '../model/emergency-access.js';

export interface PlanInput {
  desired: readonly ResolvedDocument[];
  snapshot: TenantSnapshot;
  settings: Settings;
  /** `--prune`; `prune: true` in caac.yml has the same effect. */
  prune: boolean;
  apiVersion: ApiVersion;
  labels: Record<string, string>;
  /** The emergency-access ids of caac.yml, resolved (none: no break-glass warnings). */
  emergencyAccess?: EmergencyAccessIds;
  /** What the break-glass guard added to which document (enforce mode). */
  guardAdded?: ReadonlyMap<ResolvedDocument, GuardAddition[]>;
  /** The repository folder planned. */
  dir: string;
  now: Date;
  tool: { name: string; version: string };
  /** Tenant objects prune leaves alone: those outside the environment's policy selection (plan/environment-scope.ts). */
  keep?: (kind: DocumentKind, object: JsonObject) => boolean;
}

/** Named locations and strengths are written before the policies that use them, deleted after. */
const KIND_ORDER: readonly DocumentKind[] = ['namedLocation', 'authenticationStrength', 'policy'];

function phase(op: PlanOperation): number {
  const dependency = op.kind !== 'policy';
  switch (op.action) {
    case 'create':
    case 'update':
      return dependency ? 0 : 1;
    case 'delete':
      return dependency ? 3 : 2;
    case 'noop':
      return 4;
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The plan being built: operations, warnings tied to the operation they are about, objects left alone. */
interface Draft {
  input: PlanInput;
  prune: boolean;
  emergencyAccess: NonNullable<PlanInput['emergencyAccess']>;
  emergencyIds: Set<string>;
  operations: PlanOperation[];
  warnings: { warning: PlanWarning; op?: PlanOperation }[];
  unmanaged: Plan['unmanaged'];
}

export function planChanges(input: PlanInput): Plan {
  const emergencyAccess = input.emergencyAccess ?? { users: [], groups: [] };
  const draft: Draft = {
    input,
    prune: input.prune || input.settings.prune === true,
    emergencyAccess,
    emergencyIds: new Set([...emergencyAccess.users, ...emergencyAccess.groups]),
    operations: [],
    warnings: [],
    unmanaged: [],
  };
  for (const kind of KIND_ORDER) {
    const desired = input.desired.filter((d) => d.kind === kind);
    const { pairs, unmatched } = matchDocuments(kind, desired, input.snapshot[kindOfTenantList(kind)]);
    for (const { desired: doc, actual } of pairs) planDocument(draft, kind, doc, actual);
    for (const object of unmatched) planUnmatched(draft, kind, object);
  }
  return assemblePlan(draft);
}

const warn = (draft: Draft, op: PlanOperation, ...list: PlanWarning[]): void => list.forEach((warning) => draft.warnings.push({ warning, op }));

/** A document of the repository: created, updated, or left as it is (noop). */
function planDocument(draft: Draft, kind: DocumentKind, doc: ResolvedDocument, actual: JsonObject | undefined): void {
  const { apiVersion, labels } = draft.input;
  const displayName = displayNameOf({ value: doc.resolved }) ?? displayNameOf(doc) ?? doc.file;
  const after = normalizeDocument(kind, doc.resolved, { apiVersion });
  const before = actual === undefined ? undefined : normalizeDocument(kind, actual, { apiVersion });
  const changes = fieldChanges(before, after);
  const beta = apiVersion === 'v1.0' ? betaOnlyProperties(kind, doc.resolved) : [];
  const id = actual === undefined ? undefined : String(actual['id']);
  let op: PlanOperation;
  if (actual !== undefined && changes.length === 0) {
    op = { kind, action: 'noop', displayName, id, file: doc.file, changes: [] };
  } else {
    op = {
      kind,
      action: actual === undefined ? 'create' : 'update',
      displayName,
      ...(id === undefined ? {} : { id }),
      file: doc.file,
      changes,
      body: toGraphBody(kind, doc.resolved, { apiVersion }),
    };
    if (kind === 'policy') warn(draft, op, ...policyWarnings(displayName, before, after, draft.emergencyIds, labels));
    const added = newAdditions(draft.input.guardAdded?.get(doc) ?? [], actual);
    if (added.length) {
      op.guardAdded = added;
      warn(draft, op, guardAddedWarning(displayName, added, labels));
    }
  }
  draft.operations.push(op);
  if (beta.length) warn(draft, op, betaWarning(displayName, kind, beta));
}

/** An object of the tenant that no document names: deleted with prune, else listed as not managed here. */
function planUnmatched(draft: Draft, kind: DocumentKind, object: JsonObject): void {
  const id = String(object['id']);
  const displayName = typeof object['displayName'] === 'string' ? object['displayName'] : id;
  if (draft.prune && !draft.input.keep?.(kind, object)) {
    const op: PlanOperation = { kind, action: 'delete', displayName, id, changes: [] };
    // Graph refuses to delete a trusted location: the plan says it is untrusted first.
    if (kind === 'namedLocation' && object['isTrusted'] === true) op.steps = ['markUntrusted', 'delete'];
    draft.operations.push(op);
    warn(draft, op, deleteWarning(kind, displayName, id, op.steps !== undefined));
    return;
  }
  draft.unmanaged.push({ kind, id, displayName });
  // Not an operation: its warnings go after those of the operations, in the tenant's order.
  if (kind === 'policy') {
    const { settings, labels } = draft.input;
    draft.warnings.push(...unmanagedWarnings([object], draft.emergencyAccess, settings, labels).map((warning) => ({ warning })));
  }
}

/** Operations in the order apply runs them, warnings in the order people read them. */
function assemblePlan({ input, operations, warnings, unmanaged }: Draft): Plan {
  const { snapshot, apiVersion, labels } = input;
  const rank = (kind: DocumentKind): number => KIND_ORDER.indexOf(kind);
  operations.sort((a, b) => phase(a) - phase(b) || rank(a.kind) - rank(b.kind) || compare(a.displayName, b.displayName) || compare(a.id ?? '', b.id ?? ''));
  unmanaged.sort((a, b) => DOCUMENT_KINDS.indexOf(a.kind) - DOCUMENT_KINDS.indexOf(b.kind) || compare(a.displayName, b.displayName));
  // Deletions first, then the other kinds by weight, each in operation order.
  const position = new Map(operations.map((op, i) => [op, i]));
  const at = (op: PlanOperation | undefined): number => (op ? position.get(op)! : operations.length);
  const byOperation = warnings.sort((a, b) => at(a.op) - at(b.op));
  const ordered = sortWarnings(byOperation, ({ warning }) => warning.kind).map(({ warning }) => warning);

  return {
    formatVersion: PLAN_FORMAT_VERSION,
    tool: { ...input.tool },
    tenant: { id: snapshot.tenantId, graphUrl: snapshot.graphUrl },
    dir: input.dir,
    apiVersion,
    createdAt: input.now.toISOString(),
    fingerprint: fingerprintSnapshot(snapshot, apiVersion),
    summary: summarize(operations, unmanaged.length),
    operations,
    unmanaged,
    warnings: ordered,
    labels: { ...labels },
    requests: { total: 0, byEndpoint: {} },
  };
}

