/**
 * `caac drift` as the CLI runs it (commander, in process) against the emulator, notifying a
 * loopback webhook receiver: exit codes 2 / 0 / 1, the JSON report on --out, the state file, and a
 * notification only when drift appears, changes or clears (Teams and Slack shapes); a receiver that
 * fails keeps the state, so the next run tries again.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../fixtures/run-command.js';
import { readStateFile, registerDrift } from '../../src/cli/drift-command.js';
import { ConfigurationError } from '../../src/errors.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { exampleTenant } from '../fixtures/repo-helpers.js';
import { MALLORY, idOf, portalRequest } from '../fixtures/portal-edit.js';

const CA002 = 'CA002 - Require multifactor authentication for all users';
const POLICIES = 'identity/conditionalAccess/policies';

let emu: RunningEmulator;
let cwd: string;
let receiver: Server;
let receiverUrl: string;
let posts: unknown[];
let answer: number;
const dirs: string[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posts.push(JSON.parse(body));
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await new Promise((r) => receiver.close(r));
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
beforeEach(async () => {
  ({ emu, cwd } = await exampleTenant('caac-drift-cli-', dirs));
  posts = [];
  answer = 202;
  process.env['CAAC_ACCESS_TOKEN'] = 't';
});
afterEach(async () => {
  await emu.stop();
  delete process.env['CAAC_ACCESS_TOKEN'];
});

async function cli(...args: string[]): Promise<number> {
  // The report itself is checked through --out.
  const run = await runCommand(registerDrift, ['drift', '--dir', join(cwd, 'conditional-access'), '--graph-url', emu.url, '--rate-limit', '1000', '--state', join(cwd, 'state.json'), ...args]);
  return run.code;
}

test('notifies once when drift appears, not while it persists, once when it clears; exit 2 then 0', async () => {
  const out = join(cwd, 'drift.json');
  expect(await cli('--notify', receiverUrl, '--out', out)).toBe(0);
  expect(posts).toHaveLength(0); // clean from the start: nothing to say
  const id = await idOf(emu.url, POLICIES, CA002);
  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${id}`, { state: 'disabled' });

  expect(await cli('--notify', receiverUrl, '--out', out)).toBe(2);
  expect(posts).toHaveLength(1);
  const card = posts[0] as { type: string; attachments: Array<{ contentType: string; content: { type: string; body: Array<{ text?: string }> } }> };
  expect(card.type).toBe('message');
  expect(card.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
  expect(JSON.stringify(card.attachments[0]!.content.body)).toContain('mallory@\u200bcontoso.com');
  const report = JSON.parse(readFileSync(out, 'utf8')) as { tenant: { id: string }; summary: { changed: number }; drift: Array<{ changedBy: Array<{ actor: string }> }> };
  expect(report.tenant.id).toBe(emu.tenantId);
  expect(report.summary.changed).toBe(1);
  expect(report.drift[0]!.changedBy[0]!.actor).toBe('mallory@contoso.com');

  expect(await cli('--notify', receiverUrl)).toBe(2);
  expect(posts).toHaveLength(1); // the same drift: no second message

  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${id}`, { state: 'enabled' });
  expect(await cli('--notify', receiverUrl, '--notify-format', 'slack')).toBe(0);
  expect(posts).toHaveLength(2);
  const slack = posts[1] as { text: string; blocks: Array<{ type: string }> };
  expect(slack.text).toContain('drift cleared');
  expect(slack.blocks[0]!.type).toBe('header');
});

test('a webhook that fails: exit 1 and the state stays, so the next run notifies', async () => {
  const id = await idOf(emu.url, POLICIES, CA002);
  await portalRequest(emu.url, MALLORY, 'PATCH', `${POLICIES}/${id}`, { state: 'disabled' });
  answer = 500;
  expect(await cli('--notify', receiverUrl)).toBe(1);
  expect(existsSync(join(cwd, 'state.json'))).toBe(false);
  answer = 200;
  expect(await cli('--notify', receiverUrl)).toBe(2);
  expect(posts).toHaveLength(2);
});

test('bad input exits 1 before Graph is read: --since, a webhook that is not https, a state file that is not one', async () => {
  const before = emu.requests().total;
  expect(await cli('--since', 'yesterday')).toBe(1);
  expect(await cli('--notify', 'http://example.com/hook')).toBe(1);
  writeFileSync(join(cwd, 'state.json'), '{"formatVersion": 7}');
  expect(await cli()).toBe(1);
  expect(emu.requests().total).toBe(before);
});

test('a state file cut short (a run killed mid-write) is named, with the way out, not a stack trace', async () => {
  const file = join(cwd, 'state.json');
  writeFileSync(file, '{"formatVersion": 1, "tenant": "t", "fol');
  expect(() => readStateFile(file)).toThrow(ConfigurationError);
  expect(() => readStateFile(file)).toThrow(/is not JSON .*delete it to start afresh/);
  const before = emu.requests().total;
  expect(await cli()).toBe(1);
  expect(emu.requests().total).toBe(before);
});
