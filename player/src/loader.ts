// Fetches windows on demand, shares one request per window between callers,
// and keeps only the windows near the playhead: a two-hour session is never
// held in memory whole.
import type { PlayerApi } from './api';
import type { ReplayChunk } from './types';
import type { ReplayWindow } from './windows';

export interface WindowLoader {
  /** The window's events if loaded and still cached. */
  get(index: number): ReplayChunk | undefined;
  /** Loads a window (once; concurrent callers share the request). */
  load(index: number): Promise<ReplayChunk>;
  loading(index: number): boolean;
  /**
   * Reads only the head of a window, from its start up to `to` (inclusive),
   * for a first picture sooner; not cached.
   */
  head(index: number, to: number): Promise<ReplayChunk>;
  /** Drops cached windows outside [from, to]. */
  retain(from: number, to: number): void;
  cached(): number[];
}

export interface LoaderOptions {
  /** Called once per fetched window, before load() resolves. */
  onLoaded?: (index: number, chunk: ReplayChunk) => void;
}

export function createWindowLoader(api: PlayerApi, windows: ReplayWindow[], opts: LoaderOptions = {}): WindowLoader {
  const cache = new Map<number, ReplayChunk>();
  const inflight = new Map<number, Promise<ReplayChunk>>();
  return {
    get: (i) => cache.get(i),
    loading: (i) => inflight.has(i),
    head(i, to) {
      const w = windows[i];
      if (!w) return Promise.reject(new Error(`no replay window ${i}`));
      return api.replay(w.from, to);
    },
    load(i) {
      const hit = cache.get(i);
      if (hit) return Promise.resolve(hit);
      const pending = inflight.get(i);
      if (pending) return pending;
      const w = windows[i];
      if (!w) return Promise.reject(new Error(`no replay window ${i}`));
      const p = api
        .replay(w.from, w.to - 1)
        .then((chunk) => {
          cache.set(i, chunk);
          opts.onLoaded?.(i, chunk);
          return chunk;
        })
        .finally(() => inflight.delete(i));
      inflight.set(i, p);
      return p;
    },
    retain(from, to) {
      for (const i of cache.keys()) if (i < from || i > to) cache.delete(i);
    },
    cached: () => Array.from(cache.keys()).sort((a, b) => a - b),
  };
}
