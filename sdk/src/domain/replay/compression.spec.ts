import { inflateSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { createCompressor, deflateOnPage, WORKER_SOURCE, type CompressionRequest } from './compression';

// A Worker stand-in that runs WORKER_SOURCE in this thread with a fake `self`, so the real
// worker code and message protocol are exercised.
function inlineWorker() {
  const listeners: Record<string, Array<(e: unknown) => void>> = { message: [], error: [] };
  const self: { onmessage?: (e: { data: unknown }) => void; postMessage: (m: unknown) => void } = {
    postMessage: (m) => queueMicrotask(() => listeners.message.forEach((fn) => fn({ data: m }))),
  };
  new Function('self', WORKER_SOURCE)(self);
  return {
    postMessage: vi.fn((m: CompressionRequest) => self.onmessage?.({ data: m })),
    terminate: vi.fn(),
    addEventListener: (type: 'message' | 'error', fn: (e: unknown) => void) => listeners[type].push(fn),
    fail: () => listeners.error.forEach((fn) => fn(new Event('error'))),
  };
}

const segment = JSON.stringify({ records: Array.from({ length: 200 }, (_, i) => ({ type: 3, timestamp: i, data: { x: i } })) });

describe('segment compression', () => {
  it('compresses in the worker to zlib that inflates back to the segment', async () => {
    const w = inlineWorker();
    const c = createCompressor({ startWorker: () => ({ worker: w }) });
    const out = await c.compress(segment);
    expect(c.mode()).toBe('worker');
    expect(w.postMessage).toHaveBeenCalledWith({ id: 1, action: 'compress', data: segment });
    expect(out.compressed).toBe(true);
    expect(out.bytes[0]).toBe(0x78); // zlib header
    expect(inflateSync(out.bytes).toString()).toBe(segment);
    expect(out.rawBytes).toBe(segment.length);
    expect(out.bytes.length).toBeLessThan(segment.length / 3);
    c.stop();
    expect(w.terminate).toHaveBeenCalled();
  });

  it('falls back to the page when the worker cannot start', async () => {
    const c = createCompressor({ startWorker: () => undefined });
    const out = await c.compress(segment);
    expect(c.mode()).toBe('page');
    expect(inflateSync(out.bytes).toString()).toBe(segment);
  });

  it('redoes pending work on the fallback when the worker dies (e.g. CSP blocks blob:)', async () => {
    const w = inlineWorker();
    w.postMessage.mockImplementation(() => {}); // the worker never answers…
    const c = createCompressor({ startWorker: () => ({ worker: w }) });
    const p = c.compress(segment);
    w.fail(); // …and then fires `error`
    const out = await p;
    expect(inflateSync(out.bytes).toString()).toBe(segment);
    expect(c.mode()).toBe('page');
  });

  it('sends uncompressed when neither the worker nor CompressionStream is there', async () => {
    const c = createCompressor({ startWorker: () => undefined, pageCompress: undefined });
    const out = await c.compress('{"records":[]}');
    expect(c.mode()).toBe('none');
    expect(out).toMatchObject({ compressed: false, rawBytes: 14 });
    expect(new TextDecoder().decode(out.bytes)).toBe('{"records":[]}');
  });

  it('deflateOnPage produces zlib', async () => {
    const out = await deflateOnPage('héllo');
    expect(inflateSync(out.bytes).toString()).toBe('héllo');
    expect(out.rawBytes).toBe(6);
  });
});
