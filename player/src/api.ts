// The player's view of the query API (DESIGN 3.6). One function per endpoint;
// each normalises what the server sends, because replay data is untrusted and
// the server may wrap lists in an object ({"segments": [...]}) or not.
import type { MissingPart, ReplayChunk, ReplayEvent, RumEvent, SegmentInfo, SessionInfo } from './types';

export interface PlayerApi {
  session(): Promise<SessionInfo>;
  events(): Promise<RumEvent[]>;
  segments(): Promise<SegmentInfo[]>;
  /**
   * Replay events from the full snapshot at or before `from` up to `to` (ms
   * since epoch). `purpose` tags background reads ("scan") in the URL, so logs
   * and tests can tell them from what playback waits for.
   */
  replay(from: number, to: number, signal?: AbortSignal, purpose?: string): Promise<ReplayChunk>;
}

type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export function createApi(sessionId: string, fetchFn: FetchFn = (i, o) => fetch(i, o), base = '/api/v1'): PlayerApi {
  const root = `${base}/sessions/${encodeURIComponent(sessionId)}`;
  const getJSON = async (url: string, signal?: AbortSignal): Promise<unknown> => {
    const res = await fetchFn(url, { headers: { Accept: 'application/json' }, signal, credentials: 'same-origin' });
    if (!res.ok) {
      let detail = '';
      try {
        detail = (await res.text()).slice(0, 200);
      } catch {
        // the status alone says enough
      }
      throw new Error(`GET ${url}: ${res.status}${detail ? ` ${detail}` : ''}`);
    }
    return res.json();
  };
  return {
    async session() {
      const v = await getJSON(root);
      const s = (isObject(v) && isObject(v.session) ? v.session : v) as SessionInfo;
      if (!isObject(s) || typeof s.start !== 'number') throw new Error(`GET ${root}: no session in the answer`);
      return s;
    },
    async events() {
      return listOf<RumEvent>(await getJSON(`${root}/events`), 'events').filter(
        (e) => isObject(e) && typeof e.type === 'string' && typeof e.date === 'number',
      );
    },
    async segments() {
      return listOf<SegmentInfo>(await getJSON(`${root}/segments`), 'segments')
        .filter((s) => isObject(s) && typeof s.start === 'number' && typeof s.end === 'number')
        .sort((a, b) => a.start - b.start);
    },
    async replay(from, to, signal, purpose) {
      const url = `${root}/replay?from=${Math.floor(from)}&to=${Math.ceil(to)}${purpose ? `&purpose=${encodeURIComponent(purpose)}` : ''}`;
      return parseReplayChunk(await getJSON(url, signal));
    },
  };
}

/** parseReplayChunk keeps only well-formed rrweb events, in time order, and names what is missing. */
export function parseReplayChunk(v: unknown): ReplayChunk {
  const raw = listOf<unknown>(v, 'events');
  const events: ReplayEvent[] = [];
  for (const e of raw) {
    if (isObject(e) && typeof e.type === 'number' && typeof e.timestamp === 'number' && Number.isFinite(e.timestamp)) {
      events.push(e as unknown as ReplayEvent);
    }
  }
  // Array.prototype.sort is stable: records with equal timestamps keep their recorded order.
  events.sort((a, b) => a.timestamp - b.timestamp);
  const missing = isObject(v) && Array.isArray(v.missing) ? v.missing.map(describeMissing) : [];
  return { events, missing };
}

/** describeMissing turns whatever the server reports (a segment id, or an object) into a label. */
export function describeMissing(m: unknown): MissingPart {
  if (typeof m === 'string' || typeof m === 'number') return { label: `segment ${m}` };
  if (!isObject(m)) return { label: 'a part of the recording' };
  const start = typeof m.start === 'number' ? m.start : undefined;
  const end = typeof m.end === 'number' ? m.end : undefined;
  const id = str(m.id) || str(m.segment_id) || str(m.segment);
  const why = str(m.reason) || str(m.error) || str(m.message);
  const label = `${id ? `segment ${id}` : 'a segment'}${why ? `: ${why}` : ''}`;
  return { label, start, end };
}

function listOf<T>(v: unknown, key: string): T[] {
  if (Array.isArray(v)) return v as T[];
  if (isObject(v) && Array.isArray(v[key])) return v[key] as T[];
  return [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
