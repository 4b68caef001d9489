import { describe, expect, it } from 'vitest';
import type { PlayerApi } from './api';
import { createController, type Clock, type ControllerOptions } from './controller';
import type { Engine } from './engine';
import { createWindowLoader } from './loader';
import type { ReplayChunk, ReplayEvent, SegmentInfo } from './types';
import { planWindows } from './windows';

// A session of 4 windows of 5 minutes, each starting with Meta + FullSnapshot
// and holding a mutation every 10 s.
const min = 60_000;
const t0 = 1_700_000_000_000;
const segs: SegmentInfo[] = [0, 1, 2, 3].map((i) => ({ id: `s${i}`, start: t0 + i * 5 * min, end: t0 + (i + 1) * 5 * min - 1, has_full_snapshot: true, records_count: 32 }));
const end = t0 + 20 * min;

function windowEvents(from: number, to: number): ReplayEvent[] {
  const out = [
    { type: 4, timestamp: from, data: { href: 'https://x.test/', width: 800, height: 600 } },
    { type: 2, timestamp: from, data: { node: {}, initialOffset: { top: 0, left: 0 } } },
  ] as unknown as ReplayEvent[];
  for (let t = from + 10_000; t < to; t += 10_000) out.push({ type: 3, timestamp: t, data: { source: 0, adds: [], removes: [], texts: [], attributes: [] } } as unknown as ReplayEvent);
  return out;
}

interface FakeEngine extends Engine {
  calls: string[];
  destroyed: boolean;
  appended: number;
}

function setup(opts: Partial<ControllerOptions> & { replay?: (from: number, to: number) => Promise<ReplayChunk> } = {}) {
  let now = 0;
  const frames: (() => void)[] = [];
  let timers: { at: number; cb: () => void }[] = [];
  const clock: Clock = {
    now: () => now,
    frame: (cb) => frames.push(cb),
    cancel: () => {},
    later: (cb, ms) => void timers.push({ at: now + ms, cb }),
  };
  const asked: [number, number][] = [];
  const api: PlayerApi = {
    session: async () => ({ id: 's', start: t0, end, duration: end - t0 }),
    events: async () => [],
    segments: async () => segs,
    replay: opts.replay ?? (async (from, to) => {
      asked.push([from, to]);
      return { events: windowEvents(from, to + 1), missing: [] };
    }),
  };
  const windows = planWindows(segs, end);
  const loader = createWindowLoader(api, windows);
  const engines: FakeEngine[] = [];
  const createEngine = (_host: HTMLElement, events: ReplayEvent[], o: { speed: number }): Engine => {
    let base = events[0].timestamp;
    let baseNow = now;
    let playing = false;
    let speed = o.speed;
    let last = events[events.length - 1].timestamp;
    let count = events.length;
    const e: FakeEngine = {
      calls: [],
      destroyed: false,
      appended: 0,
      root: document.createElement('div'),
      iframe: document.createElement('iframe'),
      firstTs: events[0].timestamp,
      lastTs: () => last,
      eventCount: () => count,
      append(evs) {
        e.calls.push('append');
        e.appended++;
        count += evs.length;
        last = Math.max(last, ...evs.map((x) => x.timestamp));
        return Promise.resolve();
      },
      playAt(t) {
        e.calls.push(`play@${t - t0}`);
        base = t;
        baseNow = now;
        playing = true;
      },
      pauseAt(t) {
        e.calls.push(`pause@${t - t0}`);
        base = t;
        playing = false;
      },
      finished: () => false,
      stop() {
        base = e.currentTime();
        playing = false;
      },
      setSpeed(s) {
        base = e.currentTime();
        baseNow = now;
        speed = s;
      },
      currentTime: () => (playing ? base + (now - baseNow) * speed : base),
      size: () => ({ width: 800, height: 600 }),
      onResize: (cb) => cb({ width: 800, height: 600 }),
      destroy() {
        e.destroyed = true;
      },
    };
    engines.push(e);
    return e;
  };
  const ctl = createController({
    host: document.createElement('div'),
    windows,
    loader,
    start: t0,
    end,
    speed: 1,
    skipInactive: () => false,
    stretches: () => [],
    clock,
    createEngine,
    headMs: 0,
    ...opts,
  });
  const flush = () => new Promise((r) => setTimeout(r, 0));
  // advance runs animation frames of 100 ms of real time, letting fetches resolve between them.
  const advance = async (ms: number) => {
    for (let done = 0; done < ms; done += 100) {
      now += 100;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.cb();
      const batch = frames.splice(0);
      for (const f of batch) f();
      await flush();
    }
  };
  return { ctl, engines, asked, loader, windows, advance, flush };
}

