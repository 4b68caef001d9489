// Sending with retries. While requests succeed, each payload goes out at once. When one fails
// with a retryable status (network error, 408, 429, 5xx) the sender switches to retry mode:
// payloads wait in a queue, the failed one is retried after an exponential backoff (or the
// server's Retry-After), and when it gets through the queue drains in order. The queue is
// bounded in bytes and count; when full the OLDEST payload is dropped and counted, because the
// newest data (the current view, the latest segment) is the most useful.

import { post, postOnExit, type HttpTransport, type Payload, type SendResult } from './httpRequest';

export interface RetryOptions {
  /** send does one attempt; it must not reject. */
  send: (p: Payload) => Promise<SendResult>;
  /** sendOnExit hands a payload to the browser for delivery after unload (no retry possible). */
  sendOnExit: (p: Payload) => void;
  maxQueueBytes?: number;
  maxQueueCount?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface RetryStats {
  queued: number;
  queuedBytes: number;
  dropped: number;
  rejected: number;
  retries: number;
}

export interface RetryingSender {
  send(p: Payload): void;
  /** sendOnExit sends p now with the exit transport, and the queued payloads too. */
  sendOnExit(p?: Payload): void;
  stats(): RetryStats;
  stop(): void;
}

export const DEFAULT_MAX_QUEUE_BYTES = 3 * 1024 * 1024;
export const DEFAULT_MAX_QUEUE_COUNT = 200;
export const INITIAL_RETRY_DELAY = 1000;
export const MAX_RETRY_DELAY = 60_000;

export function createRetryingSender(o: RetryOptions): RetryingSender {
  const maxBytes = o.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES;
  const maxCount = o.maxQueueCount ?? DEFAULT_MAX_QUEUE_COUNT;
  const initialDelay = o.initialDelayMs ?? INITIAL_RETRY_DELAY;
  const maxDelay = o.maxDelayMs ?? MAX_RETRY_DELAY;
  let queue: Payload[] = [];
  let queuedBytes = 0;
  let dropped = 0;
  let rejected = 0;
  let retries = 0;
  // In retry mode, `head` is the payload being retried; it is never dropped by the bound.
  let head: Payload | undefined;
  let delay = initialDelay;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const enqueue = (p: Payload) => {
    queue.push(p);
    queuedBytes += p.bytes;
    while (queue.length > 0 && (queuedBytes > maxBytes || queue.length > maxCount)) {
      const old = queue.shift()!;
      queuedBytes -= old.bytes;
      dropped++;
    }
  };

  const attempt = (p: Payload) => {
    void o.send(p).then((res) => {
      if (stopped) return;
      if (res.ok || !res.retryable) {
        if (!res.ok) rejected++;
        if (p === head) {
          head = undefined;
          delay = initialDelay;
          next();
        }
        return;
      }
      // Retryable failure: this payload becomes (or stays) the head and waits.
      if (head && p !== head) {
        // A request sent before retry mode began also failed: queue it behind the head.
        enqueue(p);
        return;
      }
      head = p;
      const wait = Math.min(maxDelay, Math.max(res.retryAfterMs ?? 0, delay));
      delay = Math.min(maxDelay, delay * 2);
      timer = setTimeout(() => {
        timer = undefined;
        retries++;
        attempt(p);
      }, wait);
    });
  };

  // next sends the oldest queued payload as the new head (one at a time until one succeeds).
  const next = () => {
    const p = queue.shift();
    if (!p) return;
    queuedBytes -= p.bytes;
    head = p;
    attempt(p);
  };

  return {
    send(p) {
      if (stopped) return;
      if (head) enqueue(p);
      else attempt(p);
    },
    sendOnExit(p) {
      if (stopped) return;
      // The page may be gone before a retry timer fires: hand over everything now.
      if (head) {
        if (timer !== undefined) {
          o.sendOnExit(head);
          clearTimeout(timer);
          timer = undefined;
          head = undefined;
          delay = initialDelay;
        }
        for (const q of queue) o.sendOnExit(q);
        queue = [];
        queuedBytes = 0;
      }
      if (p) o.sendOnExit(p);
    },
    stats: () => ({ queued: queue.length + (head ? 1 : 0), queuedBytes, dropped, rejected, retries }),
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      queue = [];
      queuedBytes = 0;
      head = undefined;
    },
  };
}

/** createHttpSender is the production wiring: fetch (with retries) while alive, beacon on exit. */
export function createHttpSender(url: string, t: HttpTransport, opts: Partial<RetryOptions> = {}): RetryingSender {
  return createRetryingSender({ send: (p) => post(t, url, p), sendOnExit: (p) => postOnExit(t, url, p), ...opts });
}
