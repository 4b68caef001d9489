import { describe, expect, it, vi } from 'vitest';
import { MIN_VIEW_SNAPSHOT_GAP_MS, startReplay } from './replay';
import type { Compressor } from './compression';
import type { RecordLike } from './segments';

function setup() {
  let t = 1_000_000;
  let emit: (r: RecordLike) => void = () => {};
  const recorder = { takeFullSnapshot: vi.fn(() => emit({ type: 2, timestamp: t } as RecordLike)), stop: vi.fn() };
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
  return { replay, recorder, emit: (r: RecordLike) => emit(r), advance: (ms: number) => (t += ms), now: () => t };
}

describe('replay view changes', () => {
  it('take a full snapshot only when the last one is at least a minute old', () => {
    const s = setup();
    s.emit({ type: 4, timestamp: s.now() });
    s.emit({ type: 2, timestamp: s.now() }); // the recording's first snapshot
    s.advance(10_000);
    s.replay.viewChanged();
    expect(s.recorder.takeFullSnapshot).not.toHaveBeenCalled();
    s.advance(MIN_VIEW_SNAPSHOT_GAP_MS - 10_000);
    s.replay.viewChanged();
    expect(s.recorder.takeFullSnapshot).toHaveBeenCalledTimes(1);
    // The snapshot just taken counts: the next view change soon after takes none.
    s.advance(1_000);
    s.replay.viewChanged();
    expect(s.recorder.takeFullSnapshot).toHaveBeenCalledTimes(1);
    s.replay.stop();
  });
});
