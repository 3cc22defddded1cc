/**
 * A short notification for a chat channel, built once and shaped for each incoming webhook:
 * Microsoft Teams (an Adaptive Card message, as a Teams Workflows "post to a channel when a webhook
 * request is received" flow takes it) or Slack (an incoming webhook's Block Kit blocks, with a
 * plain `text` fallback). Pure: every string from a file or the tenant is escaped for the target.
 */
import { escapeMarkdown } from './markdown-escape.js';

export type WebhookFormat = 'teams' | 'slack';
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['teams', 'slack'];

export interface WebhookMessage {
  title: string;
  /** A sentence or two (plain text: escaped for each target). */
  text: string;
  /** Label → value, shown as a list. */
  facts: { name: string; value: string }[];
  /** A few lines (e.g. each drifted object), plain text. */
  lines?: string[];
  /** A link to the details (the drift issue, the workflow run). */
  link?: { title: string; url: string };
  /** `attention`: something to act on; `good`: back to normal. */
  tone: 'attention' | 'warning' | 'good';
}

const MAX_LINES = 15;
const clip = (text: string, max = 400): string => (Array.from(text).length <= max ? text : `${Array.from(text).slice(0, max - 1).join('')}…`);

/** Slack's mrkdwn: only &, < and > are special (they form links and mentions). */
export function escapeSlack(text: string): string {
  return clip(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const teamsText = (text: string): string => escapeMarkdown(clip(text));
const httpsOnly = (url: string): boolean => /^https?:\/\//i.test(url);

function shownLines(m: WebhookMessage): string[] {
  const lines = m.lines ?? [];
  return lines.length <= MAX_LINES ? lines : [...lines.slice(0, MAX_LINES), `…and ${lines.length - MAX_LINES} more`];
}

/** The Teams Workflows webhook body: a message whose one attachment is an Adaptive Card (1.4). */
export function teamsPayload(m: WebhookMessage): Record<string, unknown> {
  const color = m.tone === 'good' ? 'Good' : m.tone === 'warning' ? 'Warning' : 'Attention';
  const body: unknown[] = [
    { type: 'TextBlock', text: teamsText(m.title), weight: 'Bolder', size: 'Medium', color, wrap: true },
    { type: 'TextBlock', text: teamsText(m.text), wrap: true },
  ];
  if (m.facts.length) body.push({ type: 'FactSet', facts: m.facts.map((f) => ({ title: teamsText(f.name), value: teamsText(f.value) })) });
  for (const line of shownLines(m)) body.push({ type: 'TextBlock', text: `- ${teamsText(line)}`, wrap: true, spacing: 'None' });
  const card: Record<string, unknown> = { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body };
  if (m.link && httpsOnly(m.link.url)) card['actions'] = [{ type: 'Action.OpenUrl', title: clip(m.link.title, 80), url: m.link.url }];
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

/** The Slack incoming-webhook body: `text` (the notification's fallback) and blocks. */
export function slackPayload(m: WebhookMessage): Record<string, unknown> {
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(m.title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: escapeSlack(m.text) } },
  ];
  if (m.facts.length) blocks.push({ type: 'section', fields: m.facts.slice(0, 10).map((f) => ({ type: 'mrkdwn', text: `*${escapeSlack(f.name)}*\n${escapeSlack(f.value)}` })) });
  const lines = shownLines(m);
  if (lines.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(lines.map((l) => `• ${escapeSlack(l)}`).join('\n'), 2900) } });
  if (m.link && httpsOnly(m.link.url)) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: clip(m.link.title, 70) }, url: m.link.url }] });
  return { text: escapeSlack(`${m.title}: ${m.text}`), blocks };
}

export function webhookPayload(format: WebhookFormat, m: WebhookMessage): Record<string, unknown> {
  return format === 'slack' ? slackPayload(m) : teamsPayload(m);
}
