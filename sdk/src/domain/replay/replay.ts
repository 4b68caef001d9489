// Session replay: rrweb records → segments → compression → upload. A view change flushes the
// current segment and takes a full snapshot unless the last one is under a minute old (on a
// large page a snapshot costs the page a second of script time and hundreds of KB; a player
// seeking into the view starts from the earlier snapshot, at most a minute of records back). On page exit the segment (and any still being compressed) goes out
// uncompressed through sendBeacon/keepalive: there is no time left to wait for the worker.

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
import type { Payload } from '../../transport/httpRequest';

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
  /** Minimum age of the last full snapshot for a view change to take one (ms). */
  minViewSnapshotGapMs?: number;
  now?: () => number;
}

/** A view change takes a full snapshot only when the last one is at least this old. */
export const MIN_VIEW_SNAPSHOT_GAP_MS = 60 * 1000;

/** Reasons after which the page may be gone before a compression finishes. */
const SYNC_EXIT: readonly SegmentReason[] = ['page_hide', 'before_unload', 'stop'];

export function startReplay(d: ReplayDeps): Replay {
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
  const gap = d.minViewSnapshotGapMs ?? MIN_VIEW_SNAPSHOT_GAP_MS;
  let lastFullSnapshot = -Infinity;

  const emit = (r: RecordLike) => {
    if (r.type === RECORD_FULL_SNAPSHOT) lastFullSnapshot = now();
    if (r.type === RECORD_META) {
      // The Meta record carries the page URL: redact its query like every other URL we send.
      const data = (r as { data?: { href?: string } }).data;
      if (data && typeof data.href === 'string') data.href = d.redactUrl(data.href);
    }
    segments.add(r);
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
        if (!t.done) sendRaw(t.segment);
        t.done = true;
      }
      inFlight.clear();
    }
  };

  return {
    viewChanged() {
      if (!recorder) return;
      segments.flush('view_change');
      if (now() - lastFullSnapshot >= gap) recorder.takeFullSnapshot();
    },
    flush,
    isRecording: () => recorder !== undefined,
    stop() {
      if (!recorder) return;
      recorder.stop();
      recorder = undefined;
      flush('stop');
      segments.stop();
      compressor.stop();
    },
  };
}