describe('controller', () => {
  it('loads only the window at the target, then builds an engine there', async () => {
    const { ctl, engines, asked, advance } = setup();
    ctl.seek(t0 + 12 * min);
    await advance(200);
    expect(asked.map(([f]) => (f - t0) / min)).toEqual([10]);
    expect(engines).toHaveLength(1);
    expect(engines[0].firstTs).toBe(t0 + 10 * min);
    expect(engines[0].calls).toEqual([`pause@${12 * min}`]);
    expect(ctl.state()).toMatchObject({ loading: false, engineWindows: [2, 2], playing: false });
  });

  it('plays at speed and appends the next window before reaching it, without a new engine', async () => {
    const { ctl, engines, asked, advance } = setup();
    ctl.seek(t0 + 4 * min + 30_000);
    await advance(200);
    ctl.setSpeed(4);
    ctl.play();
    await advance(10_000); // 40 s of session time: across the window boundary at 5 min
    const s = ctl.state();
    expect(s.position - t0).toBeGreaterThanOrEqual(4 * min + 30_000 + 39_000);
    expect(s.position - t0).toBeLessThanOrEqual(4 * min + 30_000 + 41_000);
    expect(asked.map(([f]) => (f - t0) / min)).toEqual([0, 5]);
    expect(engines).toHaveLength(1);
    expect(engines[0].appended).toBe(1);
    expect(s.engineWindows).toEqual([0, 1]);
  });

  it('on a far seek builds a new engine from that window only and lets the old one go', async () => {
    const { ctl, engines, asked, loader, advance } = setup();
    ctl.seek(t0 + 1000);
    await advance(200);
    ctl.seek(t0 + 17 * min);
    await advance(600); // fetch, build, a frame to hide the old picture, then its teardown
    expect(asked.map(([f]) => (f - t0) / min)).toEqual([0, 15]);
    expect(engines).toHaveLength(2);
    expect(engines[0].destroyed).toBe(true);
    expect(engines[1].firstTs).toBe(t0 + 15 * min);
    expect(loader.cached()).toEqual([3]);
    // A seek back inside the engine's windows reuses it.
    ctl.seek(t0 + 16 * min);
    expect(engines).toHaveLength(2);
    expect(engines[1].calls[engines[1].calls.length - 1]).toBe(`pause@${16 * min}`);
  });

  it('waits (buffering) at the edge of what is loaded and goes on when the window arrives', async () => {
    const gates = new Map<number, () => void>();
    const replay = (from: number, to: number) =>
      new Promise<ReplayChunk>((resolve) => {
        const go = () => resolve({ events: windowEvents(from, to + 1), missing: [] });
        if (from === t0) go();
        else gates.set(from, go);
      });
    const { ctl, advance } = setup({ replay });
    ctl.seek(t0 + 5 * min - 3000);
    await advance(200);
    ctl.play();
    await advance(5000);
    expect(ctl.state()).toMatchObject({ buffering: true, position: t0 + 5 * min });
    gates.get(t0 + 5 * min)!();
    await advance(2000);
    const s = ctl.state();
    expect(s.buffering).toBe(false);
    expect(s.position).toBeGreaterThan(t0 + 5 * min + 1000);
  });

  it('skips inactive stretches, but never past what is loaded', async () => {
    const stretches = [{ from: t0 + 60_000, to: t0 + 14 * min }];
    const { ctl, advance } = setup({ skipInactive: () => true, stretches: () => stretches });
    ctl.seek(t0 + 59_000);
    await advance(200);
    ctl.play();
    await advance(2000);
    // Jumped to the end of window 0 (not loaded further), then on as windows arrived.
    await advance(3000);
    const s = ctl.state();
    expect(s.skips).toBeGreaterThanOrEqual(2);
    expect(s.position - t0).toBeGreaterThanOrEqual(14 * min - 1000);
    expect(s.position - t0).toBeLessThan(14 * min + 5000);
  });

  it('replaces an engine that holds too many windows at the next window start', async () => {
    const { ctl, engines, advance } = setup({ maxEngineWindows: 2, prefetchMs: 5_000 });
    ctl.seek(t0 + 4 * min + 50_000);
    await advance(200);
    ctl.play();
    ctl.setSpeed(4);
    // Through window 1 (5 min at 4x = 75 s) into window 2.
    await advance(80_000);
    expect(ctl.state().position - t0).toBeGreaterThan(10 * min);
    expect(engines.length).toBe(2);
    expect(engines[0].destroyed).toBe(true);
    expect(engines[1].firstTs).toBe(t0 + 10 * min);
  });

  it('plays through a window that cannot be loaded, reporting it once', async () => {
    const errors: number[] = [];
    const replay = async (from: number, to: number) => {
      if (from === t0 + 5 * min) throw new Error('500 segment unreadable');
      return { events: windowEvents(from, to + 1), missing: [] };
    };
    const { ctl, engines, advance } = setup({ replay, onWindowError: (i) => errors.push(i) });
    ctl.seek(t0 + 6 * min);
    await advance(300);
    expect(ctl.state()).toMatchObject({ gap: true, loading: false });
    ctl.setSpeed(4);
    ctl.play();
    await advance(70_000); // 4 min 40 s of session time: into window 2
    expect(ctl.state().position - t0).toBeGreaterThan(10 * min);
    expect(ctl.state().gap).toBe(false);
    expect(errors).toEqual([1]);
    expect(engines[engines.length - 1].firstTs).toBe(t0 + 10 * min);
  });

  it('shows the head of a far window first, then appends the rest to the same engine', async () => {
    const asked: [number, number][] = [];
    const gate: (() => void)[] = [];
    const replay = (from: number, to: number) =>
      new Promise<ReplayChunk>((resolve) => {
        asked.push([from - t0, to - t0]);
        const go = () => resolve({ events: windowEvents(from, to + 1), missing: [] });
        // The whole window waits until the test lets it go.
        if (to - from > 200_000) gate.push(go);
        else go();
      });
    const { ctl, engines, advance } = setup({ replay, headMs: 10_000 });
    ctl.seek(t0 + 11 * min);
    await advance(200);
    // Paused: the head only; the rest of the window is read when playback starts.
    expect(asked).toEqual([[10 * min, 11 * min + 10_000]]);
    expect(engines).toHaveLength(1);
    expect(engines[0].calls).toEqual([`pause@${11 * min}`]);
    ctl.play();
    expect(asked[1]).toEqual([10 * min, 15 * min - 1]);
    await advance(15_000);
    // Held at the end of the head until the rest arrives.
    expect(ctl.state()).toMatchObject({ buffering: true, position: t0 + 11 * min + 10_000 });
    gate.forEach((go) => go());
    await advance(2000);
    expect(engines).toHaveLength(1);
    expect(engines[0].appended).toBe(1);
    expect(ctl.state().buffering).toBe(false);
    expect(ctl.state().position - t0).toBeGreaterThan(11 * min + 11_000);
  });

  it('paused on a head, leaves the rest of the window aside until playback needs it', async () => {
    const { ctl, engines, advance } = setup({ headMs: 10_000 });
    ctl.seek(t0 + 11 * min);
    await advance(1000); // head and whole window both arrived
    expect(engines).toHaveLength(1);
    expect(engines[0].appended).toBe(0);
    ctl.play();
    await advance(5000); // 1 s short of the head's end minus the 3 s lead: not yet
    expect(engines[0].appended).toBe(0);
    await advance(3000);
    expect(engines[0].appended).toBe(1);
    expect(ctl.state().buffering).toBe(false);
    expect(engines).toHaveLength(1);
  });

  it('a seek past the head appends the rest, then shows the target (after rrweb took the events)', async () => {
    const { ctl, engines, advance, flush } = setup({ headMs: 10_000 });
    ctl.seek(t0 + 11 * min);
    await advance(500);
    ctl.play(); // reads the rest of the window
    await advance(300);
    ctl.pause();
    expect(engines[0].appended).toBe(0);
    ctl.seek(t0 + 14 * min);
    await flush();
    expect(engines).toHaveLength(1);
    const calls = engines[0].calls;
    expect(calls.slice(calls.indexOf('append'))).toEqual(['append', `pause@${14 * min}`]);
  });

  it('reads the whole window at once when the head would be most of it', async () => {
    const asked: number[] = [];
    const replay = async (from: number, to: number) => {
      asked.push(to - from);
      return { events: windowEvents(from, to + 1), missing: [] };
    };
    const { ctl, advance } = setup({ replay, headMs: 10_000 });
    ctl.seek(t0 + 14 * min + 55_000);
    await advance(200);
    // One read of window 2, whole (then window 3, which starts 5 s later, ahead of the playhead).
    expect(asked[0]).toBe(5 * min - 1);
  });

  it('stops at the end and plays again from the start', async () => {
    const { ctl, advance } = setup();
    ctl.seek(end - 1500);
    await advance(200);
    ctl.play();
    await advance(2000);
    expect(ctl.state()).toMatchObject({ playing: false, ended: true, position: end });
    ctl.play();
    expect(ctl.state().position).toBe(t0);
  });
});
