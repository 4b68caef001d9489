// Session replay: rrweb records → segments → compression → upload. A view change flushes the
// current segment and takes a full snapshot, so the first segment of every view starts with
// Meta + FullSnapshot. On page exit the segment (and any still being compressed) goes out
// uncompressed through sendBeacon/keepalive: there is no time left to wait for the worker.

import { monitor } from '../../tools/monitor';
import type { PrivacyLevel, PrivacySelectors } from '../privacy';
import { createCompressor, type Compressor } from './compression';
import { RECORDER_VERSION, startRecorder, type Recorder } from './recorder';
import {
  createSegmentCollector,
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
}

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

  const emit = (r: RecordLike) => {
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
      recorder.takeFullSnapshot();
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
