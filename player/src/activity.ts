// Inactive stretches: spans with no user input and no page change longer than
// a threshold (1 minute by default). The player shades them on the timeline
// and, with "Skip inactive" on, jumps over them. Activity comes from the RUM
// events (views, actions: known for the whole session up front) and from the
// records of every loaded window (mouse, touch, scroll, input, resize, page
// loads), so the stretches sharpen as windows arrive; the player never skips
// past what it has loaded.
import { EventType, IncrementalSource } from '@rrweb/types';
import type { ReplayEvent, RumEvent } from './types';

export interface Stretch {
  from: number; // ms since epoch: the last activity before the gap
  to: number; // the first activity after it
}

export const defaultInactiveThresholdMs = 60_000;

// Sources that mean a person did something. Mutations do not count: an
// animated page (a clock, a carousel) would otherwise never be idle.
const inputSources = new Set<number>([
  IncrementalSource.MouseMove,
  IncrementalSource.MouseInteraction,
  IncrementalSource.Scroll,
  IncrementalSource.ViewportResize,
  IncrementalSource.Input,
  IncrementalSource.TouchMove,
  IncrementalSource.Drag,
  IncrementalSource.Selection,
  IncrementalSource.MediaInteraction,
]);

/** activityFromRum: views (page changes) and actions (clicks, taps, custom). */
export function activityFromRum(events: RumEvent[]): number[] {
  const out: number[] = [];
  for (const e of events) if (e.type === 'view' || e.type === 'action') out.push(e.date);
  return out;
}

/**
 * activityFromRecords: user input among rrweb events and, when `pages` is
 * set (the SDK sent no RUM views), page loads: a Meta whose address differs
 * from the one before. A Meta with the same address is a periodic full
 * snapshot, not something the user did.
 */
export function activityFromRecords(events: ReplayEvent[], pages = false): number[] {
  const out: number[] = [];
  let href: string | null = null;
  for (const e of events) {
    if (e.type === EventType.Meta) {
      const h = (e.data as { href?: unknown } | undefined)?.href;
      const next = typeof h === 'string' ? h : '';
      if (pages && href !== null && next !== href) out.push(e.timestamp);
      href = next;
    } else if (e.type === EventType.IncrementalSnapshot) {
      const src = (e.data as { source?: unknown } | undefined)?.source;
      if (typeof src === 'number' && inputSources.has(src)) out.push(e.timestamp);
    }
  }
  return out;
}

/**
 * inactiveStretches returns the gaps longer than threshold between activity
 * points, counting the session's start and end as edges. Points need not be sorted.
 */
export function inactiveStretches(points: Iterable<number>, start: number, end: number, threshold: number): Stretch[] {
  const ts = Array.from(points).filter((t) => t >= start && t <= end);
  ts.push(start, end);
  ts.sort((a, b) => a - b);
  const out: Stretch[] = [];
  for (let i = 1; i < ts.length; i++) {
    if (ts[i] - ts[i - 1] > threshold) out.push({ from: ts[i - 1], to: ts[i] });
  }
  return out;
}

/** Playback lands this long before the activity that ends a skipped stretch, so the user sees it coming. */
export const skipLeadMs = 1_000;

/**
 * skipTarget says where playback at t should jump to with "Skip inactive" on,
 * or null to keep playing. It never jumps past `loadedTo`: what is not loaded
 * yet may hold input that the stretches do not know about.
 */
export function skipTarget(stretches: Stretch[], t: number, loadedTo: number): number | null {
  for (const s of stretches) {
    // Half a second after the last activity, so its effect is on screen before the jump.
    if (t >= s.from + 500 && t < s.to - skipLeadMs) {
      const target = Math.min(s.to - skipLeadMs, loadedTo);
      return target > t + 50 ? target : null;
    }
    if (s.from > t) break;
  }
  return null;
}
