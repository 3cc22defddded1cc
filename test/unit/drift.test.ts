/**
 * The drift core on plain data: classification of a plan, key-object globs, who and Microsoft's own
 * changes, the state (signature, transitions, parsing what a file or an issue says), durations, the
 * Graph adapter's request split, and the renderers (escaped, under GitHub's limit).
 */
import { driftFromPlan } from '../../src/drift/classify.js';
import { criticalMatcher } from '../../src/drift/critical.js';
import { isMicrosoftInitiated, actorsFor, splitMicrosoftManaged } from '../../src/drift/actors.js';
import { buildDriftReport } from '../../src/drift/build-report.js';
import { driftSignature, nextState, parseDriftState, parseDuration, transition, windowStart } from '../../src/drift/state.js';
import type { DriftItem, DriftReport } from '../../src/drift/report.js';
import { auditRequests, MAX_IDS_PER_REQUEST, toAuditEntry } from '../../src/graph/audit-log.js';
import type { Plan } from '../../src/model/plan.js';
import type { TenantSnapshot } from '../../src/model/tenant.js';
import { renderDriftMarkdown, driftIssueMarker } from '../../src/render/drift-markdown.js';
import { renderDriftText } from '../../src/render/drift-text.js';
import { slackPayload, teamsPayload } from '../../src/render/webhook-message.js';
import { stateBlock, stateFromBody } from '../../src/commands/drift-issue.js';
import { checkWebhookUrl } from '../../src/notify/webhook.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const snapshot: TenantSnapshot = {
  tenantId: 't', graphUrl: 'https://graph.microsoft.com', apiVersion: 'v1.0',
  policies: [{ id: 'p1', displayName: 'CA001', modifiedDateTime: '2026-11-30T11:00:00Z' }, { id: 'p9', displayName: 'Stray', createdDateTime: '2026-11-29T00:00:00Z', modifiedDateTime: null }],
  namedLocations: [], authenticationStrengths: [],
};

function plan(operations: Plan['operations'], unmanaged: Plan['unmanaged'] = []): Plan {
  return { formatVersion: 2, tool: { name: 'caac', version: '0' }, tenant: { id: 't', graphUrl: 'g' }, dir: 'ca', apiVersion: 'v1.0', createdAt: '', fingerprint: '', summary: { create: 0, update: 0, delete: 0, unchanged: 0, unmanaged: 0 }, operations, unmanaged, warnings: [], labels: {}, requests: { total: 0, byEndpoint: {} } };
}

const item = (over: Partial<DriftItem>): DriftItem => ({ kind: 'policy', displayName: 'CA001', id: 'p1', change: 'changed', fields: [{ path: '/state', repository: 'enabled', tenant: 'disabled' }], modifiedDateTime: null, changedBy: [], critical: false, ...over });

describe('driftFromPlan', () => {
  test('update → changed (repository = after, tenant = before); create → removed (deleted items by id, else name); unmanaged → added; noop → nothing', () => {
    const items = driftFromPlan(
      plan(
        [
          { kind: 'policy', action: 'update', displayName: 'CA001', id: 'p1', file: 'policies/a.json', changes: [{ path: '/state', before: 'disabled', after: 'enabled' }, { path: '/description', after: 'x' }] },
          { kind: 'policy', action: 'create', displayName: 'CA002', file: 'policies/b.json', changes: [], body: { displayName: 'CA002' } },
          { kind: 'namedLocation', action: 'create', displayName: 'HQ', changes: [], body: { id: 'l1', displayName: 'HQ' } },
          { kind: 'policy', action: 'noop', displayName: 'CA003', id: 'p3', changes: [] },
        ],
        [{ kind: 'policy', id: 'p9', displayName: 'Stray' }],
      ),
      snapshot,
      { policy: [{ id: 'old', displayName: 'CA002', deletedDateTime: '2026-11-01T00:00:00Z' }, { id: 'p2', displayName: 'CA002', deletedDateTime: '2026-11-30T10:00:00Z' }], namedLocation: [] },
    );
    expect(items.map((i) => [i.change, i.displayName, i.id, i.deleted ?? '-', i.modifiedDateTime])).toEqual([
      ['changed', 'CA001', 'p1', '-', '2026-11-30T11:00:00Z'],
      ['removed', 'CA002', 'p2', 'deletedItems', '2026-11-30T10:00:00Z'],
      ['removed', 'HQ', 'l1', 'gone', null],
      ['added', 'Stray', 'p9', '-', '2026-11-29T00:00:00Z'],
    ]);
    expect(items[0]!.fields).toEqual([{ path: '/state', repository: 'enabled', tenant: 'disabled' }, { path: '/description', repository: 'x' }]);
  });
});

