// A long session is loaded window by window. A window starts at a segment that
// holds a full snapshot (the SDK takes one at every view and every few
// minutes), so the player can build a Replayer from any window alone, and runs
// to the next such segment. Seeking costs one window, whatever the session's
// length.
import type { SegmentInfo } from './types';

export interface ReplayWindow {
  index: number;
  from: number; // ms since epoch: start of the window's first segment
  to: number; // exclusive: start of the next window, or just past the session's end
  fullSnapshot: boolean; // false only when the recording has no full snapshot at its start
  records: number;
  segments: number;
}

/** Windows shorter than this are merged with the next one: fewer requests for chatty SPAs. */
export const minWindowMs = 10_000;

/**
 * planWindows cuts the session into windows at full-snapshot segments.
 * `end` is the session's end (ms since epoch); the last window reaches past it.
 */
export function planWindows(segments: SegmentInfo[], end: number): ReplayWindow[] {
  const segs = segments.filter((s) => Number.isFinite(s.start)).slice().sort((a, b) => a.start - b.start);
  if (segs.length === 0) return [];
  const windows: ReplayWindow[] = [];
  let cur: ReplayWindow | null = null;
  for (const s of segs) {
    const anchor = s.has_full_snapshot && (cur === null || s.start - cur.from >= minWindowMs);
    if (cur === null || anchor) {
      if (cur) cur.to = s.start;
      cur = { index: windows.length, from: s.start, to: s.end + 1, fullSnapshot: !!s.has_full_snapshot, records: 0, segments: 0 };
      windows.push(cur);
    }
    cur.records += s.records_count ?? 0;
    cur.segments += 1;
  }
  const last = windows[windows.length - 1];
  const lastEnd = Math.max(end, ...segs.map((s) => s.end));
  last.to = Math.max(last.to, lastEnd + 1);
  // A window's end never precedes its start, even with clock-skewed segments.
  for (const w of windows) if (w.to <= w.from) w.to = w.from + 1;
  return windows;
}

/** windowAt returns the index of the window holding time t, clamped to the first/last window; -1 if none. */
export function windowAt(windows: ReplayWindow[], t: number): number {
  if (windows.length === 0) return -1;
  let lo = 0;
  let hi = windows.length - 1;
  if (t < windows[0].from) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (windows[mid].from <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
