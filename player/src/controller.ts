// Playback: one clock (ms since epoch) that the whole page follows, and the
// engines (rrweb Replayers) made to follow it. The clock advances on animation
// frames by elapsed time × speed, stops at the edge of what is loaded
// (buffering), and jumps over inactive stretches when asked. rrweb's own
// clock runs alongside for smooth cursor and click animation; the controller
// re-aligns it on every play, seek and skip.
import { createEngine, type Engine } from './engine';
import { skipTarget, type Stretch } from './activity';
import type { WindowLoader } from './loader';
import { prepareChunk, windowEndMarker, type Meta, type PreparedChunk } from './prepare';
import type { ReplayChunk, ReplayEvent } from './types';
import { windowAt, type ReplayWindow } from './windows';

export interface PlayerState {
  position: number; // ms since epoch
  start: number;
  end: number;
  playing: boolean;
  speed: number;
  buffering: boolean; // playing, but the next window has not arrived
  loading: boolean; // the window at the playhead is being fetched
  gap: boolean; // no playable recording at the playhead (missing or unreadable)
  ended: boolean;
  loadedTo: number; // how far from the playhead the recording is ready
  engineWindows: [number, number] | null;
  cachedWindows: number[];
  skips: number;
  engineEvents: number;
}

export interface Clock {
  now(): number;
  frame(cb: () => void): number;
  cancel(id: number): void;
  later(cb: () => void, ms: number): void;
}

export interface ControllerOptions {
  host: HTMLElement;
  windows: ReplayWindow[];
  loader: WindowLoader;
  start: number;
  end: number;
  speed: number;
  skipInactive: () => boolean;
  stretches: () => Stretch[];
  onEngine?: (e: Engine) => void;
  onFrame?: (s: PlayerState) => void;
  onWindowError?: (index: number, err: unknown) => void;
  onWarning?: (msg: string) => void;
  clock?: Clock;
  /** Builds engines; tests pass a fake (the real one needs a browser and rrweb). */
  createEngine?: typeof createEngine;
  /** An engine holding this many windows is replaced at the next window start instead of growing. */
  maxEngineWindows?: number;
  maxEngineEvents?: number;
  /** Fetch the next window this long (real time) before the playhead reaches it. */
  prefetchMs?: number;
  /**
   * On a cold open or far seek, first read the window only up to this far
   * past the target (session time) and show it, then the whole window. 0: off.
   */
  headMs?: number;
}

export interface Controller {
  play(): void;
  pause(): void;
  toggle(): void;
  seek(t: number): void;
  setSpeed(speed: number): void;
  state(): PlayerState;
  engine(): Engine | null;
  destroy(): void;
}

const browserClock: Clock = {
  now: () => performance.now(),
  frame: (cb) => requestAnimationFrame(cb),
  cancel: (id) => cancelAnimationFrame(id),
  later: (cb, ms) => void setTimeout(cb, ms),
};

