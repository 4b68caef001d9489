import { describe, expect, it } from 'vitest';
import { createApi, describeMissing, parseReplayChunk } from './api';

describe('parseReplayChunk', () => {
  it('keeps well-formed events in time order and names what is missing', () => {
    const c = parseReplayChunk({
      events: [
        { type: 3, timestamp: 20, data: {} },
        { type: 4, timestamp: 10, data: {} },
        { type: 'x', timestamp: 5 },
        { type: 2 },
        null,
        { type: 2, timestamp: Infinity },
      ],
      missing: ['seg-9', { id: 'seg-3', start: 1, end: 2, reason: 'checksum mismatch' }, 42, {}],
    });
    expect(c.events.map((e) => e.timestamp)).toEqual([10, 20]);
    expect(c.missing.map((m) => m.label)).toEqual(['segment seg-9', 'segment seg-3: checksum mismatch', 'segment 42', 'a segment']);
    expect(c.missing[1]).toMatchObject({ start: 1, end: 2 });
  });

  it('accepts a bare array of events', () => {
    expect(parseReplayChunk([{ type: 2, timestamp: 1 }]).events).toHaveLength(1);
  });

  // Fuzz: the server's answer is untrusted. Random JSON-like values never
  // throw, and what comes out is always sorted, finite and typed.
  it('fuzz: random input never throws and yields sorted, typed events', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const value = (depth: number): unknown => {
      const k = Math.floor(rnd() * 9);
      if (depth > 3) return rnd();
      switch (k) {
        case 0: return null;
        case 1: return Math.floor(rnd() * 10) - 2;
        case 2: return 'seg-' + Math.floor(rnd() * 100);
        case 3: return Array.from({ length: Math.floor(rnd() * 5) }, () => value(depth + 1));
        case 4: return { type: Math.floor(rnd() * 8), timestamp: rnd() < 0.1 ? 'x' : Math.floor(rnd() * 1e6), data: value(depth + 1) };
        case 5: return { events: value(depth + 1), missing: value(depth + 1) };
        case 6: return { id: value(depth + 1), start: value(depth + 1), reason: value(depth + 1) };
        case 7: return rnd() < 0.5;
        default: return NaN;
      }
    };
    const seeds: unknown[] = [undefined, null, {}, [], { events: null, missing: null }, { events: [{}], missing: [{}] }, 'x', 3];
    for (let i = 0; i < 3000; i++) seeds.push(value(0));
    for (const s of seeds) {
      const c = parseReplayChunk(s);
      for (let j = 0; j < c.events.length; j++) {
        expect(typeof c.events[j].type).toBe('number');
        expect(Number.isFinite(c.events[j].timestamp)).toBe(true);
        if (j > 0) expect(c.events[j].timestamp).toBeGreaterThanOrEqual(c.events[j - 1].timestamp);
      }
      for (const m of c.missing) expect(typeof m.label).toBe('string');
    }
  });
});

describe('describeMissing', () => {
  it('reads the common shapes', () => {
    expect(describeMissing({ segment_id: 's1', error: 'gone' }).label).toBe('segment s1: gone');
    expect(describeMissing(undefined).label).toBe('a part of the recording');
  });
});

describe('createApi', () => {
  const fakeFetch = (routes: Record<string, unknown>) => async (url: string) => {
    const path = url.split('?')[0];
    if (!(path in routes)) return new Response('nope', { status: 404 });
    return new Response(JSON.stringify(routes[path]), { status: 200 });
  };
  it('reads lists bare or wrapped and sorts segments', async () => {
    const api = createApi('s 1', fakeFetch({
      '/api/v1/sessions/s%201': { id: 's 1', start: 5, end: 9, duration: 4 },
      '/api/v1/sessions/s%201/segments': { segments: [{ id: 'b', start: 9, end: 10 }, { id: 'a', start: 1, end: 2 }, { id: 'bad' }] },
      '/api/v1/sessions/s%201/events': [{ type: 'view', id: 'v', date: 1 }, { type: 'view' }],
    }));
    expect((await api.session()).start).toBe(5);
    expect((await api.segments()).map((s) => s.id)).toEqual(['a', 'b']);
    expect(await api.events()).toHaveLength(1);
  });
  it('reports the status of a failed request', async () => {
    const api = createApi('x', fakeFetch({}));
    await expect(api.session()).rejects.toThrow(/404/);
  });
  it('asks the replay endpoint for a window in whole milliseconds', async () => {
    let asked = '';
    const api = createApi('x', async (url) => {
      asked = url;
      return new Response('{"events":[],"missing":[]}');
    });
    await api.replay(1000.4, 2000.2);
    expect(asked).toBe('/api/v1/sessions/x/replay?from=1000&to=2001');
  });
});
