// One webhook POST: no redirects followed, a time limit, the SSRF guard at connect time.
import http from 'node:http';
import https from 'node:https';
import { checkWebhookUrl, guardedLookup, type UrlPolicy } from './url-guard';

export interface PostResult {
  /** The receiver's HTTP status, or null when no answer came. */
  status: number | null;
  error: string | null;
}

const DELIVERY_TIMEOUT_MS = 15_000;

export async function postWebhook(
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  policy: UrlPolicy,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<PostResult> {
  const check = await checkWebhookUrl(rawUrl, policy);
  if (!check.ok) return { status: null, error: `URL not allowed: ${check.reason}` };
  const url = check.url;
  const client = url.protocol === 'https:' ? https : http;

  return new Promise<PostResult>((resolve) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(policy) as never,
        timeout: timeoutMs,
        agent: false,
      },
      (res) => {
        // The answer's body is not needed; drain it so the socket closes.
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? null, error: null }));
        res.on('error', () => resolve({ status: res.statusCode ?? null, error: null }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      resolve({ status: null, error: err.code === 'EWEBHOOKPRIVATE' ? `URL not allowed: ${err.message}` : err.message.slice(0, 300) });
    });
    req.end(body);
  });
}
