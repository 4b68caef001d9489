import { describe, expect, it, vi } from 'vitest';
import { MAX_VIEW_SNAPSHOT_GAP_MS, SMALL_SNAPSHOT_BYTES, SNAPSHOT_BYTES_PER_SECOND, startReplay, viewSnapshotGapMs } from './replay';
import type { Compressor } from './compression';
import type { RecordLike } from './segments';
import { KEEPALIVE_MAX_BYTES, type Payload } from '../../transport/httpRequest';

// A replay over a fake recorder whose full snapshots carry `snapshotBytes` of text.
function setup(snapshotBytes: number) {
  let t = 1_000_000;
  let emit: (r: RecordLike) => void = () => {};
  const snapshot = () => emit({ type: 2, timestamp: t, data: { text: 'x'.repeat(snapshotBytes) } } as RecordLike);
  const recorder = { takeFullSnapshot: vi.fn(snapshot), stop: vi.fn() };
  const compressor: Compressor = {
    compress: async (data) => ({ bytes: new TextEncoder().encode(data), compressed: false, rawBytes: data.length }),
    mode: () => 'none',
    stop: () => {},
  };
  const replay = startReplay({
    privacyLevel: 'mask-user-input',
    context: () => ({ applicationId: 'a', sessionId: 's', viewId: 'v' }),
    sender: { send: vi.fn(), sendOnExit: vi.fn() },
    redactUrl: (u) => u,
    compressor,
    now: () => t,
    start: (o) => {
      emit = o.emit;
      return recorder;
    },
  });
  emit({ type: 4, timestamp: t } as RecordLike);
  snapshot(); // the recording's first snapshot
  return { replay, recorder, advance: (ms: number) => (t += ms) };
}

describe('replay view changes', () => {
  it('take a full snapshot at every view on an ordinary page', () => {
    const s = setup(200_000);
    s.replay.viewChanged();
    s.replay.viewChanged();
    expect(s.recorder.takeFullSnapshot).toHaveBeenCalledTimes(2);
    s.replay.stop();
  });

  it('space large snapshots out, at most a minute apart', () => {
    const big = 4_000_000; // the bench's 5,000-row table
    expect(viewSnapshotGapMs(big)).toBe(MAX_VIEW_SNAPSHOT_GAP_MS);
    expect(viewSnapshotGapMs(SNAPSHOT_BYTES_PER_SECOND * 10)).toBe(10_000);
    expect(viewSnapshotGapMs(SMALL_SNAPSHOT_BYTES - 1)).toBe(0);
    const s = setup(big);
    s.advance(10_000);
    s.replay.viewChanged();
    expect(s.recorder.takeFullSnapshot).not.toHaveBeenCalled();
    s.advance(MAX_VIEW_SNAPSHOT_GAP_MS - 10_000);
    s.replay.viewChanged();
    expect(s.recorder.takeFullSnapshot).toHaveBeenCalledTimes(1);
    // The snapshot just taken counts: the next view change soon after takes none.
    s.advance(1_000);
    s.replay.viewChanged();
    expect(s.recorder.takeFullSnapshot).toHaveBeenCalledTimes(1);
    s.replay.stop();
  });

  it('on exit sends what the worker still holds as it is, unless it is over the keepalive quota', () => {
    const exit: Payload[] = [];
    let emit: (r: RecordLike) => void = () => {};
    const replay = startReplay({
      privacyLevel: 'mask-user-input',
      context: () => ({ applicationId: 'a', sessionId: 's', viewId: 'v' }),
      sender: { send: vi.fn(), sendOnExit: (p) => p && exit.push(p) },
      redactUrl: (u) => u,
      compressor: { compress: () => new Promise(() => {}), mode: () => 'worker', stop: () => {} }, // never done
      start: (o) => {
        emit = o.emit;
        return { takeFullSnapshot: vi.fn(), stop: vi.fn() };
      },
    });
    emit({ type: 4, timestamp: 1 } as RecordLike);
    emit({ type: 2, timestamp: 2, data: { text: 'x'.repeat(KEEPALIVE_MAX_BYTES) } } as RecordLike); // its own segment, in the worker
    emit({ type: 4, timestamp: 3 } as RecordLike);
    emit({ type: 2, timestamp: 4, data: { text: 'small' } } as RecordLike);
    emit({ type: 3, timestamp: 5 } as RecordLike);
    replay.viewChanged(); // the small segment goes to the worker too
    emit({ type: 3, timestamp: 6 } as RecordLike);
    replay.flush('page_hide');
    expect(exit).toHaveLength(2); // the small one in the worker and the current one; not the big one
    expect(exit.every((p) => p.bytes < KEEPALIVE_MAX_BYTES)).toBe(true);
    replay.stop();
  });
});
