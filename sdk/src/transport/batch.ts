// The RUM batch: events as NDJSON lines, flushed by the flush controller to the sender.
// View events are upserted by view id (Datadog does the same): a view sent ten times within
// one batch goes out once, in its latest version, keeping its first position.

import { createFlushController, isExitReason, type FlushLimits, type FlushReason } from './flushController';
import type { Payload } from './httpRequest';

export interface BatchSender {
  send(p: Payload): void;
  sendOnExit(p?: Payload): void;
}

export interface Batch {
  add(event: object): void;
  /** upsert replaces the pending message with the same key, if any. */
  upsert(event: object, key: string): void;
  flush(reason: FlushReason): void;
  stop(): void;
}

/** utf8Length counts the bytes of s in UTF-8 without encoding it when it is ASCII. */
export function utf8Length(s: string): number {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(s)) return s.length;
  return new TextEncoder().encode(s).length;
}

export function createBatch(
  limits: FlushLimits,
  sender: BatchSender,
  onFlushed?: (reason: FlushReason, lines: number) => void,
): Batch {
  let lines: string[] = [];
  // key → index in lines, for upserts.
  let keyed = new Map<string, number>();

  const controller = createFlushController(limits, (reason) => {
    if (lines.length === 0) return;
    const body = lines.join('\n');
    const count = lines.length;
    lines = [];
    keyed = new Map();
    const p: Payload = { body, bytes: utf8Length(body) };
    if (isExitReason(reason)) sender.sendOnExit(p);
    else sender.send(p);
    onFlushed?.(reason, count);
  });

  const put = (event: object, key?: string) => {
    const line = JSON.stringify(event);
    const size = utf8Length(line) + 1; // + the newline
    const at = key === undefined ? undefined : keyed.get(key);
    if (at !== undefined) {
      const old = utf8Length(lines[at]) + 1;
      lines[at] = line;
      controller.added(size, old);
      return;
    }
    controller.beforeAdd(size);
    if (key !== undefined) keyed.set(key, lines.length);
    lines.push(line);
    controller.added(size);
  };

  return {
    add: (e) => put(e),
    upsert: (e, key) => put(e, key),
    flush: (reason) => {
      controller.flush(reason);
      // Even with nothing new in the batch, an exit must hand over payloads waiting for a retry.
      if (isExitReason(reason)) sender.sendOnExit();
    },
    stop() {
      controller.stop();
      lines = [];
      keyed = new Map();
    },
  };
}
