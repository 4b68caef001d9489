// Resource Timing has no HTTP method. To report resource.method for fetch and XHR, the SDK
// notes the method of each request it sees go out (fetch and XMLHttpRequest.open, wrapped)
// under its absolute URL, and the resource collector takes it back when the matching timing
// entry arrives. Unclaimed notes expire, so the map stays small.

import { callMonitored } from '../tools/monitor';

export interface RequestMethods {
  /** take returns (and forgets) the oldest method noted for url. */
  take(url: string): string | undefined;
  stop(): void;
}

const MAX_PENDING = 500;
const EXPIRE_MS = 60_000;

export function trackRequestMethods(win: Window): RequestMethods {
  const pending = new Map<string, Array<{ method: string; at: number }>>();
  let size = 0;

  // prune drops expired notes; if every note is fresh (a request storm), it drops them all
  // rather than let the map grow.
  const prune = (now: number) => {
    size = 0;
    for (const [k, list] of pending) {
      const kept = list.filter((n) => now - n.at < EXPIRE_MS);
      if (kept.length) pending.set(k, kept);
      else pending.delete(k);
      size += kept.length;
    }
    if (size >= MAX_PENDING) {
      pending.clear();
      size = 0;
    }
  };

  const note = (input: unknown, method: string | undefined) =>
    callMonitored(() => {
      const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : (input as Request)?.url;
      if (!raw) return;
      const url = new URL(raw, win.location.href).href;
      const now = Date.now();
      if (size >= MAX_PENDING) prune(now);
      const list = pending.get(url) ?? [];
      list.push({ method: (method || 'GET').toUpperCase(), at: now });
      pending.set(url, list);
      size++;
    });

  const w = win as Window & typeof globalThis;
  const originalFetch = w.fetch;
  let wrappedFetch: typeof fetch | undefined;
  if (typeof originalFetch === 'function') {
    wrappedFetch = function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
      note(input, init?.method ?? (input as Request)?.method);
      return originalFetch.call(this ?? w, input, init);
    } as typeof fetch;
    w.fetch = wrappedFetch;
  }
  const xhrProto = w.XMLHttpRequest?.prototype;
  const originalOpen = xhrProto?.open;
  let wrappedOpen: XMLHttpRequest['open'] | undefined;
  if (xhrProto && originalOpen) {
    wrappedOpen = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
      note(url, method);
      return (originalOpen as (...a: unknown[]) => void).call(this, method, url, ...rest);
    } as XMLHttpRequest['open'];
    xhrProto.open = wrappedOpen;
  }

  return {
    take(url) {
      const list = pending.get(url);
      if (!list) return undefined;
      const n = list.shift();
      if (list.length === 0) pending.delete(url);
      size = Math.max(0, size - 1);
      return n?.method;
    },
    stop() {
      if (wrappedFetch && w.fetch === wrappedFetch) w.fetch = originalFetch;
      if (wrappedOpen && xhrProto && xhrProto.open === wrappedOpen) xhrProto.open = originalOpen!;
      pending.clear();
      size = 0;
    },
  };
}
