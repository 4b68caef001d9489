import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDocumentCookieStore, createMemoryCookieStore } from '../browser/cookie';
import {
  COOKIE_CACHE_MS,
  SESSION_COOKIE,
  createSessionManager,
  formatSessionCookie,
  parseSessionCookie,
  type Session,
} from './session';
import { ONE_HOUR, ONE_MINUTE } from '../tools/time';

describe('session manager', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  const make = (rates = { s: 100, r: 100 }) => {
    const cookies = createMemoryCookieStore();
    const m = createSessionManager({ cookies, sessionSampleRate: rates.s, sessionReplaySampleRate: rates.r });
    return { cookies, m };
  };

  it('reads the cookie at most once a second and extends it at most once a second', () => {
    const { cookies, m } = make();
    const get = vi.spyOn(cookies, 'get');
    const set = vi.spyOn(cookies, 'set');
    const first = m.touch();
    for (let i = 0; i < 100; i++) {
      m.current();
      m.touch();
    }
    expect(get.mock.calls.length).toBeLessThanOrEqual(1);
    expect(set).toHaveBeenCalledTimes(1);
    // Another tab renews the session: seen within a second.
    const other = { ...first, id: '00000000-0000-4000-8000-000000000000' };
    cookies.set(SESSION_COOKIE, formatSessionCookie(other), other.expires);
    vi.advanceTimersByTime(COOKIE_CACHE_MS);
    expect(m.current()?.id).toBe(other.id);
    m.touch();
    expect(parseSessionCookie(cookies.get(SESSION_COOKIE))?.expires).toBe(Date.now() + 15 * ONE_MINUTE);
  });

  it('keeps the same id while the user is active within 15 minutes', () => {
    const { m } = make();
    const first = m.touch();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(14 * ONE_MINUTE);
      expect(m.touch().id).toBe(first.id);
    }
  });

  it('expires after 15 minutes without activity and starts a new session on the next activity', () => {
    const { m } = make();
    const first = m.touch();
    const expired: Session[] = [];
    const renewed: Session[] = [];
    m.expired.subscribe((s) => expired.push(s));
    m.renewed.subscribe((s) => renewed.push(s));
    const stop = m.startExpiryCheck();
    vi.advanceTimersByTime(14 * ONE_MINUTE);
    expect(m.current()?.id).toBe(first.id);
    vi.advanceTimersByTime(2 * ONE_MINUTE);
    // The periodic check noticed the expiry without any call from us.
    expect(expired.map((s) => s.id)).toEqual([first.id]);
    expect(m.current()).toBeUndefined();
    const second = m.touch();
    expect(second.id).not.toBe(first.id);
    expect(renewed.map((s) => s.id)).toEqual([second.id]);
    stop();
  });

  it('ends a session after 4 hours even with constant activity', () => {
    const { m } = make();
    const first = m.touch();
    let t = 0;
    while (t < 4 * ONE_HOUR - 10 * ONE_MINUTE) {
      vi.advanceTimersByTime(10 * ONE_MINUTE);
      t += 10 * ONE_MINUTE;
      expect(m.touch().id).toBe(first.id);
    }
    vi.advanceTimersByTime(10 * ONE_MINUTE);
    expect(m.current()).toBeUndefined();
    expect(m.touch().id).not.toBe(first.id);
  });

  it('never extends the expiry past created + 4h', () => {
    const { m } = make();
    const s = m.touch();
    for (let i = 0; i < 23; i++) {
      vi.advanceTimersByTime(10 * ONE_MINUTE);
      m.touch();
    }
    vi.advanceTimersByTime(9 * ONE_MINUTE); // 3 h 59 min after the start
    expect(m.touch().expires).toBe(s.created + 4 * ONE_HOUR);
  });

  it('decides sampling once per session and keeps it in the cookie', () => {
    const cookies = createMemoryCookieStore();
    const random = vi.fn().mockReturnValueOnce(0.2).mockReturnValueOnce(0.7);
    const m = createSessionManager({ cookies, sessionSampleRate: 50, sessionReplaySampleRate: 50, random });
    const s = m.touch();
    expect(s.tracked).toBe(true);
    expect(s.replay).toBe(false);
    // Another page load (a second manager over the same cookies) sees the same decision.
    const other = createSessionManager({ cookies, sessionSampleRate: 50, sessionReplaySampleRate: 50, random: () => 0 });
    expect(other.touch()).toMatchObject({ id: s.id, tracked: true, replay: false });
    expect(random).toHaveBeenCalledTimes(2);
  });

  it('does not record replay for sessions that are not tracked', () => {
    const { m } = make({ s: 0, r: 100 });
    expect(m.touch()).toMatchObject({ tracked: false, replay: false });
  });

  it('round-trips the cookie format and rejects garbage', () => {
    const s: Session = { id: '0f8fad5b-d9cb-469f-a165-70867728950e', created: 1, expires: 2, tracked: true, replay: false };
    expect(parseSessionCookie(formatSessionCookie(s))).toEqual(s);
    expect(parseSessionCookie('id=x&created=1&expires=2')).toBeUndefined();
    expect(parseSessionCookie('')).toBeUndefined();
    expect(parseSessionCookie('garbage')).toBeUndefined();
  });

  it('stores the session in document.cookie as _reprise_s', () => {
    vi.useRealTimers();
    const cookies = createDocumentCookieStore(document);
    const m = createSessionManager({ cookies, sessionSampleRate: 100, sessionReplaySampleRate: 100 });
    const s = m.touch();
    expect(document.cookie).toContain(`${SESSION_COOKIE}=id=${s.id}&created=`);
    expect(parseSessionCookie(cookies.get(SESSION_COOKIE))?.id).toBe(s.id);
    cookies.remove(SESSION_COOKIE);
  });
});

describe('session cookie decoder, fuzzed', () => {
  // The cookie is shared with every script of the site and may hold anything: the decoder
  // must never throw and must only accept well-formed sessions.
  const seeds = [
    'id=0f8fad5b-d9cb-469f-a165-70867728950e&created=1&expires=2&rum=1&replay=0',
    'id=&created=&expires=',
    '&&==&',
    'id=0f8fad5b-d9cb-469f-a165-70867728950e&created=-5&expires=NaN',
    '%E0%A4%A&id=\u0000',
  ];
  const alphabet = 'id=&createdexpiresrumreplay0123456789abcdef-%\u00e9\u0000 ;';
  let state = 42;
  const rand = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const mutate = (s: string) => {
    const chars = [...s];
    const n = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) {
      const at = Math.floor(rand() * (chars.length + 1));
      const c = alphabet[Math.floor(rand() * alphabet.length)];
      if (rand() < 0.5) chars.splice(at, 1, c);
      else chars.splice(at, 0, c);
    }
    return chars.join('');
  };

  it('never throws and returns only valid sessions', () => {
    for (let i = 0; i < 20_000; i++) {
      const input = mutate(seeds[i % seeds.length]);
      const s = parseSessionCookie(input);
      if (s) {
        expect(s.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(s.created).toBeGreaterThan(0);
        expect(s.expires).toBeGreaterThan(0);
        expect(parseSessionCookie(formatSessionCookie(s))).toEqual(s);
      }
    }
  });
});
