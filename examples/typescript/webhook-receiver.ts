// A partner's receiver for Harbour's webhooks, with nothing but Node: it verifies each delivery's
// Standard Webhooks signature (https://www.standardwebhooks.com) before trusting a byte of it.
//
//   HARBOUR_WEBHOOK_SECRET=whsec_... PORT=4000 pnpm --filter @harbour/examples receiver
//
// Answers 204 to a verified delivery (and to a repeat of one already processed), 400 to anything whose
// signature or timestamp does not check out. Harbour retries anything but a 2xx for about three days;
// answer 410 Gone instead to have Harbour disable the subscription.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

const SECRET_PREFIX = 'whsec_';
/** Deliveries signed longer ago (or further ahead) than this are refused: a captured request cannot be replayed later. */
const TOLERANCE_SECONDS = 5 * 60;
const MAX_BODY_BYTES = 1024 * 1024;
/** Harbour retries for about three days; remember processed ids a little longer than that. */
const REMEMBER_IDS_MS = 4 * 24 * 60 * 60 * 1000;

const secret = process.env.HARBOUR_WEBHOOK_SECRET ?? '';
if (!secret.startsWith(SECRET_PREFIX)) {
  console.error('Set HARBOUR_WEBHOOK_SECRET to the whsec_... secret Harbour showed when you subscribed.');
  process.exit(1);
}
const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
const port = Number(process.env.PORT ?? 4000);
const host = process.env.HOST ?? '127.0.0.1';

class Rejected extends Error {}

/** One Harbour event: `{ type, timestamp, data }`. */
interface HarbourEvent {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  if (typeof value !== 'string' || value === '') throw new Rejected(`missing ${name} header`);
  return value;
}

/**
 * Checks a delivery: the timestamp is recent, and one of the signatures in `webhook-signature`
 * (space-separated `v1,<base64>`: there are two while a secret is being rotated) is the HMAC-SHA256,
 * keyed with the base64-decoded secret, of `<webhook-id>.<webhook-timestamp>.<body>`. The body must be
 * the exact bytes received: parse the JSON only after this.
 */
function verify(headers: IncomingHttpHeaders, body: Buffer, now = Date.now()): { id: string; event: HarbourEvent } {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!/^\d{1,12}$/.test(timestamp)) throw new Rejected('webhook-timestamp is not Unix seconds');
  if (Math.abs(now / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) throw new Rejected('webhook-timestamp is outside the 5-minute tolerance');

  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  const matches = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',', 2);
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    // Constant time, so response timing says nothing about how much of a forged signature was right.
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new Rejected('no valid signature');
  try {
    return { id, event: JSON.parse(body.toString('utf8')) as HarbourEvent };
  } catch {
    throw new Rejected('the body is not JSON');
  }
}

// Harbour sends each event at least once: a retry (or a redelivery you asked for) keeps its webhook-id.
// In production record processed ids in your database (a unique constraint), not in memory.
const processed = new Map<string, number>();
function alreadyProcessed(id: string, now = Date.now()): boolean {
  for (const [seen, at] of processed) if (now - at > REMEMBER_IDS_MS) processed.delete(seen);
  return processed.has(id);
}

/** Your integration goes here. Keep it quick (Harbour waits 15 s) or queue the work and answer at once. */
function handle(id: string, event: HarbourEvent): void {
  if (event.type === 'referral.status_changed') {
    const { referralId, status, previousStatus } = event.data;
    const change = previousStatus ? `was ${String(previousStatus)}` : 'a new referral';
    console.log(`Verified ${event.type} ${id}: referral ${String(referralId)} is now ${String(status)} (${change})`);
  } else if (event.type === 'referral.erased') {
    // The person's details were erased at their request or by retention: erase your copy too.
    console.log(`Verified ${event.type} ${id}: referral ${String(event.data.referralId)} was erased`);
  } else {
    console.log(`Verified ${event.type} ${id}: not handled`);
  }
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      res.writeHead(413, { connection: 'close' }).end();
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (res.headersSent) return;
    let delivery: ReturnType<typeof verify>;
    try {
      delivery = verify(req.headers, Buffer.concat(chunks));
    } catch (err) {
      // Say little to the sender; log why for yourself.
      console.warn(`Rejected a delivery: ${err instanceof Rejected ? err.message : 'cannot verify it'}`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid webhook\n');
      return;
    }
    try {
      if (alreadyProcessed(delivery.id)) {
        console.log(`Duplicate ${delivery.id}: already processed, ignored`);
      } else {
        handle(delivery.id, delivery.event);
        processed.set(delivery.id, Date.now());
      }
      res.writeHead(204).end();
    } catch (err) {
      // Anything but 2xx (or 410) makes Harbour try again later, with the same webhook-id.
      console.error(`Could not process ${delivery.id}:`, err);
      res.writeHead(500).end();
    }
  });
});

server.listen(port, host, () => {
  const { port: actual } = server.address() as AddressInfo;
  console.log(`Webhook receiver listening on http://${host}:${actual}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
