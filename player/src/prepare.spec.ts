import { describe, expect, it } from 'vitest';
import { prepareChunk } from './prepare';
import type { ReplayEvent } from './types';

const ev = (type: number, timestamp: number, data: object = {}) => ({ type, timestamp, data }) as unknown as ReplayEvent;
const meta = (t: number, width = 800, height = 600) => ev(4, t, { href: 'https://x.test/', width, height });

describe('prepareChunk', () => {
  it('keeps a recording that starts with Meta and FullSnapshot as is, cut at the window end', () => {
    const events = [meta(1), ev(2, 1), ev(3, 5), ev(3, 100)];
    const p = prepareChunk(events, 100, null);
    expect(p.playable).toBe(true);
    expect(p.events.map((e) => e.timestamp)).toEqual([1, 1, 5]);
    expect(p.lastMeta).toEqual({ href: 'https://x.test/', width: 800, height: 600 });
  });

  it('drops what precedes the first full snapshot but keeps its Meta before it', () => {
    const p = prepareChunk([ev(3, 1), meta(2, 1024, 768), ev(3, 3), ev(2, 4), ev(3, 5)], 1000, null);
    expect(p.events.map((e) => [e.type, e.timestamp])).toEqual([
      [4, 4],
      [2, 4],
      [3, 5],
    ]);
    expect((p.events[0].data as any).width).toBe(1024);
  });

  it('gives every full snapshot a Meta, from the previous window when needed', () => {
    const p = prepareChunk([ev(2, 10), ev(3, 11), ev(2, 20)], 1000, { href: 'h', width: 390, height: 844 });
    expect(p.events.map((e) => e.type)).toEqual([4, 2, 3, 4, 2]);
    expect((p.events[0].data as any).width).toBe(390);
  });

  it('says a window without a full snapshot cannot start a Replayer', () => {
    const p = prepareChunk([meta(1), ev(3, 2)], 1000, null);
    expect(p.playable).toBe(false);
    expect(p.lastMeta?.width).toBe(800);
  });

  it('ignores a Meta with no usable size', () => {
    const p = prepareChunk([ev(4, 1, { width: 'x' }), ev(2, 2)], 1000, null);
    expect(p.events[0].type).toBe(4);
    expect((p.events[0].data as any).width).toBe(1280);
  });
});
