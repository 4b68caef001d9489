// Compresses large RUM batches before they go out: NDJSON of views, resources and long tasks
// shrinks about sevenfold. The body stays text/plain (a Blob of zlib bytes), so a cross-origin
// collector still needs no CORS preflight; the collector recognises the zlib header. Batches
// are compressed by the same worker as replay segments, in order: a later batch never
// overtakes an earlier one. On page exit there is no time to wait for the worker, so what is
// still being compressed goes out as it is.

import type { Compressor } from '../domain/replay/compression';
import type { BatchSender } from './batch';
import type { Payload } from './httpRequest';

/** Batches smaller than this go out as they are: compressing them saves less than it costs. */
export const MIN_COMPRESS_BYTES = 2 * 1024;

export function createCompressingSender(inner: BatchSender, compressor: () => Compressor | undefined, minBytes = MIN_COMPRESS_BYTES): BatchSender {
  // Payloads handed to the compressor, oldest first; each is sent once, compressed or not.
  let pending: Array<{ p: Payload; out?: Payload; sent: boolean }> = [];

  // drain sends the leading payloads whose compression has finished, keeping the order.
  const drain = () => {
    while (pending.length && pending[0].out) {
      const t = pending.shift()!;
      if (!t.sent) inner.send(t.out!);
      t.sent = true;
    }
  };

  return {
    send(p) {
      const c = typeof p.body === 'string' && p.bytes >= minBytes ? compressor() : undefined;
      if (!c && pending.length === 0) {
        inner.send(p);
        return;
      }
      const task: { p: Payload; out?: Payload; sent: boolean } = { p, sent: false };
      pending.push(task);
      if (!c) {
        task.out = p;
        drain();
        return;
      }
      c.compress(p.body as string).then(
        (r) => {
          task.out = r.compressed ? { body: new Blob([r.bytes as BlobPart], { type: 'text/plain' }), bytes: r.bytes.byteLength } : p;
          drain();
        },
        () => {
          task.out = p;
          drain();
        },
      );
    },
    sendOnExit(p) {
      const left = pending;
      pending = [];
      for (const t of left) {
        if (!t.sent) inner.sendOnExit(t.out ?? t.p);
        t.sent = true;
      }
      inner.sendOnExit(p);
    },
  };
}