describe('critical globs', () => {
  test('* and ? match, whole name, any case; regex characters are literal', () => {
    const m = criticalMatcher(['CA00? - *', 'Block (legacy).auth']);
    expect(m('ca001 - Block legacy')).toBe(true);
    expect(m('CA0010 - x')).toBe(false);
    expect(m('Block (legacy).auth')).toBe(true);
    expect(m('Block Xlegacy).auth')).toBe(false);
    expect(criticalMatcher(undefined)('anything')).toBe(false);
  });
});

describe('who', () => {
  const entry = (id: string, at: string, over: object = {}) => ({ id: at, at, activity: 'Update conditional access policy', targets: [{ id, properties: [{ name: 'state', oldValue: '"a"', newValue: '"b"' }] }], result: 'success', ...over });
  test('entries about the id within its window, in order; Microsoft initiators recognised by name', () => {
    const entries = [entry('p1', '2026-11-30T09:00:00Z', { actor: 'early@contoso.com' }), entry('P1', '2026-11-30T11:00:00Z', { actor: 'mallory@contoso.com' }), entry('p2', '2026-11-30T11:30:00Z', { actor: 'x' })];
    expect(actorsFor(entries, 'p1', new Date('2026-11-30T10:00:00Z'))).toEqual([{ at: '2026-11-30T11:00:00Z', activity: 'Update conditional access policy', actor: 'mallory@contoso.com', app: null, properties: ['state'] }]);
    expect(isMicrosoftInitiated({ actor: null, app: 'Microsoft Managed Policy Manager' })).toBe(true);
    expect(isMicrosoftInitiated({ actor: null, app: 'Conditional Access Optimization Agent' })).toBe(true);
    expect(isMicrosoftInitiated({ actor: 'microsoft.managed.policy.manager@evil.com', app: null })).toBe(false);
    const mixed = item({ changedBy: [{ at: '', activity: '', actor: null, app: 'Microsoft Managed Policy Manager', properties: [] }, { at: '', activity: '', actor: 'mallory@contoso.com', app: null, properties: [] }] });
    expect(splitMicrosoftManaged([mixed], () => true).drift).toHaveLength(1);
  });

  test('toAuditEntry reads Graph’s shape; an entry without id or time is dropped', () => {
    expect(toAuditEntry({ id: 'a', activityDateTime: 't', activityDisplayName: 'Add named location', initiatedBy: { user: null, app: { appId: 'x', displayName: null } }, targetResources: [{ id: 'l1', modifiedProperties: [{ displayName: 'ipRanges', oldValue: null, newValue: '[]' }, { oldValue: 'no name' }] }] })).toEqual({
      id: 'a', at: 't', activity: 'Add named location', app: 'x', targets: [{ id: 'l1', properties: [{ name: 'ipRanges', oldValue: null, newValue: '[]' }] }], result: 'unknown',
    });
    expect(toAuditEntry({ activityDateTime: 't' })).toBeUndefined();
  });
});

