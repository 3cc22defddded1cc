/**
 * The middleware that retries requests inside a $batch, against a scripted downstream (what the
 * rest of the chain and Graph would answer): throttled items go again, reads that failed with
 * 503/504 go again, writes that did not are left alone, and the budget bounds it all.
 */
import type { Context } from '@microsoft/microsoft-graph-client';
import { BatchRetryMiddleware } from '../../src/graph/batch-retry-middleware.js';

const BASE = 'https://graph.microsoft.com';

interface Item {
  id: string;
  method: string;
  url: string;
}

/** A downstream that answers each batch with `status(item, round)` per item; records what it was sent. */
function downstream(status: (item: Item, round: number) => number, retryAfter: string) {
  const sent: Item[][] = [];
  return {
    sent,
    async execute(context: Context): Promise<void> {
      const body = JSON.parse(String(context.options?.body)) as { requests: Item[] };
      sent.push(body.requests);
      const round = sent.length;
      const responses = body.requests.map((r) => ({ id: r.id, status: status(r, round), headers: { 'Retry-After': retryAfter }, body: { value: [] } })).reverse();
      context.response = new Response(JSON.stringify({ responses }), { status: 200, headers: { 'Content-Type': 'application/json' } });
    },
  };
}

async function run(items: Item[], status: (item: Item, round: number) => number, maxRetryTimeMs = 10_000, retryAfter = '0') {
  const next = downstream(status, retryAfter);
  const lines: string[] = [];
  const middleware = new BatchRetryMiddleware({ maxRetryTimeMs, baseDelayMs: 1, baseUrl: BASE, log: (l) => lines.push(l) });
  middleware.setNext(next);
  const context = { request: `${BASE}/v1.0/$batch`, options: { method: 'POST', body: JSON.stringify({ requests: items }) } } as unknown as Context;
  await middleware.execute(context);
  const answer = (await (context.response as Response).json()) as { responses: Array<{ id: string; status: number }> };
  const statuses = Object.fromEntries(answer.responses.map((r) => [r.id, r.status]));
  return { sent: next.sent, statuses, lines };
}

const read = (id: string): Item => ({ id, method: 'GET', url: `/groups?$filter=x${id}` });

test('throttled and unavailable reads go again, alone; the caller sees every item once, with its last answer', async () => {
  const { sent, statuses, lines } = await run([read('1'), read('2'), read('3')], (item, round) => {
    if (round > 1) return 200;
    return item.id === '1' ? 429 : item.id === '2' ? 503 : 200;
  });
  expect(sent.map((batch) => batch.map((i) => i.id))).toEqual([['1', '2', '3'], ['1', '2']]);
  expect(statuses).toEqual({ '1': 200, '2': 200, '3': 200 });
  expect(lines).toEqual([expect.stringMatching(/^Graph: 2 requests inside \$batch answered 429\/503; retrying them in/)]);
});

test('a write that answered 503 is not sent again (it may have been carried out); after a 429 it is', async () => {
  const write = (id: string): Item => ({ id, method: 'POST', url: '/identity/conditionalAccess/policies' });
  const { sent, statuses } = await run([write('a'), write('b'), { id: 'c', method: 'POST', url: '/directoryObjects/getByIds' }], (item, round) => {
    if (round > 1) return 201;
    return item.id === 'a' ? 503 : item.id === 'b' ? 429 : 504;
  });
  // b was throttled (not carried out); c is a read action despite its POST.
  expect(sent.map((batch) => batch.map((i) => i.id))).toEqual([['a', 'b', 'c'], ['b', 'c']]);
  expect(statuses).toEqual({ a: 503, b: 201, c: 201 });
});

test('the retry budget bounds it: items still throttled come back as 429 for the caller to report', async () => {
  // Graph asks for 5 s; the budget is 1 s.
  const { sent, statuses, lines } = await run([read('1')], () => 429, 1000, '5');
  expect(sent).toHaveLength(1);
  expect(statuses).toEqual({ '1': 429 });
  expect(lines).toEqual([expect.stringMatching(/still throttled or failing after 1 rounds; giving up/)]);
});

test('a request that is not a $batch passes through untouched', async () => {
  const middleware = new BatchRetryMiddleware({ maxRetryTimeMs: 1000, baseDelayMs: 1, baseUrl: BASE });
  const response = new Response('{"value":[]}', { status: 200 });
  middleware.setNext({ execute: async (c: Context) => void (c.response = response) });
  const context = { request: `${BASE}/v1.0/groups`, options: { method: 'GET' } } as unknown as Context;
  await middleware.execute(context);
  expect(context.response).toBe(response);
});