export function createController(o: ControllerOptions): Controller {
  const clock = o.clock ?? browserClock;
  const windows = o.windows;
  const maxWindows = o.maxEngineWindows ?? 3;
  const maxEvents = o.maxEngineEvents ?? 150_000;
  const prefetchMs = o.prefetchMs ?? 20_000;
  const appendLeadMs = Math.min(prefetchMs, 3_000);
  const headMs = o.headMs ?? 10_000;
  // > 0 while the engine holds only the head of its last window, up to this time.
  let partialTo = 0;
  const heading = new Set<number>(); // windows whose head is being read
  let builtAt = -Infinity;
  let pos = o.start;
  let playing = false;
  let ended = false;
  let speed = o.speed;
  let buffering = false;
  let skips = 0;
  let engine: Engine | null = null;
  let engFirst = -1;
  let engLast = -1;
  let lastFrame = clock.now();
  let frameId = 0;
  let destroyed = false;
  const failed = new Set<number>();
  // Prepared chunks, keyed by the loader's chunk object so that an evicted
  // window's preparation goes with it.
  const preparedOf = new WeakMap<ReplayChunk, PreparedChunk>();
  const metaAfter = new Map<number, Meta>(); // last page dimensions seen in window i

  const prepared = (i: number): PreparedChunk | undefined => {
    const chunk = o.loader.get(i);
    if (!chunk) return undefined;
    let p = preparedOf.get(chunk);
    if (!p) {
      p = prepareChunk(chunk.events, windows[i].to, metaAfter.get(i - 1) ?? null);
      if (p.lastMeta) metaAfter.set(i, p.lastMeta);
      preparedOf.set(chunk, p);
    }
    return p;
  };

  const load = (i: number) => {
    if (i < 0 || i >= windows.length || failed.has(i) || o.loader.get(i) || o.loader.loading(i)) return;
    o.loader.load(i).then(
      () => {
        if (destroyed) return;
        // The engine shows this window's head: the rest waits until playback
        // needs it (completeHeadIfDue), so a paused seek pays nothing more.
        if (partialTo && engine && engLast === i) completeHeadIfDue();
        // The playhead is waiting for this window: show it now, not a frame later.
        else if (windowAt(windows, pos) === i && !covers(i)) ensureEngine();
      },
      (err) => {
        failed.add(i);
        o.onWindowError?.(i, err);
      },
    );
  };

  // Past the head of a partly read window, the engine has nothing to show yet.
  const covers = (i: number) =>
    engine !== null && i >= engFirst && i <= engLast && !(partialTo && i === engLast && pos > partialTo);

  /** A window the clock may play through: loaded (playable or not) or failed. */
  const ready = (i: number) => covers(i) || failed.has(i) || o.loader.get(i) !== undefined;

  // loadedTo: the playhead may advance up to here without waiting for data.
  const loadedTo = (): number => {
    let i = windowAt(windows, pos);
    if (i < 0) return o.end;
    if (!ready(i)) return pos;
    if (partialTo && i === engLast && covers(i) && !o.loader.get(i)) return Math.max(pos, partialTo);
    while (i + 1 < windows.length && ready(i + 1)) i++;
    return i + 1 < windows.length ? windows[i].to : Math.max(o.end, windows[i].to);
  };

  const retire = (old: Engine, fresh: Engine | null) => {
    old.stop();
    if (!fresh) {
      old.destroy();
      return;
    }
    // Keep the old picture until the new iframe is sized and shown: no blank
    // flash. Then hide it at once, and tear it down a little later: unloading
    // an iframe's document takes tens of ms, better spent after the new
    // picture is on screen.
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      old.root.style.display = 'none';
      clock.later(() => {
        performance.mark('reprise:teardown');
        old.destroy();
        performance.mark('reprise:torn-down');
      }, 250);
    };
    fresh.onResize(() => clock.frame(finish));
    clock.later(finish, 1000);
  };

  // buildAt makes a fresh engine from window i (whose chunk is loaded) at the playhead.
  const buildAt = (i: number) => {
    const p = prepared(i);
    build(i, p && p.playable ? p.events.concat(windowEndMarker(windows[i].to - 1)) : null, 0);
  };

  // build replaces the engine with one over events (window i, or its head up
  // to headTo), showing the playhead; null events drop the engine (a gap).
  const build = (i: number, events: ReplayEvent[] | null, headTo: number) => {
    const old = engine;
    engine = null;
    engFirst = engLast = -1;
    partialTo = 0;
    if (!events || events.length < 2) {
      if (old) retire(old, null);
      return;
    }
    performance.mark('reprise:build');
    let fresh: Engine;
    try {
      fresh = (o.createEngine ?? createEngine)(o.host, events, { speed, onWarning: o.onWarning });
    } catch (err) {
      failed.add(i);
      o.onWindowError?.(i, err);
      if (old) retire(old, null);
      return;
    }
    engine = fresh;
    engFirst = engLast = i;
    partialTo = headTo;
    builtAt = clock.now();
    o.onEngine?.(fresh);
    performance.mark('reprise:built');
    if (playing) fresh.playAt(pos);
    else fresh.pauseAt(pos);
    performance.mark('reprise:applied');
    if (old) retire(old, fresh);
  };

  // readHead reads window i up to a little past the playhead and shows that,
  // then the whole window: the first picture needs only the head.
  const readHead = (i: number) => {
    const w = windows[i];
    const to = Math.floor(Math.max(pos, w.from) + headMs);
    if (headMs <= 0 || to >= w.to - 1 - headMs) {
      load(i); // the head would be most of the window
      return;
    }
    heading.add(i);
    o.loader.head(i, to).then(
      (chunk) => {
        heading.delete(i);
        // The rest of the window is needed only to play on: a paused seek
        // (someone scrubbing, looking) does not pay for it.
        if (playing) load(i);
        if (destroyed || o.loader.get(i) || covers(i) || windowAt(windows, pos) !== i || pos > to) return;
        const p = prepareChunk(chunk.events, to + 1, metaAfter.get(i - 1) ?? null);
        if (p.playable) build(i, p.events, to);
      },
      () => {
        heading.delete(i);
        load(i); // the whole window may still be readable
      },
    );
  };

  // completeHeadIfDue gives the engine the rest of its window once that has
  // arrived and playback is about to need it (or a seek went past the head).
  // Appending costs rrweb a state-machine step per event, tens to hundreds of
  // ms for a window: never on the path of a paused seek.
  // Returns true when it started one and the playhead is past the head: the
  // engine is then aligned once rrweb has the events, not before.
  const completeHeadIfDue = (): boolean => {
    if (!partialTo || !engine || !o.loader.get(engLast)) return false;
    if (pos > partialTo || (playing && pos >= partialTo - appendLeadMs * Math.max(1, speed))) {
      const past = pos > partialTo;
      completeHead(engLast);
      return past && partialTo === 0;
    }
    return false;
  };

  // completeHead appends the rest of window i to the engine that shows its head.
  const completeHead = (i: number) => {
    const p = prepared(i);
    if (!engine || !p || !p.playable) {
      buildAt(i);
      return;
    }
    const from = partialTo;
    partialTo = 0;
    const e = engine;
    void e.append(p.events.filter((x) => x.timestamp > from).concat(windowEndMarker(windows[i].to - 1))).then(() => {
      if (engine !== e) return;
      // A seek went past the head meanwhile, or rrweb ran out of head: catch up.
      if (pos > from) alignEngine();
      else if (playing && e.finished()) e.playAt(pos);
    });
  };

  // ensureEngine makes sure the engine covers the playhead's window, loading it if needed.
  const ensureEngine = () => {
    const i = windowAt(windows, pos);
    if (i < 0 || covers(i)) return;
    if (engine) engine.stop(); // the old picture stays while the window loads
    if (failed.has(i)) {
      if (engine) buildAt(i); // drops the engine: the gap overlay says why
      return;
    }
    if (!o.loader.get(i)) {
      if (!o.loader.loading(i) && !heading.has(i)) readHead(i);
      return;
    }
    buildAt(i);
  };

  // appendAhead feeds the next window to the running engine before the playhead needs it.
  const appendAhead = () => {
    // Paused, nothing is needed ahead: fetch when playback starts.
    if (!playing) return;
    const cur = windowAt(windows, pos);
    // From the engine's last window while it plays the playhead's window;
    // from the playhead's window while that one is still loading.
    const next = (covers(cur) ? engLast : cur) + 1;
    if (next >= windows.length || windows[next].from - pos > prefetchMs * speed) return;
    if (!o.loader.get(next)) {
      load(next);
      return;
    }
    if (!engine || !covers(cur) || engLast !== next - 1 || partialTo) return;
    // Appending costs rrweb a state-machine step per event (tens of ms for a
    // window): do it close to the boundary, and never in the frames right
    // after a build, which belong to showing the seek's picture.
    if (windows[next].from - pos > appendLeadMs * Math.max(1, speed) || clock.now() - builtAt < 500) return;
    const tooBig = engLast - engFirst + 1 >= maxWindows || engine.eventCount() >= maxEvents;
    const p = prepared(next);
    // A big engine is replaced at the next window's start (cheap: a full
    // snapshot is all there is to apply), which lets the old one be collected.
    if (tooBig || !p || !p.playable) return;
    const e = engine;
    engLast = next;
    void e.append(p.events.concat(windowEndMarker(windows[next].to - 1))).then(() => {
      if (engine === e && playing && e.finished()) e.playAt(pos);
    });
  };

  const alignEngine = () => {
    if (!engine) return;
    if (playing) engine.playAt(pos);
    else engine.pauseAt(pos);
  };

  const state = (): PlayerState => {
    const i = windowAt(windows, pos);
    const loading = i >= 0 && !covers(i) && !failed.has(i) && o.loader.get(i) === undefined;
    // (a partly read window past its head counts as loading: its rest is on the way)
    return {
      position: pos,
      start: o.start,
      end: o.end,
      playing,
      speed,
      buffering,
      loading,
      gap: !engine && !loading,
      ended,
      loadedTo: loadedTo(),
      engineWindows: engine ? [engFirst, engLast] : null,
      cachedWindows: o.loader.cached(),
      skips,
      engineEvents: engine ? engine.eventCount() : 0,
    };
  };

  const tick = () => {
    if (destroyed) return;
    const now = clock.now();
    const dt = Math.max(0, now - lastFrame);
    lastFrame = now;
    if (playing) {
      const edge = loadedTo();
      let next = Math.min(pos + dt * speed, o.end);
      const wasBuffering = buffering;
      buffering = next >= edge && edge < o.end;
      if (buffering) next = Math.max(pos, edge);
      pos = next;
      completeHeadIfDue();
      if (wasBuffering && !buffering && engine?.finished()) engine.playAt(pos);
      if (o.skipInactive()) {
        const target = skipTarget(o.stretches(), pos, edge);
        if (target !== null) {
          pos = target;
          skips++;
          if (completeHeadIfDue()) {
            // aligned when rrweb has the rest of the window
          } else if (covers(windowAt(windows, pos))) alignEngine();
          else ensureEngine();
        }
      }
      if (pos >= o.end) {
        pos = o.end;
        playing = false;
        ended = true;
        buffering = false;
        engine?.stop();
      }
    }
    ensureEngine();
    appendAhead();
    const i = windowAt(windows, pos);
    o.loader.retain(Math.min(i - 1, engFirst < 0 ? i : engFirst), Math.max(i, engLast) + 2);
    // rrweb's clock runs on the same time source; re-align only if it strays
    // (a long task, a tab in the background).
    if (playing && engine && !engine.finished() && pos < engine.lastTs()) {
      if (Math.abs(engine.currentTime() - pos) > 1000 * Math.max(1, speed)) engine.playAt(pos);
    }
    o.onFrame?.(state());
    frameId = clock.frame(tick);
  };
  frameId = clock.frame(tick);

  const ctl: Controller = {
    play() {
      if (ended || pos >= o.end) {
        pos = o.start;
        ended = false;
      }
      playing = true;
      lastFrame = clock.now();
      if (partialTo && engine) load(engLast); // the rest of a head-first window
      completeHeadIfDue();
      ensureEngine();
      engine?.playAt(pos);
    },
    pause() {
      playing = false;
      buffering = false;
      if (engine) {
        engine.stop();
        // Stay exactly where rrweb stopped, so pausing never re-renders the picture.
        const t = engine.currentTime();
        if (!engine.finished() && Math.abs(t - pos) < 1000 * Math.max(1, speed)) pos = Math.min(Math.max(t, o.start), o.end);
      }
    },
    toggle() {
      if (playing) ctl.pause();
      else ctl.play();
    },
    seek(t) {
      pos = Math.min(Math.max(t, o.start), o.end);
      ended = false;
      buffering = false;
      lastFrame = clock.now();
      const i = windowAt(windows, pos);
      if (completeHeadIfDue()) {
        // aligned when rrweb has the rest of the window
      } else if (covers(i)) alignEngine();
      else ensureEngine();
      o.onFrame?.(state());
    },
    setSpeed(s) {
      speed = s;
      engine?.setSpeed(s);
    },
    state,
    engine: () => engine,
    destroy() {
      destroyed = true;
      clock.cancel(frameId);
      if (engine) engine.destroy();
      engine = null;
    },
  };
  return ctl;
}
