// The whole SDK against happy-dom, with a fake network and a fake rrweb: what goes over the
// wire must be NDJSON RUM events in the Datadog/Guance schema and multipart replay segments.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryCookieStore } from '../browser/cookie';
import { createReprise, type RepriseApi } from './reprise';
import type { RecordLike } from '../domain/replay/segments';

interface Request {
  url: string;
  body: string | FormData;
  beacon: boolean;
}

function setup(initOverrides: Record<string, unknown> = {}) {
  const requests: Request[] = [];
  const transport = {
    fetch: vi.fn(async (url: string | URL | globalThis.Request, init?: RequestInit) => {
      requests.push({ url: String(url), body: init!.body as string | FormData, beacon: false });
      return new Response(null, { status: 202 });
    }) as unknown as typeof fetch,
    sendBeacon: (url: string, body: BodyInit) => {
      requests.push({ url, body: body as string | FormData, beacon: true });
      return true;
    },
  };
  let emit: ((r: RecordLike) => void) | undefined;
  const recorder = { takeFullSnapshot: vi.fn(), stop: vi.fn() };
  const start = vi.fn((o: { emit: (r: RecordLike) => void }) => {
    emit = o.emit;
    return recorder;
  });
  const compressor = {
    compress: async (data: string) => ({ bytes: new TextEncoder().encode(data), compressed: false, rawBytes: data.length }),
    mode: () => 'none' as const,
    stop: vi.fn(),
  };
  const api: RepriseApi = createReprise({
    scriptUrl: 'http://collector.test:9529/sdk/reprise.js',
    env: { cookies: createMemoryCookieStore(), transport, replay: { start, compressor }, vitals: false },
  });
  api.init({ applicationId: 'shop', service: 'web', env: 'test', version: '1.2.3', ...initOverrides });
  const rumEvents = () =>
    requests
      .filter((r) => r.url.startsWith('http://collector.test:9529/v1/write/rum') && !r.url.includes('/replay'))
      .flatMap((r) => (r.body as string).split('\n').map((l) => JSON.parse(l)));
  const segments = async () =>
    Promise.all(
      requests
        .filter((r) => r.url.includes('/v1/write/rum/replay'))
        .map(async (r) => {
          const f = r.body as FormData;
          const seg = f.get('segment') as File;
          return { event: JSON.parse(await (f.get('event') as Blob).text()), segment: JSON.parse(await seg.text()), filename: seg.name };
        }),
    );
  return { api, requests, rumEvents, segments, emit: (r: RecordLike) => emit!(r), recorder, start };
}

