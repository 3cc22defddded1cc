/**
 * Posts a JSON body to an incoming webhook (Teams Workflows, Slack). One POST, with a time-out; not
 * retried, so a channel never gets the same message twice: a failure is the caller's to report
 * (drift then keeps its last state, and the next run tries again). The URL is a secret (it lets
 * anyone post): no message here ever prints it.
 */
export interface WebhookResult {
  ok: boolean;
  status: number;
  /** Why it failed, without the URL. */
  reason?: string;
}

export interface WebhookOptions {
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** The URL, refused unless https:// (or http:// on loopback, for tests and local receivers). */
export function checkWebhookUrl(raw: string): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'the notification URL is not a URL';
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return url;
  return 'the notification URL must be https:// (http:// only on loopback)';
}

/** The URL's host only, for messages. */
export const describeWebhook = (url: URL): string => `${url.protocol}//${url.host}/…`;

export async function postWebhook(url: URL, body: unknown, options: WebhookOptions = {}): Promise<WebhookResult> {
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      redirect: 'error',
    });
    await response.text().catch(() => '');
    // Teams Workflows answers 202, Slack 200 "ok".
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, status: response.status, reason: `${describeWebhook(url)} answered HTTP ${response.status}` };
  } catch (e) {
    const why = e instanceof Error ? e.name === 'TimeoutError' ? 'timed out' : e.message.replace(url.href, describeWebhook(url)) : String(e);
    return { ok: false, status: 0, reason: `${describeWebhook(url)} could not be reached: ${why}` };
  }
}
