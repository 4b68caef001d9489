import { describe, expect, it } from 'vitest';
import { activityFromRecords, activityFromRum, inactiveStretches, skipLeadMs, skipTarget } from './activity';
import type { ReplayEvent, RumEvent } from './types';

const inc = (t: number, source: number): ReplayEvent => ({ type: 3, timestamp: t, data: { source } }) as unknown as ReplayEvent;

describe('activity', () => {
  it('counts input, not mutations or full snapshots', () => {
    const events = [
      { type: 4, timestamp: 1, data: { href: 'x', width: 1, height: 1 } },
      { type: 2, timestamp: 2, data: {} },
      inc(3, 0), // mutation
      inc(4, 1), // mouse move
      inc(5, 2), // click
      inc(6, 3), // scroll
      inc(7, 5), // input
      inc(8, 8), // style sheet rule
    ] as ReplayEvent[];
    expect(activityFromRecords(events)).toEqual([4, 5, 6, 7]);
  });

  it('counts a page load only when asked and only when the address changes', () => {
    const meta = (t: number, href: string) => ({ type: 4, timestamp: t, data: { href, width: 1, height: 1 } }) as unknown as ReplayEvent;
    const events = [meta(1, 'a'), meta(2, 'a'), meta(3, 'b'), meta(4, 'b')];
    expect(activityFromRecords(events, true)).toEqual([3]);
    expect(activityFromRecords(events, false)).toEqual([]);
  });

  it('takes views and actions from RUM events, not errors or resources', () => {
    const rum = [
      { type: 'view', id: 'v', date: 10 },
      { type: 'error', id: 'e', date: 20 },
      { type: 'action', id: 'a', date: 30 },
      { type: 'resource', id: 'r', date: 40 },
    ] as RumEvent[];
    expect(activityFromRum(rum)).toEqual([10, 30]);
  });
});

describe('inactiveStretches', () => {
  it('finds gaps over the threshold, with the session edges as activity', () => {
    const s = inactiveStretches([5000, 200000, 205000], 0, 400000, 60000);
    expect(s).toEqual([
      { from: 5000, to: 200000 },
      { from: 205000, to: 400000 },
    ]);
  });
  it('a gap exactly at the threshold is not inactive', () => {
    expect(inactiveStretches([60000], 0, 120000, 60000)).toEqual([]);
  });
  it('ignores points outside the session', () => {
    expect(inactiveStretches([-500000, 900000], 0, 50000, 60000)).toEqual([]);
  });
});

describe('skipTarget', () => {
  const stretches = [{ from: 10000, to: 190000 }];
  it('jumps to just before the activity that ends the stretch', () => {
    expect(skipTarget(stretches, 12000, Infinity)).toBe(190000 - skipLeadMs);
  });
  it('never jumps past what is loaded', () => {
    expect(skipTarget(stretches, 12000, 100000)).toBe(100000);
  });
  it('does nothing outside a stretch or right after the last activity', () => {
    expect(skipTarget(stretches, 5000, Infinity)).toBeNull();
    expect(skipTarget(stretches, 10100, Infinity)).toBeNull();
    expect(skipTarget(stretches, 189500, Infinity)).toBeNull();
  });
  it('does nothing when the playhead is already at the loaded edge', () => {
    expect(skipTarget(stretches, 100000, 100000)).toBeNull();
  });
});
