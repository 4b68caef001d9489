import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startViewTracker, viewEventFields, viewName, type View, type ViewTracker } from './views';

type Sent = { id: string; url: string; referrer: string; version: number; active: boolean; type: string; counts: View['counts'] };

describe('view tracking', () => {
  let tracker: ViewTracker;
  let sent: Sent[];
  let started: string[];

  beforeEach(() => {
    vi.useFakeTimers();
    window.history.replaceState(null, '', '/start?token=abc');
    sent = [];
    started = [];
    tracker = startViewTracker({
      win: window,
      redactUrl: (u) => u.replace(/token=[^&#]*/, 'token=REDACTED'),
      send: (v) => sent.push({ id: v.id, url: v.url, referrer: v.referrer, version: v.documentVersion, active: v.active, type: v.loadingType, counts: { ...v.counts } }),
      viewStarted: (v) => started.push(v.id),
    });
  });
  afterEach(() => {
    tracker.stop();
    vi.useRealTimers();
  });

  const paths = () => sent.filter((s) => s.version === 1).map((s) => new URL(s.url).pathname + new URL(s.url).hash);

  it('starts a view at page load, with a redacted URL', () => {
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ version: 1, active: true, type: 'initial_load' });
    expect(sent[0].url).toContain('/start?token=REDACTED');
    expect(started).toEqual([sent[0].id]);
  });

  it('starts a new view on pushState, on replaceState that changes the URL, on popstate and on hashchange', async () => {
    history.pushState({}, '', '/a');
    history.replaceState({}, '', '/a'); // same URL: not a view
    history.replaceState({}, '', '/b');
    history.pushState({}, '', '/c');
    // A browser changes the URL itself on back/forward and hash navigation, then fires the
    // event; simulate that with the unwrapped History method.
    const silently = (url: string) => History.prototype.replaceState.call(history, null, '', url);
    silently('/c#/d');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    silently('/e');
    window.dispatchEvent(new PopStateEvent('popstate'));
    window.dispatchEvent(new PopStateEvent('popstate')); // no URL change: no view
    expect(paths()).toEqual(['/start', '/a', '/b', '/c', '/c#/d', '/e']);
    // Each route view names the previous URL as its referrer and the previous view was ended.
    const b = sent.find((s) => s.url.endsWith('/b') && s.version === 1)!;
    expect(b.referrer).toMatch(/\/a$/);
    const a = sent.filter((s) => s.url.endsWith('/a'));
    expect(a.at(-1)).toMatchObject({ active: false, version: 2 });
    expect(new Set(sent.map((s) => s.id)).size).toBe(paths().length);
  });

  it('re-sends the view with increasing document_version as counts change, at most every 3 s', () => {
    tracker.increment('action');
    tracker.increment('error');
    tracker.increment('resource');
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(3000);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ version: 2, counts: { action: 1, error: 1, resource: 1, long_task: 0 } });
    tracker.increment('long_task');
    tracker.sendUpdate(); // page exit: now, not in 3 s
    expect(sent[2]).toMatchObject({ version: 3, counts: { long_task: 1 } });
    vi.advanceTimersByTime(10_000);
    expect(sent).toHaveLength(3);
  });

  it('counts go to the current view only', () => {
    tracker.increment('action');
    history.pushState({}, '', '/next');
    tracker.increment('error');
    tracker.sendUpdate();
    const byId = new Map<string, Sent>();
    for (const s of sent) byId.set(s.id, s);
    const [first, second] = [...byId.values()];
    expect(first.counts).toMatchObject({ action: 1, error: 0 });
    expect(second.counts).toMatchObject({ action: 0, error: 1 });
  });

  it('puts web vitals on the page-load view', () => {
    tracker.setMetrics({ largest_contentful_paint: 1_200_000_000, cumulative_layout_shift: 0.05 });
    vi.advanceTimersByTime(3000);
    expect(sent).toHaveLength(2);
    const v = tracker.current()!;
    expect(viewEventFields(v, Date.now())).toMatchObject({
      largest_contentful_paint: 1_200_000_000,
      cumulative_layout_shift: 0.05,
      action: { count: 0 },
      is_active: true,
    });
  });

  it('stops hooking history on stop', () => {
    tracker.stop();
    const n = sent.length;
    history.pushState({}, '', '/after-stop');
    expect(sent.length).toBe(n);
  });

  it('names views by path (and hash routes)', () => {
    expect(viewName('https://x.test/a/b?q=1')).toBe('/a/b');
    expect(viewName('https://x.test/app#/orders/1')).toBe('/app#/orders/1');
    expect(viewName('https://x.test/doc#section')).toBe('/doc');
  });
});
