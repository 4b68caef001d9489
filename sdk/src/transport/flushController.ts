// Decides when a batch goes out, and says why (the reason travels to tests and debug logs):
// 5 s after its first message, at 50 messages, before it would pass ~64 KB, on page exit and
// on stop. Kept apart from the batch's data so the rules are readable in one place.

export type FlushReason =
  | 'duration_limit'
  | 'messages_limit'
  | 'bytes_limit'
  | 'page_hide'
  | 'visibility_hidden'
  | 'before_unload'
  | 'session_expired'
  | 'stop';

/** Reasons for which the page may be gone before an async request completes. */
export function isExitReason(r: FlushReason): boolean {
  return r === 'page_hide' || r === 'visibility_hidden' || r === 'before_unload' || r === 'stop';
}

export interface FlushLimits {
  messagesLimit: number;
  bytesLimit: number;
  durationLimitMs: number;
}

export const RUM_FLUSH_LIMITS: FlushLimits = { messagesLimit: 50, bytesLimit: 64 * 1024, durationLimitMs: 5000 };

export interface FlushController {
  /** beforeAdd flushes first if adding `bytes` would pass the byte limit. */
  beforeAdd(bytes: number): void;
  /** added records a message of `bytes` (replacing one of `replacedBytes` for upserts). */
  added(bytes: number, replacedBytes?: number): void;
  flush(reason: FlushReason): void;
  messages(): number;
  bytes(): number;
  stop(): void;
}

export function createFlushController(limits: FlushLimits, onFlush: (reason: FlushReason) => void): FlushController {
  let messages = 0;
  let bytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const reset = () => {
    messages = 0;
    bytes = 0;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const flush = (reason: FlushReason) => {
    if (messages === 0) return reset();
    reset();
    onFlush(reason);
  };

  return {
    beforeAdd(b) {
      if (messages > 0 && bytes + b > limits.bytesLimit) flush('bytes_limit');
    },
    added(b, replaced) {
      if (replaced !== undefined) {
        bytes += b - replaced;
      } else {
        messages++;
        bytes += b;
      }
      if (timer === undefined) timer = setTimeout(() => flush('duration_limit'), limits.durationLimitMs);
      if (messages >= limits.messagesLimit) flush('messages_limit');
      else if (bytes >= limits.bytesLimit) flush('bytes_limit');
    },
    flush,
    messages: () => messages,
    bytes: () => bytes,
    stop: reset,
  };
}
