/**
 * The action's log sink: what @actions/core writes to stdout for lines and annotations whose text
 * and properties come from files or the tenant. Each write is exactly one line, and none can be
 * read as a second workflow command.
 */
import { jest } from '@jest/globals';
import * as runnerLog from '../../src/github/log.js';
import { annotateFindings } from '../../src/github/annotations.js';
import type { Finding } from '../../src/model/findings.js';

let written: string[] = [];
beforeEach(() => {
  written = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => jest.restoreAllMocks());

const lines = (): string[] => written.join('').split(/\r\n|\r|\n/).filter((l) => l !== '');

test('info: a hostile line is written neutralised', () => {
  runnerLog.info('policy x\n::add-mask::secret \u001b[31m \u202e');
  expect(lines()).toEqual(['policy x', '\\u003a:add-mask::secret \\u001b[31m \\u202e']);
});

test('an annotation is one command line: properties escaped by the toolkit (:, ,, %), the message too', () => {
  runnerLog.warning('bad\n::error::forged 100%', { title: 'caac naming', file: 'policies/a:b,c\r.json', startLine: 3, startColumn: 1 });
  expect(lines()).toEqual(['::warning title=caac naming,file=policies/a%3Ab%2Cc\\r.json,line=3,col=1::bad%0A\\u003a:error::forged 100%25']);
});

test('setFailed: one ::error:: line, control characters escaped', () => {
  const before = process.exitCode;
  runnerLog.setFailed('input "dry-run" is "y\u001bes"');
  process.exitCode = before;
  expect(lines()).toEqual(['::error::input "dry-run" is "y\\u001bes"']);
});

test('annotateFindings: a finding message with a newline stays one escaped line', () => {
  const finding: Finding = { file: 'policies/p.json', line: 2, column: 3, severity: 'error', rule: 'naming', message: '"x\n::warning title=FAKE::all good" does not match' } as Finding;
  annotateFindings([finding]);
  expect(lines()).toEqual(['::error title=caac naming,file=policies/p.json,line=2,col=3::"x\\n::warning title=FAKE::all good" does not match']);
});
