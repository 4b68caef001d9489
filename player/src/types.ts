// Shapes of the query API (DESIGN 3.6) as the player reads them. Everything
// that comes from the server is treated as untrusted: optional fields stay
// optional, and readers check types before use.
import type { eventWithTime } from '@rrweb/types';

export type ReplayEvent = eventWithTime;

export interface SessionInfo {
  id: string;
  start: number; // ms since epoch
  end: number;
  duration: number; // ms
  user?: { id?: string; name?: string; email?: string };
  browser?: string;
  os?: string;
  device?: string;
  views?: RumEvent[];
}

/** One RUM event as /api/v1/sessions/{id}/events returns it (rum.Event). */
export interface RumEvent {
  type: string;
  id: string;
  date: number; // ms since epoch
  view_id?: string;
  view_url?: string;
  view_name?: string;
  action?: { type?: string; target_name?: string };
  error?: { message?: string; source?: string; kind?: string };
}

/** One row of the segment index (store.SegmentMeta). */
export interface SegmentInfo {
  id: string;
  view_id?: string;
  start: number;
  end: number;
  has_full_snapshot: boolean;
  records_count?: number;
  raw_segment_size?: number;
}

/** What the replay endpoint says it could not read. */
export interface MissingPart {
  label: string; // what to tell the user, e.g. "segment 3f2a (0:12–0:47): checksum mismatch"
  start?: number;
  end?: number;
}

export interface ReplayChunk {
  events: ReplayEvent[];
  missing: MissingPart[];
}
