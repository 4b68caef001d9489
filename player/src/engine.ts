// The one file that imports rrweb. An Engine is one rrweb Replayer over a run
// of loaded windows, rendering into its own root element. The controller
// builds an Engine at a full snapshot, appends later windows as they arrive,
// and replaces the Engine (destroying this one) on a far seek or when it
// holds too much. Times here are ms since epoch; rrweb's are offsets from the
// first event it was given.
import { Replayer } from 'rrweb';
import type { ReplayEvent } from './types';

export interface Engine {
  /** The element that holds rrweb's wrapper (mouse cursor, iframe). */
  readonly root: HTMLElement;
  readonly iframe: HTMLIFrameElement;
  /** Timestamp of the first event held (rrweb's time zero). */
  readonly firstTs: number;
  /** Timestamp of the last event held. */
  lastTs(): number;
  /** How many events rrweb holds: the controller replaces engines that grow too big. */
  eventCount(): number;
  /**
   * Hands events to rrweb, which takes them in microtasks: the promise
   * settles once it has them all (align the picture after that, not before).
   */
  append(events: ReplayEvent[]): Promise<void>;
  playAt(t: number): void;
  /** True once rrweb ran out of events and stopped its clock. */
  finished(): boolean;
  /** Stops rrweb's clock where it is (the picture stays). */
  stop(): void;
  pauseAt(t: number): void;
  setSpeed(speed: number): void;
  /** Where rrweb's own clock is (ms since epoch). */
  currentTime(): number;
  /** The recorded viewport size, once the first Meta event was applied. */
  size(): { width: number; height: number } | null;
  onResize(cb: (size: { width: number; height: number }) => void): void;
  destroy(): void;
}

export interface EngineOptions {
  speed: number;
  onWarning?: (msg: string) => void;
}

/**
 * createEngine builds a Replayer from events (which must start at or before a
 * full snapshot, with at least two events) inside a new element appended to host.
 */
export function createEngine(host: HTMLElement, events: ReplayEvent[], opts: EngineOptions): Engine {
  const root = document.createElement('div');
  root.className = 'rp-engine';
  // First in the host: during a swap the new engine is the one found first. An
  // iframe must never be moved after creation (its document would be discarded).
  host.prepend(root);
  let warnings = 0;
  const replayer = new Replayer(events, {
    root,
    speed: opts.speed,
    // Reprise decides what is inactive (DESIGN 5) and skips it itself.
    skipInactive: false,
    // Recorded scripts never run: rrweb's default iframe is sandboxed with
    // "allow-same-origin" only; UNSAFE_replayCanvas would add allow-scripts.
    UNSAFE_replayCanvas: false,
    showWarning: false,
    triggerFocus: false,
    mouseTail: { strokeStyle: 'rgba(124, 92, 255, 0.55)', lineWidth: 2, duration: 600 },
    logger: {
      log: () => {},
      // rrweb warns once per node it cannot find; a damaged recording would flood the console.
      warn: (...args: unknown[]) => {
        if (warnings++ < 20) opts.onWarning?.(args.map(String).join(' '));
      },
    },
  });
  const firstTs = events[0].timestamp;
  let last = events[events.length - 1].timestamp;
  let count = events.length;
  let dims: { width: number; height: number } | null = null;
  const resizeCbs: ((s: { width: number; height: number }) => void)[] = [];
  const finishedCbs: (() => void)[] = [];
  let finished = false;
  // rrweb stops its clock 50 ms after the last event it holds; events added
  // after that are not scheduled until the next play().
  replayer.on('finish', () => {
    finished = true;
    for (const cb of finishedCbs) cb();
  });
  replayer.on('resize', (d: unknown) => {
    const s = d as { width: number; height: number };
    dims = { width: s.width, height: s.height };
    for (const cb of resizeCbs) cb(dims);
  });
  // rrweb applies the events strictly before the target when it seeks; +1 ms
  // shows what happened at the target itself too (an error's message, the
  // page a click led to), which is what a person seeking there wants to see.
  const offset = (t: number) => Math.max(0, t - firstTs + 1);
  return {
    root,
    iframe: replayer.iframe,
    firstTs,
    lastTs: () => last,
    eventCount: () => count,
    append(evs) {
      for (const e of evs) {
        replayer.addEvent(e);
        if (e.timestamp > last) last = e.timestamp;
        count++;
      }
      // rrweb queues one microtask per added event; this one runs after them.
      return Promise.resolve();
    },
    playAt(t) {
      finished = false;
      replayer.play(offset(t));
    },
    finished: () => finished,
    stop() {
      replayer.pause();
    },
    pauseAt(t) {
      replayer.pause(offset(t));
    },
    setSpeed(speed) {
      replayer.setConfig({ speed });
    },
    currentTime: () => firstTs + replayer.getCurrentTime() - 1,
    size: () => dims,
    onResize(cb) {
      resizeCbs.push(cb);
      if (dims) cb(dims);
    },
    destroy() {
      replayer.pause();
      replayer.destroy();
      root.remove();
      resizeCbs.length = 0;
      finishedCbs.length = 0;
    },
  };
}
