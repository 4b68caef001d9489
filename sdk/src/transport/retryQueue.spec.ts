import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRetryingSender } from './retryQueue';
import { isRetryable, post, type Payload, type SendResult } from './httpRequest';

const payload = (n: number, bytes = 10): Payload => ({ body: String(n), bytes });

// A fake server: answers are queued per attempt; every attempt is recorded.
function fakeServer() {
  const attempts: string[] = [];
  const answers: SendResult[] = [];
  const send = vi.fn(async (p: Payload): Promise<SendResult> => {
    attempts.push(p.body as string);
    return answers.shift() ?? { ok: true, status: 202 };
  });
  return { attempts, answers, send };
}
const fail = (status: number, retryAfterMs?: number): SendResult => ({ ok: false, retryable: isRetryable(status), status, retryAfterMs });

describe('retrying sender', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('classifies statuses: network errors, 408, 429 and 5xx are retried, other 4xx are not', () => {
    expect([0, 408, 429, 500, 503].map(isRetryable)).toEqual([true, true, true, true, true]);
    expect([400, 401, 403, 404, 413, 415].map(isRetryable)).toEqual([false, false, false, false, false, false]);
  });

  it('retries with exponential backoff, then drains the queue in order', async () => {
    const srv = fakeServer();
    srv.answers.push(fail(503), fail(0), fail(500));
    const s = createRetryingSender({ send: srv.send, sendOnExit: () => {} });
    s.send(payload(1));
    await vi.advanceTimersByTimeAsync(0);
    s.send(payload(2));
    s.send(payload(3));
    expect(srv.attempts).toEqual(['1']);
    await vi.advanceTimersByTimeAsync(999);
    expect(srv.attempts).toEqual(['1']);
    await vi.advanceTimersByTimeAsync(1); // 1 s
    expect(srv.attempts).toEqual(['1', '1']);
    await vi.advanceTimersByTimeAsync(1999); // 2 s
    expect(srv.attempts).toEqual(['1', '1']);
    await vi.advanceTimersByTimeAsync(1);
    expect(srv.attempts).toEqual(['1', '1', '1']);
    await vi.advanceTimersByTimeAsync(4000); // 4 s, then success and the queue drains
    expect(srv.attempts).toEqual(['1', '1', '1', '1', '2', '3']);
    expect(s.stats()).toMatchObject({ queued: 0, dropped: 0, retries: 3 });
  });

  it('honours Retry-After when it is longer than the backoff', async () => {
    const srv = fakeServer();
    srv.answers.push(fail(429, 10_000));
    const s = createRetryingSender({ send: srv.send, sendOnExit: () => {} });
    s.send(payload(1));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(srv.attempts).toEqual(['1']);
    await vi.advanceTimersByTimeAsync(1);
    expect(srv.attempts).toEqual(['1', '1']);
  });

  it('caps the backoff', async () => {
    const srv = fakeServer();
    for (let i = 0; i < 20; i++) srv.answers.push(fail(502));
    const s = createRetryingSender({ send: srv.send, sendOnExit: () => {}, maxDelayMs: 8000 });
    s.send(payload(1));
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000 + 8000);
    expect(srv.attempts).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(8000);
    expect(srv.attempts).toHaveLength(6);
  });

  it('does not retry 4xx, and counts the rejection', async () => {
    const srv = fakeServer();
    srv.answers.push(fail(400));
    const s = createRetryingSender({ send: srv.send, sendOnExit: () => {} });
    s.send(payload(1));
    s.send(payload(2));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(srv.attempts).toEqual(['1', '2']);
    expect(s.stats()).toMatchObject({ rejected: 1, queued: 0 });
  });

  it('bounds the queue by count and bytes, dropping the oldest first and counting them', async () => {
    const srv = fakeServer();
    srv.answers.push(fail(503));
    const s = createRetryingSender({ send: srv.send, sendOnExit: () => {}, maxQueueCount: 3, maxQueueBytes: 1000 });
    s.send(payload(0));
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 1; i <= 5; i++) s.send(payload(i));
    // The head (0) is kept for retry; 1 and 2 were dropped for the count bound.
    expect(s.stats()).toMatchObject({ queued: 4, dropped: 2 });
    s.send(payload(6, 990)); // bytes: 3*10 + 990 > 1000 → drop 3 and 4, then 5 + 6 fit
    expect(s.stats()).toMatchObject({ dropped: 4, queuedBytes: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(srv.attempts).toEqual(['0', '0', '5', '6']);
  });

  it('hands the queue to the exit transport on page exit', async () => {
    const srv = fakeServer();
    srv.answers.push(fail(503));
    const exits: string[] = [];
    const s = createRetryingSender({ send: srv.send, sendOnExit: (p) => exits.push(p.body as string) });
    s.send(payload(1));
    await vi.advanceTimersByTimeAsync(0);
    s.send(payload(2));
    s.sendOnExit(payload(3));
    expect(exits).toEqual(['1', '2', '3']);
    expect(s.stats().queued).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(srv.attempts).toEqual(['1']);
  });
});

describe('post', () => {
  it('reports network errors as retryable and statuses as the server said', async () => {
    const t = { fetch: vi.fn().mockRejectedValue(new TypeError('failed')) };
    expect(await post(t, 'http://x/v1/write/rum', payload(1))).toMatchObject({ ok: false, retryable: true, status: 0 });
    expect(t.fetch).toHaveBeenCalledTimes(2); // with keepalive, then without
    const t2 = { fetch: vi.fn().mockResolvedValue(new Response('', { status: 429, headers: { 'Retry-After': '3' } })) };
    expect(await post(t2, 'http://x', payload(1))).toEqual({ ok: false, retryable: true, status: 429, retryAfterMs: 3000 });
    const init = t2.fetch.mock.calls[0][1];
    expect(init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit' });
    const t3 = { fetch: vi.fn().mockResolvedValue(new Response(null, { status: 202 })) };
    expect(await post(t3, 'http://x', payload(1, 100_000))).toEqual({ ok: true, status: 202 });
    expect(t3.fetch.mock.calls[0][1].keepalive).toBe(false);
  });
});
