import type { Log } from '../port.js';
import { isBsuid } from './identity.js';

/** A current Graph API version (v26.0, July 2026); WHATSAPP_CLOUD_API_VERSION pins another. */
export const DEFAULT_API_VERSION = 'v26.0';
export const DEFAULT_GRAPH_ROOT = 'https://graph.facebook.com';

/** An error answered by the Graph API, with Meta's numeric code (e.g. 131047: outside the 24-hour window). */
export class GraphError extends Error {
  constructor(message: string, readonly status: number, readonly code?: number) {
    super(message);
  }
}

// Throughput limits: the message was not accepted, so sending it again cannot duplicate it.
const RATE_LIMITED = new Set([4, 80007, 130429, 131056]);
// A hung request must not hold a citizen's queue forever; a timed-out send is not retried (it may have arrived).
const TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface GraphClient {
  /** Sends one message payload to a citizen; returns Meta's message id. */
  send(to: string, message: Record<string, unknown>): Promise<string | undefined>;
  /** Fetches a media object's bytes: GET /{media-id} for its URL, then GET the URL with the token. */
  download(mediaId: string): Promise<{ bytes: Buffer; mimeType?: string }>;
}

/** The versioned API root: a root that already ends in a version (a self-hosted proxy's) is kept as it is. */
export function graphBase(graphRoot = DEFAULT_GRAPH_ROOT, apiVersion = DEFAULT_API_VERSION): string {
  const root = graphRoot.replace(/\/+$/, '');
  return /\/v\d+\.\d+$/.test(root) ? root : `${root}/${apiVersion}`;
}

export function graphClient(options: { token: string; phoneNumberId: string; graphRoot?: string; apiVersion?: string; log: Log }): GraphClient {
  const root = graphBase(options.graphRoot, options.apiVersion);
  const auth = { authorization: `Bearer ${options.token}` };

  async function fail(res: Response, what: string): Promise<never> {
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string; code?: number; error_data?: { details?: string } } };
    const e = body.error;
    throw new GraphError(`${what}: HTTP ${res.status}${e?.code ? ` (${e.code})` : ''} ${e?.error_data?.details ?? e?.message ?? ''}`.trim(), res.status, e?.code);
  }

  return {
    async send(to, message) {
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${root}/${options.phoneNumberId}/messages`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          // A citizen known only by a business-scoped user id is addressed with `recipient` instead of `to`.
          body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', ...(isBsuid(to) ? { recipient: to } : { to }), ...message }),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (res.ok) return ((await res.json()) as { messages?: Array<{ id: string }> }).messages?.[0]?.id;
        const err = await fail(res, `WhatsApp Cloud send to ${to}`).catch((e: GraphError) => e);
        if ((res.status === 429 || RATE_LIMITED.has(err.code ?? -1)) && attempt < 6) {
          if (attempt === 1) options.log(`WhatsApp Cloud: rate limited sending to ${to}; retrying.`);
          await sleep(500 * 2 ** attempt);
          continue;
        }
        throw err;
      }
    },
    async download(mediaId) {
      const meta = await fetch(`${root}/${encodeURIComponent(mediaId)}`, { headers: auth, signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!meta.ok) await fail(meta, `WhatsApp Cloud media ${mediaId}`);
      const { url, mime_type: mimeType } = (await meta.json()) as { url?: string; mime_type?: string };
      if (!url) throw new GraphError(`WhatsApp Cloud media ${mediaId}: no download URL`, 502);
      const file = await fetch(url, { headers: auth, signal: AbortSignal.timeout(4 * TIMEOUT_MS) });
      if (!file.ok) await fail(file, `WhatsApp Cloud media ${mediaId} download`);
      return { bytes: Buffer.from(await file.arrayBuffer()), mimeType };
    },
  };
}
