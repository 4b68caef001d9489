import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSegmentCollector, type Segment, type SegmentContext } from './segments';

const META = 4;
const FULL = 2;
const INC = 3;

function setup(limits?: { maxBytes: number; maxDurationMs: number }) {
  const out: Segment[] = [];
  let ctx: SegmentContext | undefined = { applicationId: 'app', sessionId: 's1', viewId: 'v1' };
  const c = createSegmentCollector({
    context: () => ctx,
    privacyLevel: 'mask-user-input',
    recorderVersion: '@rrweb/record@2.1.6',
    onSegment: (s) => out.push(s),
    limits,
  });
  return { c, out, setCtx: (x: SegmentContext | undefined) => (ctx = x) };
}

describe('replay segments', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fills the metadata from the records and the context', () => {
    const { c, out } = setup();
    c.add({ type: META, timestamp: 1000 });
    c.add({ type: FULL, timestamp: 1001 });
    c.add({ type: INC, timestamp: 1500 });
    c.flush('view_change');
    expect(out).toHaveLength(1);
    const { metadata, json } = out[0];
    expect(metadata).toEqual({
      application: { id: 'app' },
      session: { id: 's1' },
      view: { id: 'v1' },
      start: 1000,
      end: 1500,
      records_count: 3,
      has_full_snapshot: true,
      index_in_view: 0,
      source: 'browser',
      creation_reason: 'init',
      raw_segment_size: json.length,
      format: 'rrweb',
      privacy_level: 'mask-user-input',
      recorder_version: '@rrweb/record@2.1.6',
    });
    expect(JSON.parse(json).records.map((r: { type: number }) => r.type)).toEqual([META, FULL, INC]);
  });

  it('cuts at 5 s, counts index_in_view, and records why the previous segment ended', () => {
    const { c, out, setCtx } = setup();
    c.add({ type: META, timestamp: 1 });
    c.add({ type: FULL, timestamp: 2 });
    vi.advanceTimersByTime(5000);
    c.add({ type: INC, timestamp: 5003 });
    c.flush('view_change');
    setCtx({ applicationId: 'app', sessionId: 's1', viewId: 'v2' });
    c.add({ type: META, timestamp: 6000 });
    c.flush('page_hide');
    expect(out.map((s) => [s.metadata.view.id, s.metadata.index_in_view, s.metadata.creation_reason, s.flushReason])).toEqual([
      ['v1', 0, 'init', 'segment_duration_limit'],
      ['v1', 1, 'segment_duration_limit', 'view_change'],
      ['v2', 0, 'view_change', 'page_hide'],
    ]);
    expect(out[1].metadata.has_full_snapshot).toBe(false);
  });

  it('cuts at the byte cap', () => {
    const { c, out } = setup({ maxBytes: 1000, maxDurationMs: 5000 });
    for (let i = 0; i < 30; i++) c.add({ type: INC, timestamp: i, data: 'x'.repeat(100) } as never);
    expect(out.length).toBeGreaterThanOrEqual(3);
    for (const s of out) expect(s.metadata.raw_segment_size).toBeLessThan(1000 + 200);
    expect(out[0].flushReason).toBe('segment_bytes_limit');
    c.flush('stop');
    expect(out.reduce((n, s) => n + s.metadata.records_count, 0)).toBe(30); // nothing lost at the cuts
  });

  it('starts a new segment at every full snapshot (Meta record)', () => {
    const { c, out } = setup();
    c.add({ type: META, timestamp: 1 });
    c.add({ type: FULL, timestamp: 2 });
    c.add({ type: INC, timestamp: 3 });
    c.add({ type: META, timestamp: 4 }); // a 5-minute checkout
    c.add({ type: FULL, timestamp: 5 });
    c.flush('stop');
    expect(out.map((s) => [s.metadata.records_count, s.metadata.has_full_snapshot, s.flushReason])).toEqual([
      [3, true, 'full_snapshot'],
      [2, true, 'stop'],
    ]);
  });

  it('drops records while there is no live session or view, and sends nothing empty', () => {
    const { c, out, setCtx } = setup();
    setCtx(undefined);
    c.add({ type: INC, timestamp: 1 });
    c.flush('view_change');
    vi.advanceTimersByTime(10_000);
    expect(out).toHaveLength(0);
  });
});

describe('replay segments at page load', () => {
  it("keeps rrweb's DomContentLoaded/Load records in the first segment with the full snapshot", () => {
    const { c, out } = setup();
    c.add({ type: 0, timestamp: 1 });
    c.add({ type: 1, timestamp: 2 });
    c.add({ type: META, timestamp: 3 });
    c.add({ type: FULL, timestamp: 4 });
    c.flush('stop');
    expect(out).toHaveLength(1);
    expect(out[0].metadata).toMatchObject({ records_count: 4, has_full_snapshot: true, index_in_view: 0 });
  });
});
