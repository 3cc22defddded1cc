/**
 * The sign-in log adapter when Graph refuses: a 403 (no AuditLog.Read.All) names the permission;
 * a link outside Graph's base URL is not followed. Served by a loopback server that answers as
 * Graph does for these cases (the emulator accepts any token, so it never answers 403).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectGraph } from '../../src/graph/connect.js';
import { GraphError } from '../../src/errors.js';

let server: Server;
let url: string;
let answer: (path: string) => { status: number; body: unknown };

beforeAll(async () => {
  server = createServer((req, res) => {
    const { status, body } = answer(req.url ?? '');
    res.writeHead(status, { 'Content-Type': 'application/json', 'request-id': 'r-1' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const log = () => connectGraph({ graphUrl: url, env: { CAAC_ACCESS_TOKEN: 't' }, maxRetryTimeMs: 100, retryBaseDelayMs: 1 }).signInLog;

test('403: the message names AuditLog.Read.All', async () => {
  answer = () => ({ status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.', innerError: { 'request-id': 'r-1' } } } });
  const error = await log().read({ since: new Date('2026-01-01T00:00:00Z'), maxPages: 5 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GraphError);
  expect((error as GraphError).status).toBe(403);
  expect((error as GraphError).message).toMatch(/GET \/v1\.0\/auditLogs\/signIns failed: HTTP 403 Authorization_RequestDenied .*AuditLog\.Read\.All/);
});

test('a nextLink to another host is refused, not followed with the token', async () => {
  const seen: string[] = [];
  answer = (path) => {
    seen.push(path);
    return { status: 200, body: { value: [], '@odata.nextLink': 'https://evil.example/v1.0/auditLogs/signIns?$skiptoken=x' } };
  };
  await expect(log().read({ since: new Date('2026-01-01T00:00:00Z'), maxPages: 5 })).rejects.toThrow(/outside/);
  expect(seen).toEqual([`/v1.0/auditLogs/signIns?$filter=${encodeURIComponent('createdDateTime ge 2026-01-01T00:00:00Z')}&$top=1000`]);
});
