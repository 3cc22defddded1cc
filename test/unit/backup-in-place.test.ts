import { planInPlace, rewriteJson, rewriteYaml, type ExistingFile } from '../../src/backup/in-place.js';
import type { BackupFile } from '../../src/backup/backup-files.js';
import { serializeDocument } from '../../src/backup/document.js';
import type { JsonObject } from '../../src/model/documents.js';

const ID_A = '0a0a0a0a-0000-4000-8000-00000000000a';
const ID_B = '0b0b0b0b-0000-4000-8000-00000000000b';

function policy(id: string, displayName: string, state = 'enabled'): JsonObject {
  return { id, displayName, state, conditions: { users: { includeUsers: ['All'], excludeGroups: ['group:BG', 'group:Ops'] } } };
}

function tenantFile(document: JsonObject, path: string): BackupFile {
  return { kind: 'policy', id: String(document['id']), displayName: String(document['displayName']), path, content: serializeDocument(document), document };
}

const existing = (path: string, content: string): ExistingFile => ({ kind: 'policy', path, content });

describe('planInPlace', () => {
  test('matches by id before name: a file named like another object but holding this id stays with this id', () => {
    // b.json holds A's id under B's name (A was renamed to what B was called, B got a new name).
    const files = [tenantFile(policy(ID_A, 'Old B name'), 'policies/old-b-name.json'), tenantFile(policy(ID_B, 'New B name'), 'policies/new-b-name.json')];
    const plan = planInPlace(files, [
      existing('policies/a.json', serializeDocument(policy(ID_B, 'Old B name'))),
      existing('policies/b.json', serializeDocument(policy(ID_A, 'Something'))),
    ]);
    expect(plan.writes.map((w) => [w.path, JSON.parse(w.content).id])).toEqual([
      ['policies/a.json', ID_B],
      ['policies/b.json', ID_A],
    ]);
    expect(plan.added).toEqual([]);
    expect(plan.removals).toEqual([]);
  });

  test('an unchanged document in another key order or array order is not rewritten', () => {
    const doc = policy(ID_A, 'A');
    const shuffled = { conditions: { users: { excludeGroups: ['group:Ops', 'group:BG'], includeUsers: ['All'] } }, state: 'enabled', displayName: 'A', id: ID_A };
    const plan = planInPlace([tenantFile(doc, 'policies/a.json')], [existing('policies/mine.json', JSON.stringify(shuffled))]);
    expect(plan.writes).toEqual([]);
    expect(plan.unchanged).toEqual(['policies/mine.json']);
  });

  test('removes only files whose object is gone; a file without id or name is reported, not removed', () => {
    const plan = planInPlace([tenantFile(policy(ID_A, 'A'), 'policies/a.json')], [
      existing('policies/a.json', serializeDocument(policy(ID_A, 'A'))),
      existing('policies/gone.yaml', `id: ${ID_B}\ndisplayName: Gone\n`),
      existing('policies/anonymous.json', '{"state": "enabled"}'),
      existing('policies/list.json', '[]'),
    ]);
    expect(plan.removals).toEqual([{ path: 'policies/gone.yaml', displayName: 'Gone' }]);
    expect(plan.warnings).toEqual([
      'policies/anonymous.json: left alone, it holds neither an id nor a displayName; fix or remove it',
      'policies/list.json: left alone, it does not hold an object; fix or remove it',
    ]);
  });
});

describe('rewriteJson', () => {
  test('keeps tabs, CRLF, no final newline, and the file\'s key order; new keys go where the backup puts them', () => {
    const old = { displayName: 'A', state: 'disabled' };
    const content = '{\r\n\t"displayName": "A",\r\n\t"state": "disabled"\r\n}';
    const text = rewriteJson(content, old, { id: ID_A, displayName: 'A', description: 'd', state: 'enabled' });
    expect(text).toBe(`{\r\n\t"id": "${ID_A}",\r\n\t"displayName": "A",\r\n\t"description": "d",\r\n\t"state": "enabled"\r\n}`);
  });
});

describe('rewriteYaml', () => {
  test('keeps comments on kept keys and list items, and an unindented list style', () => {
    const content = [
      '# header',
      'displayName: A',
      'state: disabled # was enabled',
      'conditions:',
      '  users:',
      '    includeUsers:',
      '    - All',
      '    excludeGroups:',
      '    - group:BG # break glass',
      '    - group:Old',
      '',
    ].join('\n');
    const text = rewriteYaml(content, { id: ID_A, displayName: 'A', state: 'enabled', conditions: { users: { includeUsers: ['All'], excludeGroups: ['group:BG', 'group:New'] } } });
    expect(text).toBe(
      [
        '# header',
        `id: ${ID_A}`,
        'displayName: A',
        'state: enabled # was enabled',
        'conditions:',
        '  users:',
        '    includeUsers:',
        '    - All',
        '    excludeGroups:',
        '    - group:BG # break glass',
        '    - group:New',
        '',
      ].join('\n'),
    );
  });
});

describe('a file\'s $schema link', () => {
  test('is not a change, and survives a rewrite in its place', () => {
    const doc = policy(ID_A, 'A');
    const withSchema = { $schema: '../.schemas/policy.schema.json', ...doc };
    const same = planInPlace([tenantFile(doc, 'policies/a.json')], [existing('policies/a.json', JSON.stringify(withSchema, null, 2) + '\n')]);
    expect(same.writes).toEqual([]);
    const changed = planInPlace([tenantFile(policy(ID_A, 'A', 'disabled'), 'policies/a.json')], [existing('policies/a.json', JSON.stringify(withSchema, null, 2) + '\n')]);
    expect(Object.keys(JSON.parse(changed.writes[0]!.content))[0]).toBe('$schema');
    expect(JSON.parse(changed.writes[0]!.content).state).toBe('disabled');
  });
});
