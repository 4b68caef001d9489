import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatch, utf8Length } from './batch';
import { RUM_FLUSH_LIMITS } from './flushController';
import type { Payload } from './httpRequest';

function fakeSender() {
  const sent: Payload[] = [];
  const exits: Payload[] = [];
  return {
    sent,
    exits,
    send: (p: Payload) => sent.push(p),
    sendOnExit: (p?: Payload) => {
      if (p) exits.push(p);
    },
  };
}
const lines = (p: Payload) => (p.body as string).split('\n').map((l) => JSON.parse(l));

describe('RUM batch and flush rules', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('flushes 5 s after the first event', () => {
    const s = fakeSender();
    const reasons: string[] = [];
    const b = createBatch(RUM_FLUSH_LIMITS, s, (r) => reasons.push(r));
    b.add({ type: 'action', n: 1 });
    vi.advanceTimersByTime(3000);
    b.add({ type: 'action', n: 2 });
    vi.advanceTimersByTime(1999);
    expect(s.sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(s.sent).toHaveLength(1);
    expect(lines(s.sent[0]).map((e) => e.n)).toEqual([1, 2]);
    expect(reasons).toEqual(['duration_limit']);
    // No timer runs for an empty batch.
    vi.advanceTimersByTime(60_000);
    expect(s.sent).toHaveLength(1);
  });

  it('flushes at 50 events', () => {
    const s = fakeSender();
    const reasons: string[] = [];
    const b = createBatch(RUM_FLUSH_LIMITS, s, (r) => reasons.push(r));
    for (let i = 0; i < 120; i++) b.add({ type: 'action', i });
    expect(s.sent.map((p) => lines(p).length)).toEqual([50, 50]);
    expect(reasons).toEqual(['messages_limit', 'messages_limit']);
  });

  it('flushes before a batch would pass ~64 KB', () => {
    const s = fakeSender();
    const reasons: string[] = [];
    const b = createBatch(RUM_FLUSH_LIMITS, s, (r) => reasons.push(r));
    const big = 'x'.repeat(20 * 1024);
    for (let i = 0; i < 4; i++) b.add({ type: 'error', error: { message: big } });
    expect(s.sent).toHaveLength(1);
    expect(lines(s.sent[0])).toHaveLength(3);
    expect(s.sent[0].bytes).toBeLessThanOrEqual(64 * 1024);
    expect(reasons).toEqual(['bytes_limit']);
  });

  it('sends through the exit transport (beacon/keepalive) on page exit', () => {
    const s = fakeSender();
    const b = createBatch(RUM_FLUSH_LIMITS, s);
    b.add({ type: 'view' });
    b.flush('page_hide');
    expect(s.sent).toHaveLength(0);
    expect(s.exits).toHaveLength(1);
    b.add({ type: 'view' });
    b.flush('visibility_hidden');
    expect(s.exits).toHaveLength(2);
  });

  it('keeps only the latest version of a view within a batch, at its first position', () => {
    const s = fakeSender();
    const b = createBatch(RUM_FLUSH_LIMITS, s);
    b.upsert({ type: 'view', view: { id: 'v1' }, _dd: { document_version: 1 } }, 'v1');
    b.add({ type: 'action' });
    b.upsert({ type: 'view', view: { id: 'v1' }, _dd: { document_version: 2 } }, 'v1');
    b.flush('duration_limit');
    const got = lines(s.sent[0]);
    expect(got.map((e) => e.type)).toEqual(['view', 'action']);
    expect(got[0]._dd.document_version).toBe(2);
  });

  it('writes NDJSON: one JSON object per line, no trailing newline', () => {
    const s = fakeSender();
    const b = createBatch(RUM_FLUSH_LIMITS, s);
    b.add({ type: 'action', a: 'é' });
    b.add({ type: 'error', msg: 'line\nbreak' });
    b.flush('duration_limit');
    const body = s.sent[0].body as string;
    expect(body.split('\n')).toHaveLength(2);
    expect(body.endsWith('\n')).toBe(false);
    expect(s.sent[0].bytes).toBe(new TextEncoder().encode(body).length);
    expect(lines(s.sent[0])[1].msg).toBe('line\nbreak');
  });

  it('counts UTF-8 bytes', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('😀')).toBe(4);
  });
});
