import { describe, expect, it } from 'vitest';
import { minWindowMs, planWindows, windowAt } from './windows';
import type { SegmentInfo } from './types';

const seg = (start: number, end: number, full: boolean, records = 10): SegmentInfo => ({ id: `s${start}`, start, end, has_full_snapshot: full, records_count: records });

describe('planWindows', () => {
  it('cuts at full-snapshot segments and runs each window to the next one', () => {
    const w = planWindows([seg(0, 5000, true), seg(5000, 60000, false), seg(60000, 70000, true), seg(70000, 90000, false)], 95000);
    expect(w.map((x) => [x.from, x.to, x.segments, x.records])).toEqual([
      [0, 60000, 2, 20],
      [60000, 95001, 2, 20],
    ]);
  });

  it('merges full snapshots closer than minWindowMs into one window', () => {
    const w = planWindows([seg(0, 100, true), seg(200, 300, true), seg(minWindowMs + 500, minWindowMs + 900, true)], minWindowMs + 900);
    expect(w.map((x) => x.from)).toEqual([0, minWindowMs + 500]);
  });

  it('starts with the first segment even without a full snapshot, and says so', () => {
    const w = planWindows([seg(1000, 2000, false), seg(30000, 40000, true)], 40000);
    expect(w[0]).toMatchObject({ from: 1000, to: 30000, fullSnapshot: false });
    expect(w[1]).toMatchObject({ from: 30000, fullSnapshot: true });
  });

  it('sorts segments and reaches past the last segment or the session end', () => {
    const w = planWindows([seg(50000, 99000, false), seg(0, 1000, true)], 20000);
    expect(w).toHaveLength(1);
    expect(w[0].to).toBe(99001);
  });

  it('returns no windows without segments', () => {
    expect(planWindows([], 1000)).toEqual([]);
  });
});

describe('windowAt', () => {
  const w = planWindows([seg(0, 5000, true), seg(60000, 70000, true), seg(120000, 130000, true)], 130000);
  it('finds the window holding t, clamping outside the recording', () => {
    expect(windowAt(w, -5)).toBe(0);
    expect(windowAt(w, 0)).toBe(0);
    expect(windowAt(w, 59999)).toBe(0);
    expect(windowAt(w, 60000)).toBe(1);
    expect(windowAt(w, 125000)).toBe(2);
    expect(windowAt(w, 9e12)).toBe(2);
    expect(windowAt([], 5)).toBe(-1);
  });
});