describe('REPRISE end to end in happy-dom', () => {
  let s: ReturnType<typeof setup>;
  beforeEach(() => {
    vi.useFakeTimers();
    history.replaceState(null, '', '/shop?email=a@b.c&page=2');
    document.body.innerHTML = '<button id="buy" aria-label="Buy now"><span>Buy</span></button><a id="more">More details</a>';
  });
  afterEach(() => {
    s?.api.stop();
    vi.useRealTimers();
  });

  it('sends views, actions and errors as NDJSON in the RUM schema', async () => {
    s = setup({ redactQueryParams: ['email'] });
    s.api.setUser({ id: 'u1', name: 'Ada', email: 'ada@example.com' });
    (document.querySelector('#buy span') as HTMLElement).click();
    (document.querySelector('#more') as HTMLElement).click();
    s.api.addAction('checkout', { cart: 3 });
    s.api.addError(new TypeError('boom'), { step: 'pay' });
    console.error('console says', 42);
    await vi.advanceTimersByTimeAsync(5000);
    const events = s.rumEvents();
    const sessionId = s.api.getSessionId();
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    for (const e of events) {
      expect(e).toMatchObject({
        application: { id: 'shop' },
        session: { id: sessionId, has_replay: true },
        source: 'browser',
        service: 'web',
        env: 'test',
        version: '1.2.3',
        usr: { id: 'u1', name: 'Ada', email: 'ada@example.com' },
      });
      expect(typeof e.date).toBe('number');
      expect(e.view.url).toContain('/shop?email=REDACTED&page=2');
    }
    const byType = (t: string) => events.filter((e) => e.type === t);
    expect(byType('action').map((e) => [e.action.type, e.action.target.name])).toEqual([
      ['click', 'Buy now'],
      ['click', 'More details'],
      ['custom', 'checkout'],
    ]);
    expect(byType('action')[2].context).toEqual({ cart: 3 });
    const errors = byType('error').map((e) => e.error);
    expect(errors[0]).toMatchObject({ message: 'boom', type: 'TypeError', source: 'custom' });
    expect(errors[0].stack).toContain('boom');
    expect(errors[1]).toMatchObject({ message: 'console says 42', source: 'console' });
    const views = byType('view');
    expect(views).toHaveLength(1); // upserted within the batch
    const v = views[0];
    expect(v.view).toMatchObject({ name: '/shop', loading_type: 'initial_load', is_active: true, action: { count: 3 }, error: { count: 2 } });
    expect(v._dd.document_version).toBeGreaterThan(1);
    expect(v.view.time_spent).toBeGreaterThan(0);
    for (const e of [...byType('action'), ...byType('error')]) expect(e.view.id).toBe(v.view.id);
  });

  it('uploads replay segments with metadata; a view change cuts the segment and takes a full snapshot', async () => {
    s = setup();
    s.emit({ type: 4, timestamp: 1000, data: { href: 'http://x/shop?email=a@b.c', width: 1, height: 1 } } as RecordLike);
    s.emit({ type: 2, timestamp: 1001 });
    s.emit({ type: 3, timestamp: 1200 });
    history.pushState({}, '', '/orders');
    expect(s.recorder.takeFullSnapshot).toHaveBeenCalledTimes(1);
    s.emit({ type: 4, timestamp: 2000 });
    s.emit({ type: 2, timestamp: 2001 });
    await vi.advanceTimersByTimeAsync(5000);
    const segs = await s.segments();
    expect(segs).toHaveLength(2);
    const [a, b] = segs;
    expect(a.event).toMatchObject({
      application: { id: 'shop' },
      session: { id: s.api.getSessionId() },
      start: 1000,
      end: 1200,
      records_count: 3,
      has_full_snapshot: true,
      index_in_view: 0,
      source: 'browser',
      creation_reason: 'init',
      format: 'rrweb',
      privacy_level: 'mask-user-input',
      recorder_version: '@rrweb/record@2.1.6',
    });
    expect(a.filename).toBe(`${s.api.getSessionId()}-1000`);
    expect(a.segment.records.map((r: RecordLike) => r.type)).toEqual([4, 2, 3]);
    expect(b.event).toMatchObject({ creation_reason: 'view_change', index_in_view: 0, has_full_snapshot: true });
    expect(b.event.view.id).not.toBe(a.event.view.id);
    // The views of the RUM events are the views of the segments.
    const viewIds = new Set(s.rumEvents().filter((e) => e.type === 'view').map((e) => e.view.id));
    expect(viewIds).toEqual(new Set([a.event.view.id, b.event.view.id]));
  });

  it('sends with sendBeacon on page exit', async () => {
    s = setup();
    s.emit({ type: 4, timestamp: 1 });
    s.emit({ type: 2, timestamp: 2 });
    s.api.addAction('x');
    window.dispatchEvent(new Event('pagehide'));
    const beacons = s.requests.filter((r) => r.beacon);
    expect(beacons.map((r) => new URL(r.url).pathname).sort()).toEqual(['/v1/write/rum', '/v1/write/rum/replay']);
  });

  it('records nothing for sessions outside the sample, and no replay outside the replay sample', async () => {
    s = setup({ sessionSampleRate: 0 });
    s.api.addAction('x');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.requests).toHaveLength(0);
    expect(s.start).not.toHaveBeenCalled();
    expect(s.api.getSessionId()).toBeUndefined();
    s.api.stop();
    s = setup({ sessionReplaySampleRate: 0 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(s.start).not.toHaveBeenCalled();
    expect(s.rumEvents()[0].session.has_replay).toBe(false);
  });

  it('stop() stops the recorder, unhooks history and sends the last data', async () => {
    s = setup();
    s.emit({ type: 4, timestamp: 1 });
    s.api.stop();
    expect(s.recorder.stop).toHaveBeenCalled();
    const n = s.requests.length;
    expect(n).toBeGreaterThanOrEqual(2);
    history.pushState({}, '', '/later');
    s.api.addAction('ignored');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.requests.length).toBe(n);
  });

  it('ends the view and the recording when the session expires, and starts both anew on activity', async () => {
    s = setup();
    const first = s.api.getSessionId()!;
    await vi.advanceTimersByTimeAsync(16 * 60 * 1000);
    expect(s.api.getSessionId()).toBeUndefined();
    expect(s.recorder.stop).toHaveBeenCalledTimes(1);
    const ended = s.rumEvents().filter((e) => e.type === 'view' && e.session.id === first).at(-1);
    expect(ended.view.is_active).toBe(false);
    (document.querySelector('#more') as HTMLElement).click();
    const second = s.api.getSessionId()!;
    expect(second).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).not.toBe(first);
    expect(s.start).toHaveBeenCalledTimes(2); // a new recording: it starts with a full snapshot
    await vi.advanceTimersByTimeAsync(5000);
    const later = s.rumEvents().filter((e) => e.session.id === second);
    expect(later.map((e) => e.type)).toEqual(expect.arrayContaining(['view', 'action']));
    const newView = later.find((e) => e.type === 'view');
    expect(newView.view.id).not.toBe(ended.view.id);
    expect(later.find((e) => e.type === 'action').view.id).toBe(newView.view.id);
  });

  it('rejects bad options without throwing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const api = createReprise();
    expect(() => api.init({} as never)).not.toThrow();
    expect(() => api.init({ applicationId: 'a', sessionSampleRate: 150 })).not.toThrow();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(api.getSessionId()).toBeUndefined();
  });
});
