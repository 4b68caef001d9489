// Session replay: rrweb records → segments → compression → upload. A view change flushes the
// current segment and takes a full snapshot, so the first segment of a view starts with
// Meta + FullSnapshot, except on pages whose snapshots are large (≥ 256 KB of JSON): there a
// view change takes one only once the last is old enough for snapshots to average at most
// SNAPSHOT_BYTES_PER_SECOND (a 4 MB snapshot of a 5,000-row table costs the page about a
// second of script time and 335 KB sent; a player seeking into such a view starts from the
// earlier snapshot, at most MAX_VIEW_SNAPSHOT_GAP_MS of records back). On page exit the
// current segment, and those still being compressed up to the keepalive quota, go out
// uncompressed through sendBeacon/keepalive: there is no time left to wait for the worker. A
// larger one still in the worker (a snapshot or a big mutation of the last few hundred ms) is
// dropped: the browser refuses it to sendBeacon and keepalive fetch, and a plain fetch of
// megabytes is cancelled with the page or costs the user that bandwidth while leaving
// (Datadog's SDK loses such a tail too).

import { monitor } from '../../tools/monitor';
import type { PrivacyLevel, PrivacySelectors } from '../privacy';
import { createCompressor, type Compressor } from './compression';
import { RECORDER_VERSION, startRecorder, type Recorder } from './recorder';
import {
  createSegmentCollector,
  RECORD_FULL_SNAPSHOT,
  RECORD_META,
  type RecordLike,
  type Segment,
  type SegmentContext,
  type SegmentReason,
} from './segments';
import { buildSegmentPayload } from './upload';
import { KEEPALIVE_MAX_BYTES, type Payload } from '../../transport/httpRequest';

export interface ReplaySender {
  send(p: Payload): void;
  sendOnExit(p?: Payload): void;
}

export interface Replay {
  /** viewChanged cuts the segment and takes a full snapshot for the new view. */
  viewChanged(): void;
  flush(reason: SegmentReason): void;
  isRecording(): boolean;
  stop(): void;
}

export interface ReplayDeps {
  privacyLevel: PrivacyLevel;
  privacySelectors?: PrivacySelectors;
  context: () => SegmentContext | undefined;
  sender: ReplaySender;
  redactUrl: (url: string) => string;
  compressor?: Compressor;
  start?: typeof startRecorder;
  now?: () => number;
}

/** Full snapshots taken at view changes average at most this many bytes of JSON a second. */
export const SNAPSHOT_BYTES_PER_SECOND = 64 * 1024;
/** A view change always takes a full snapshot when the last one is at least this old. */
export const MAX_VIEW_SNAPSHOT_GAP_MS = 60 * 1000;

/** Snapshots smaller than this are taken at every view change whatever their rate. */
export const SMALL_SNAPSHOT_BYTES = 256 * 1024;

/** viewSnapshotGapMs: how old the last full snapshot (of `bytes` JSON) must be for a view change to take one. */
export function viewSnapshotGapMs(bytes: number): number {
  if (bytes < SMALL_SNAPSHOT_BYTES) return 0;
  return Math.min(MAX_VIEW_SNAPSHOT_GAP_MS, (bytes / SNAPSHOT_BYTES_PER_SECOND) * 1000);
}

/** Reasons after which the page may be gone before a compression finishes. */
const SYNC_EXIT: readonly SegmentReason[] = ['page_hide', 'before_unload', 'stop'];

export function startReplay(d: ReplayDeps): Replay {
  // A compressor passed in is shared (RUM batches use it too): its owner stops it.
  const ownCompressor = !d.compressor;
  const compressor = d.compressor ?? createCompressor();
  // Segments handed to the compressor and not yet sent; sent raw if the page exits first.
  const inFlight = new Set<{ segment: Segment; done: boolean }>();

  const sendRaw = (s: Segment) =>
    d.sender.sendOnExit(buildSegmentPayload(s.metadata, new TextEncoder().encode(s.json), false));

  const onSegment = (s: Segment) => {
    if (SYNC_EXIT.includes(s.flushReason)) {
      sendRaw(s);
      return;
    }
    const task = { segment: s, done: false };
    inFlight.add(task);
    void compressor.compress(s.json).then(
      monitor((c) => {
        inFlight.delete(task);
        if (task.done) return;
        task.done = true;
        d.sender.send(buildSegmentPayload(s.metadata, c.bytes, c.compressed));
      }),
    );
  };

  const segments = createSegmentCollector({
    context: d.context,
    privacyLevel: d.privacyLevel,
    recorderVersion: RECORDER_VERSION,
    onSegment,
  });

  const now = d.now ?? Date.now;
  let lastFullSnapshot = -Infinity;
  let lastFullSnapshotBytes = 0;

  const emit = (r: RecordLike) => {
    if (r.type === RECORD_META) {
      // The Meta record carries the page URL: redact its query like every other URL we send.
      const data = (r as { data?: { href?: string } }).data;
      if (data && typeof data.href === 'string') data.href = d.redactUrl(data.href);
    }
    const bytes = segments.add(r);
    if (r.type === RECORD_FULL_SNAPSHOT) {
      lastFullSnapshot = now();
      lastFullSnapshotBytes = bytes;
    }
  };

  let recorder: Recorder | undefined = (d.start ?? startRecorder)({
    privacyLevel: d.privacyLevel,
    privacySelectors: d.privacySelectors,
    redactUrl: d.redactUrl,
    emit,
  });

  const flush = (reason: SegmentReason) => {
    segments.flush(reason);
    if (SYNC_EXIT.includes(reason)) {
      for (const t of inFlight) {
        if (!t.done && t.segment.metadata.raw_segment_size < KEEPALIVE_MAX_BYTES) sendRaw(t.segment);
        t.done = true;
      }
      inFlight.clear();
    }
  };

  return {
    viewChanged() {
      if (!recorder) return;
      segments.flush('view_change');
      if (now() - lastFullSnapshot >= viewSnapshotGapMs(lastFullSnapshotBytes)) recorder.takeFullSnapshot();
    },
    flush,
    isRecording: () => recorder !== undefined,
    stop() {
      if (!recorder) return;
      recorder.stop();
      recorder = undefined;
      flush('stop');
      segments.stop();
      if (ownCompressor) compressor.stop();
    },
  };
}
