// Issue 6: the SDK survives the collector going away and coming back. These drive the retrying
// sender through a 30 s outage (network errors), as a page that keeps producing data sees it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRetryingSender } from './retryQueue';
import type { Payload, SendResult } from './httpRequest';

const payload = (n: number, bytes = 100): Payload => ({ body: String(n), bytes });

// A collector that is down (network error, status 0) until `up` is set.
function flakyServer() {
  const state = { up: false, delivered: [] as string[], attempts: 0 };
  const send = vi.fn(async (p: Payload): Promise<SendResult> => {
    state.attempts++;
    if (!state.up) return { ok: false, retryable: true, status: 0 };
    state.delivered.push(p.body as string);
    return { ok: true, status: 202 };
  });
  return { state, send };
}

describe('retrying sender through an outage', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers everything, in order and once, after a 30 s outage', async () => {
    const srv = flakyServer();
    const s = createRetryingSender({ send: srv.send, sendOnExit: () => {} });
    for (let i = 0; i < 30; i++) {
      // send() never waits for the network: it returns before any attempt resolves.
      expect(s.send(payload(i))).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1000);
    }
    // Backoff keeps attempts few while down: 1+2+4+8+16 s, not one per payload per second.
    expect(srv.state.attempts).toBeLessThanOrEqual(6);
    expect(s.stats()).toMatchObject({ queued: 30, dropped: 0 });
    srv.state.up = true;
    s.send(payload(30));
    // The next retry is at most the 60 s cap away; then the queue drains.
    await vi.advanceTimersByTimeAsync(61_000);
    expect(srv.state.delivered).toEqual(Array.from({ length: 31 }, (_, i) => String(i)));
    expect(s.stats()).toMatchObject({ queued: 0, queuedBytes: 0, dropped: 0 });
  });

  it('keeps its queue bounded through a long outage, dropping the oldest and counting them', async () => {
    const srv = flakyServer();
    const s = createRetryingSender({ send: srv.send, sendOnExit: () => {}, maxQueueCount: 10, maxQueueBytes: 5000 });
    for (let i = 0; i < 100; i++) {
      s.send(payload(i));
      await vi.advanceTimersByTimeAsync(1000);
      const st = s.stats();
      expect(st.queued).toBeLessThanOrEqual(11); // the head being retried + 10
      expect(st.queuedBytes).toBeLessThanOrEqual(5000);
    }
    srv.state.up = true;
    await vi.advanceTimersByTimeAsync(61_000);
    // The first payload (retried all along) and the newest ten arrive; the 89 between are counted.
    expect(srv.state.delivered).toEqual(['0', ...Array.from({ length: 10 }, (_, i) => String(90 + i))]);
    expect(s.stats()).toMatchObject({ queued: 0, dropped: 89 });
  });

  it('goes back to sending at once after recovering', async () => {
    const srv = flakyServer();
    const s = createRetryingSender({ send: srv.send, sendOnExit: () => {} });
    s.send(payload(1));
    await vi.advanceTimersByTimeAsync(0);
    srv.state.up = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(srv.state.delivered).toEqual(['1']);
    s.send(payload(2));
    await vi.advanceTimersByTimeAsync(0);
    expect(srv.state.delivered).toEqual(['1', '2']); // no backoff left over
  });
});
