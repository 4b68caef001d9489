import { describe, expect, it } from 'vitest';
import { deflateSync, inflateSync } from 'node:zlib';
import { createCompressingSender } from './compressingSender';
import type { Compressed, Compressor } from '../domain/replay/compression';
import type { Payload } from './httpRequest';

// A compressor whose results the test releases one by one, in any order.
function manualCompressor() {
  const waiting: Array<{ data: string; resolve: (c: Compressed) => void }> = [];
  const c: Compressor = {
    compress: (data) => new Promise((resolve) => waiting.push({ data, resolve })),
    mode: () => 'worker',
    stop: () => {},
  };
  const finish = (i: number) => {
    const w = waiting[i];
    const bytes = new Uint8Array(deflateSync(w.data));
    w.resolve({ bytes, compressed: true, rawBytes: w.data.length });
  };
  return { c, finish };
}

async function text(p: Payload): Promise<string> {
  if (typeof p.body === 'string') return p.body;
  const buf = Buffer.from(await (p.body as Blob).arrayBuffer());
  return inflateSync(buf).toString();
}

const payload = (s: string): Payload => ({ body: s, bytes: s.length });

describe('compressing sender', () => {
  it('compresses large batches as text/plain zlib and keeps the order of all batches', async () => {
    const sent: Payload[] = [];
    const m = manualCompressor();
    const s = createCompressingSender({ send: (p) => sent.push(p), sendOnExit: () => {} }, () => m.c, 100);
    const big1 = 'a'.repeat(500);
    const big2 = 'b'.repeat(500);
    s.send(payload(big1));
    s.send(payload('small'));
    s.send(payload(big2));
    m.finish(1); // the later batch is done first
    await Promise.resolve();
    await Promise.resolve();
    expect(sent).toHaveLength(0);
    m.finish(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(await Promise.all(sent.map(text))).toEqual([big1, 'small', big2]);
    expect((sent[0].body as Blob).type).toBe('text/plain');
    expect(sent[0].bytes).toBeLessThan(100);
  });

  it('sends small batches at once, and on exit what is still compressing as it is', async () => {
    const sent: Payload[] = [];
    const exit: Array<Payload | undefined> = [];
    const m = manualCompressor();
    const s = createCompressingSender({ send: (p) => sent.push(p), sendOnExit: (p) => exit.push(p) }, () => m.c, 100);
    s.send(payload('tiny'));
    expect(sent.map((p) => p.body)).toEqual(['tiny']);
    s.send(payload('c'.repeat(500)));
    s.sendOnExit(payload('last'));
    expect(exit.map((p) => p?.body)).toEqual(['c'.repeat(500), 'last']);
    m.finish(0); // too late: already sent, not twice
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toHaveLength(1);
  });
});
