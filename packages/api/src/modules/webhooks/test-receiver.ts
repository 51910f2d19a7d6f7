// Test helpers: a partner's webhook receiver (a real HTTP server on 127.0.0.1) and signature
// verification written from the Standard Webhooks spec, independently of signing.ts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class WebhookVerificationError extends Error {}

/**
 * Verifies a delivery as a receiver should: the three headers are present, the timestamp is within
 * `toleranceSeconds` of `now`, and one of the space-separated `v1,<sig>` signatures equals the
 * base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` keyed with the base64-decoded secret (after whsec_).
 */
export function verifyWebhook(
  secret: string,
  headers: IncomingHttpHeaders,
  body: string,
  opts: { now?: Date; toleranceSeconds?: number } = {},
): { id: string; timestamp: number; payload: unknown } {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') {
    throw new WebhookVerificationError('missing headers');
  }
  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError('bad timestamp');
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - Number(timestamp)) > (opts.toleranceSeconds ?? 300)) throw new WebhookVerificationError('timestamp outside tolerance');
  if (!secret.startsWith('whsec_')) throw new WebhookVerificationError('secret must start with whsec_');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  const ok = signatures.split(' ').some((entry) => {
    const [version, sig] = entry.split(',', 2);
    if (version !== 'v1' || !sig) return false;
    const given = Buffer.from(sig, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) throw new WebhookVerificationError('no matching signature');
  return { id, timestamp: Number(timestamp), payload: JSON.parse(body) as unknown };
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  /** The status answered. */
  status: number;
}

export interface TestReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Bodies of the distinct webhook-ids answered 2xx: what a deduplicating receiver processed. */
  processed: Map<string, string>;
  /** Decides the answer to each request (default 204). */
  respond: (request: { headers: IncomingHttpHeaders; body: string; index: number }) => number;
  close(): Promise<void>;
}

export async function startTestReceiver(path = '/hooks/harbour'): Promise<TestReceiver> {
  const receiver: TestReceiver = {
    url: '',
    requests: [],
    processed: new Map(),
    respond: () => 204,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = receiver.respond({ headers: req.headers, body, index: receiver.requests.length });
      receiver.requests.push({ headers: req.headers, body, status });
      const id = req.headers['webhook-id'];
      if (status >= 200 && status < 300 && typeof id === 'string' && !receiver.processed.has(id)) receiver.processed.set(id, body);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
}