describe('the audit log requests', () => {
  test('every id once, at most 15 per filter, each URL within 2,048 characters; quotes doubled', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
    const targets = auditRequests([...ids, ids[0]!], new Date('2026-11-30T11:00:00.123Z'), 'v1.0', 'https://graph.microsoft.com');
    expect(targets.length).toBe(Math.ceil(40 / MAX_IDS_PER_REQUEST));
    for (const t of targets) expect(`https://graph.microsoft.com/v1.0/${t}`.length).toBeLessThanOrEqual(2048);
    const filters = targets.map((t) => decodeURIComponent(/\$filter=([^&]*)/.exec(t)![1]!));
    expect(filters[0]).toMatch(/^activityDateTime ge 2026-11-30T11:00:00Z and category eq 'Policy' and \(targetResources\/any\(t: t\/id eq '0{8}-/);
    expect(filters.join(' ').match(/t\/id eq/g)).toHaveLength(40);
    expect(decodeURIComponent(auditRequests(["o'brien"], NOW, 'v1.0', 'x')[0]!)).toContain("t/id eq 'o''brien'");
    expect(auditRequests([], NOW, 'v1.0', 'x')).toEqual([]);
  });
});

describe('state', () => {
  const report = (drift: DriftItem[]): DriftReport =>
    buildDriftReport({ items: drift, contingency: [], audit: undefined, settings: { drift: { critical: ['CA001'] } }, previous: undefined, floor: new Date(NOW.getTime() - 86_400_000), tenant: { id: 't', graphUrl: 'g' }, folder: 'ca', now: NOW });

  test('the signature ignores who and when; transitions appear, persist, change, clear', () => {
    const a = report([item({})]);
    const b = report([item({ changedBy: [{ at: 'x', activity: 'y', actor: 'z', app: null, properties: [] }], modifiedDateTime: 'later' })]);
    expect(a.drift[0]!.critical).toBe(true);
    expect(driftSignature(a)).toBe(driftSignature(b));
    const s = nextState(a, undefined, new Date(0));
    expect(transition(undefined, s.signature)).toBe('appeared');
    expect(transition(s, s.signature)).toBe('unchanged');
    expect(transition(s, driftSignature(report([item({ fields: [{ path: '/state', repository: 'enabled', tenant: 'enabledForReportingButNotEnforced' }] })])))).toBe('changed');
    expect(transition(s, null)).toBe('cleared');
    expect(transition(undefined, null)).toBe('clean');
    expect(driftSignature(report([]))).toBeNull();
  });

  test('windows: where the object last matched, never before the floor', () => {
    const floor = new Date('2026-11-29T00:00:00Z');
    const previous = { ...nextState(report([item({})]), undefined, new Date('2026-11-30T11:00:00Z')), generatedAt: '2026-11-30T11:30:00Z' };
    expect(windowStart(item({}), previous, floor).toISOString()).toBe('2026-11-30T11:00:00.000Z');
    expect(windowStart(item({ id: 'other' }), previous, floor).toISOString()).toBe('2026-11-30T11:30:00.000Z');
    expect(windowStart(item({}), undefined, floor)).toEqual(floor);
  });

  test('a state read back is checked: wrong version, bad signature, bad dates are refused', () => {
    const s = nextState(report([item({})]), undefined, new Date(0));
    expect(parseDriftState(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(parseDriftState({ ...s, formatVersion: 2 })).toBeUndefined();
    expect(parseDriftState({ ...s, signature: 'abc' })).toBeUndefined();
    expect(parseDriftState({ ...s, generatedAt: 'yesterday' })).toBeUndefined();
    expect(parseDriftState('{}')).toBeUndefined();
    expect(stateFromBody(`report\n${stateBlock(s)}`)).toEqual(s);
    expect(stateFromBody('<!-- caac-drift-state !!! -->')).toBeUndefined();
  });

  test('durations', () => {
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('30s')).toBe(30_000);
    for (const bad of ['', '0h', '1y', '-1d', '1.5h', 'yesterday']) expect(parseDuration(bad)).toBeUndefined();
  });
});

describe('renderers', () => {
  const hostile = 'CA666 <img src=x> [link](https://evil.example) @everyone\n# heading';
  const r = (n: number): DriftReport =>
    buildDriftReport({
      items: Array.from({ length: n }, (_, i) => item({ id: `p${i}`, displayName: `${hostile} ${i}`, fields: [{ path: '/conditions/users/excludeUsers', repository: ['x'.repeat(2000)], tenant: [] }], changedBy: [{ at: 'now', activity: 'Update', actor: 'mallory@contoso.com', app: null, properties: ['conditions'] }] })),
      contingency: [], audit: { status: 'read', entries: [], requests: 1 }, settings: {}, previous: undefined, floor: new Date(0), tenant: { id: 't', graphUrl: 'g' }, folder: 'ca', now: NOW,
    });

  test('markdown: escaped, no mention, no tag, no link; many objects stay under the limit and say how many were left out', () => {
    const md = renderDriftMarkdown(r(300));
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/\]\(https:\/\/evil/);
    expect(md).not.toContain('@everyone');
    expect(md).not.toMatch(/^# heading/m);
    expect(md).toMatch(/…and \d+ more drifted objects, left out/);
    expect(md).toContain('### The way back');
  });

  test('the issue marker cannot end its comment', () => {
    expect(driftIssueMarker('T', 'a --> b/')).toBe('<!-- caac-drift tenant=t dir=a%20--%3E%20b -->');
  });

  test('text: values escaped, one line each; the way back at the end', () => {
    const text = renderDriftText(r(1));
    expect(text.split('\n').some((l) => l.startsWith('# heading'))).toBe(false);
    expect(text.trimEnd().split('\n').pop()).toContain('caac backup --out');
  });

  test('webhook messages: Slack escapes & < >; Teams is an Adaptive Card message; links only http(s)', () => {
    const m = { title: 'Drift', text: '<!channel> & <http://x|y>', facts: [{ name: 'a', value: 'b' }], link: { title: 'go', url: 'javascript:alert(1)' }, tone: 'attention' as const };
    const slack = slackPayload(m) as { text: string; blocks: Array<{ type: string }> };
    expect(slack.text).toBe('Drift: &lt;!channel&gt; &amp; &lt;http://x|y&gt;');
    expect(slack.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section']);
    const teams = teamsPayload(m) as { type: string; attachments: Array<{ contentType: string; content: { type: string; actions?: unknown } }> };
    expect(teams.type).toBe('message');
    expect(teams.attachments[0]!.content.type).toBe('AdaptiveCard');
    expect(teams.attachments[0]!.content.actions).toBeUndefined();
  });

  test('webhook URLs: https, or http on loopback only', () => {
    expect(checkWebhookUrl('https://prod.westeurope.logic.azure.com/x')).toBeInstanceOf(URL);
    expect(checkWebhookUrl('http://127.0.0.1:9/x')).toBeInstanceOf(URL);
    expect(checkWebhookUrl('http://hooks.slack.com/x')).toMatch(/https/);
    expect(checkWebhookUrl('not a url')).toMatch(/not a URL/);
  });
});
