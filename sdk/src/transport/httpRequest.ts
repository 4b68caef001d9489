// One HTTP POST to the collector. While the page lives we use fetch (keepalive when the body
// is small enough for the browser's 64 KiB keepalive quota, so a request survives a navigation
// that starts right after it). When the page is going away we use sendBeacon, which the
// browser delivers after unload, and fall back to keepalive fetch.
//
// Bodies are NDJSON strings sent as text/plain or multipart FormData: both are CORS-safelisted
// content types, so a cross-origin collector needs no preflight and sendBeacon accepts them.

export interface Payload {
  /** A Blob body is a compressed batch (text/plain, zlib bytes). */
  body: string | FormData | Blob;
  /** Uncompressed-or-not size on the wire, close enough for queue accounting and quotas. */
  bytes: number;
}

export type SendResult =
  | { ok: true; status: number }
  | { ok: false; retryable: boolean; status: number; retryAfterMs?: number };

export interface HttpTransport {
  fetch?: typeof fetch;
  sendBeacon?: (url: string, data: BodyInit) => boolean;
}

/** The browser's keepalive quota is 64 KiB for all keepalive requests in flight; stay below. */
export const KEEPALIVE_MAX_BYTES = 60 * 1024;

/** isRetryable: network errors (status 0), 408, 429 and 5xx may succeed later; other 4xx never will. */
export function isRetryable(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

export function defaultTransport(): HttpTransport {
  const nav = typeof navigator !== 'undefined' ? navigator : undefined;
  return {
    fetch: typeof fetch === 'function' ? fetch.bind(globalThis) : undefined,
    sendBeacon: nav && typeof nav.sendBeacon === 'function' ? nav.sendBeacon.bind(nav) : undefined,
  };
}

function parseRetryAfter(h: string | null): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const d = Date.parse(h);
  return Number.isFinite(d) ? Math.max(0, d - Date.now()) : undefined;
}

/** post sends with fetch; the promise never rejects. */
export async function post(t: HttpTransport, url: string, p: Payload): Promise<SendResult> {
  if (!t.fetch) return { ok: false, retryable: false, status: 0 };
  const init: RequestInit = { method: 'POST', body: p.body, mode: 'cors', credentials: 'omit' };
  let res: Response;
  try {
    res = await t.fetch(url, { ...init, keepalive: p.bytes < KEEPALIVE_MAX_BYTES });
  } catch {
    // keepalive fails when other keepalive requests used up the quota: try once without it.
    try {
      res = await t.fetch(url, init);
    } catch {
      return { ok: false, retryable: true, status: 0 };
    }
  }
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
  return {
    ok: false,
    retryable: isRetryable(res.status),
    status: res.status,
    retryAfterMs: parseRetryAfter(res.headers.get('Retry-After')),
  };
}

/** postOnExit hands the request to the browser to deliver after the page is gone. */
export function postOnExit(t: HttpTransport, url: string, p: Payload): void {
  if (t.sendBeacon && p.bytes < KEEPALIVE_MAX_BYTES) {
    try {
      if (t.sendBeacon(url, p.body)) return;
    } catch {
      // Fall through to fetch.
    }
  }
  void post(t, url, p);
}
