// Cuts the stream of rrweb records into segments: at most ~5 s and ~60 KB of JSON each, a new
// one at every view change, at every full snapshot (so a player can start from any segment
// that has one), and on page exit. Each record is stringified once, when it arrives; a
// segment's body is those strings joined, `{"records":[…]}`, compressed later as a whole.

import type { PrivacyLevel } from '../privacy';

export type SegmentReason =
  | 'init'
  | 'segment_duration_limit'
  | 'segment_bytes_limit'
  | 'view_change'
  | 'full_snapshot'
  | 'page_hide'
  | 'visibility_hidden'
  | 'before_unload'
  | 'session_expired'
  | 'stop';

/** The `event` part of a segment upload (DESIGN 3.3). */
export interface SegmentMetadata {
  application: { id: string };
  session: { id: string };
  view: { id: string };
  start: number;
  end: number;
  records_count: number;
  has_full_snapshot: boolean;
  index_in_view: number;
  source: 'browser';
  creation_reason: SegmentReason;
  raw_segment_size: number;
  format: 'rrweb';
  privacy_level: PrivacyLevel;
  recorder_version: string;
}

export interface Segment {
  metadata: SegmentMetadata;
  /** `{"records":[…]}` */
  json: string;
  /** Why this segment ended: exit reasons must be sent synchronously. */
  flushReason: SegmentReason;
}

export interface SegmentContext {
  applicationId: string;
  sessionId: string;
  viewId: string;
}

export interface RecordLike {
  type: number;
  timestamp: number;
}

export interface SegmentLimits {
  maxBytes: number;
  maxDurationMs: number;
}

export const SEGMENT_LIMITS: SegmentLimits = { maxBytes: 60 * 1024, maxDurationMs: 5000 };

// rrweb EventType values used here (@rrweb/types).
export const RECORD_FULL_SNAPSHOT = 2;
export const RECORD_META = 4;

export interface SegmentCollector {
  /** add returns the record's JSON length (0 when dropped). */
  add(record: RecordLike): number;
  flush(reason: SegmentReason): void;
  stop(): void;
}

export function createSegmentCollector(opts: {
  context: () => SegmentContext | undefined;
  privacyLevel: PrivacyLevel;
  recorderVersion: string;
  onSegment: (s: Segment) => void;
  limits?: SegmentLimits;
}): SegmentCollector {
  const limits = opts.limits ?? SEGMENT_LIMITS;
  let parts: string[] = [];
  let bytes = 0;
  let ctx: SegmentContext | undefined;
  let start = 0;
  let end = 0;
  let hasFull = false;
  let hasContent = false; // a record other than DomContentLoaded (0) / Load (1)
  let creationReason: SegmentReason = 'init';
  let timer: ReturnType<typeof setTimeout> | undefined;
  // index_in_view counts segments per view (keyed by session too: a renewal starts over).
  const indexes = new Map<string, number>();

  const flush = (reason: SegmentReason) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (parts.length === 0 || !ctx) {
      parts = [];
      bytes = 0;
      return;
    }
    const json = `{"records":[${parts.join(',')}]}`;
    const key = `${ctx.sessionId}/${ctx.viewId}`;
    const index = indexes.get(key) ?? 0;
    indexes.set(key, index + 1);
    const metadata: SegmentMetadata = {
      application: { id: ctx.applicationId },
      session: { id: ctx.sessionId },
      view: { id: ctx.viewId },
      start,
      end,
      records_count: parts.length,
      has_full_snapshot: hasFull,
      index_in_view: index,
      source: 'browser',
      creation_reason: creationReason,
      raw_segment_size: 0,
      format: 'rrweb',
      privacy_level: opts.privacyLevel,
      recorder_version: opts.recorderVersion,
    };
    parts = [];
    bytes = 0;
    ctx = undefined;
    creationReason = reason;
    metadata.raw_segment_size = utf8Size(json);
    opts.onSegment({ metadata, json, flushReason: reason });
  };

  return {
    add(record) {
      // A full snapshot starts a segment of its own (its Meta record comes first), unless the
      // segment holds only the page's DomContentLoaded/Load records, which belong with it.
      if (record.type === RECORD_META && hasContent) flush('full_snapshot');
      if (parts.length === 0) {
        ctx = opts.context();
        if (!ctx) return 0; // no live session or view: nothing to attribute the record to
        start = record.timestamp;
        end = record.timestamp;
        hasFull = false;
        hasContent = false;
        timer = setTimeout(() => flush('segment_duration_limit'), limits.maxDurationMs);
      }
      const s = JSON.stringify(record);
      parts.push(s);
      bytes += s.length + 1;
      start = Math.min(start, record.timestamp);
      end = Math.max(end, record.timestamp);
      if (record.type === RECORD_FULL_SNAPSHOT) hasFull = true;
      if (record.type > 1) hasContent = true;
      if (bytes >= limits.maxBytes) flush('segment_bytes_limit');
      return s.length;
    },
    flush,
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      parts = [];
      bytes = 0;
      ctx = undefined;
      indexes.clear();
    },
  };
}

function utf8Size(s: string): number {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(s) ? new TextEncoder().encode(s).length : s.length;
}
