import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook delivery: the alert as JSON, POSTed with an HMAC-SHA256 of the exact body bytes under the webhook's
 * secret in `X-Alert-Signature: sha256=<hex>` (the scheme GitHub and Slack use, so receivers have code for it).
 */
export const SIGNATURE_HEADER = 'x-alert-signature';

export const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

/** Checks a signature header against a body (for receivers, and the tests). */
export function verify(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const a = Buffer.from(sign(secret, body));
  const b = Buffer.from(header);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface PostResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** One attempt: 2xx is delivered; anything else (status, timeout, refused connection) is a failure to retry. */
export async function postWebhook(url: string, secret: string, body: string, deliveryId: number, timeoutMs = 10_000): Promise<PostResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'displacement-tracker-alerts', [SIGNATURE_HEADER]: sign(secret, body), 'x-alert-delivery': String(deliveryId) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The answer body is not needed; reading it frees the connection.
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? { ok: true, status: res.status, error: null } : { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { ok: false, status: null, error: (e.cause?.code ?? e.name ?? 'error') + ': ' + (e.cause?.message ?? e.message).slice(0, 300) };
  }
}
