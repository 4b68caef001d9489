// Makes one window's events safe to hand to rrweb's Replayer. rrweb seeks from
// the last Meta event at or before the target, so every full snapshot needs a
// Meta right before it, and a Replayer needs a full snapshot to start from.
import { EventType } from '@rrweb/types';
import type { ReplayEvent } from './types';

export interface Meta {
  href: string;
  width: number;
  height: number;
}

export interface PreparedChunk {
  events: ReplayEvent[];
  playable: boolean; // holds a full snapshot to build a Replayer from
  lastMeta: Meta | null; // the last page dimensions seen, for the next window
}

const fallbackMeta: Meta = { href: '', width: 1280, height: 720 };

/**
 * prepareChunk keeps the events before `to` (the next window has the rest),
 * drops what precedes the first full snapshot, and puts a Meta before every
 * full snapshot that lacks one (copied from the last known Meta).
 */
export function prepareChunk(events: ReplayEvent[], to: number, prevMeta: Meta | null): PreparedChunk {
  const inRange = events.filter((e) => e.timestamp < to);
  const first = inRange.findIndex((e) => e.type === EventType.FullSnapshot);
  let meta: Meta | null = prevMeta;
  if (first < 0) {
    for (const e of inRange) if (e.type === EventType.Meta) meta = readMeta(e) ?? meta;
    return { events: inRange, playable: false, lastMeta: meta };
  }
  for (let i = 0; i < first; i++) if (inRange[i].type === EventType.Meta) meta = readMeta(inRange[i]) ?? meta;
  const out: ReplayEvent[] = [];
  for (let i = first; i < inRange.length; i++) {
    const e = inRange[i];
    if (e.type === EventType.Meta) meta = readMeta(e) ?? meta;
    if (e.type === EventType.FullSnapshot) {
      const prev = out[out.length - 1];
      if (!prev || prev.type !== EventType.Meta) {
        const m = meta ?? fallbackMeta;
        out.push({ type: EventType.Meta, data: { href: m.href, width: m.width, height: m.height }, timestamp: e.timestamp } as ReplayEvent);
      }
    }
    out.push(e);
  }
  return { events: out, playable: true, lastMeta: meta };
}

function readMeta(e: ReplayEvent): Meta | null {
  const d = e.data as { href?: unknown; width?: unknown; height?: unknown } | undefined;
  if (!d || typeof d.width !== 'number' || typeof d.height !== 'number' || d.width <= 0 || d.height <= 0) return null;
  return { href: typeof d.href === 'string' ? d.href : '', width: d.width, height: d.height };
}

/** windowEndMarker keeps rrweb's clock running to the end of a window whose last record comes early. */
export function windowEndMarker(t: number): ReplayEvent {
  return { type: EventType.Custom, data: { tag: 'reprise:window-end', payload: {} }, timestamp: t } as ReplayEvent;
}
