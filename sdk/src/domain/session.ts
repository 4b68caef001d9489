// The session: a UUID kept in the first-party cookie `_reprise_s`, shared by every tab of the
// site. It ends after 15 minutes without user activity or after 4 hours in all, as in
// Datadog's and Guance's SDKs. Sampling is decided once per session and stored with it, so
// every page of a session is either recorded or not.
//
// Cookie value: id=<uuid>&created=<ms>&expires=<ms>&rum=<0|1>&replay=<0|1>

import type { CookieStore } from '../browser/cookie';
import { createObservable, type Observable } from '../tools/observable';
import { ONE_HOUR, ONE_MINUTE } from '../tools/time';
import { generateUUID } from '../tools/uuid';

export const SESSION_COOKIE = '_reprise_s';
export const SESSION_IDLE_TIMEOUT = 15 * ONE_MINUTE;
export const SESSION_MAX_DURATION = 4 * ONE_HOUR;
/** How long a read of the session cookie is reused, and the least time between two writes. */
export const COOKIE_CACHE_MS = 1000;
/** How often the manager looks for an expired session without activity. */
export const SESSION_CHECK_INTERVAL = ONE_MINUTE;

export interface Session {
  id: string;
  created: number;
  expires: number;
  /** RUM events are collected (sessionSampleRate). */
  tracked: boolean;
  /** Replay is recorded (sessionReplaySampleRate of tracked sessions). */
  replay: boolean;
}

export interface SessionManagerOptions {
  cookies: CookieStore;
  sessionSampleRate: number;
  sessionReplaySampleRate: number;
  now?: () => number;
  random?: () => number;
}

export interface SessionManager {
  /** current returns the live session, or undefined once it has expired (until the next activity). */
  current(): Session | undefined;
  /** touch records user activity: it extends the session, or starts a new one if it expired. */
  touch(): Session;
  /** check looks for expiry now (also run every minute by startExpiryCheck). */
  check(): void;
  /** startExpiryCheck runs check() periodically; returns the stop function. */
  startExpiryCheck(): () => void;
  /** expired fires when the session that was current has ended; renewed when a new one starts. */
  expired: Observable<Session>;
  renewed: Observable<Session>;
}

export function parseSessionCookie(value: string | undefined): Session | undefined {
  if (!value) return undefined;
  const fields = new Map<string, string>();
  for (const pair of value.split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0) fields.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const id = fields.get('id');
  const created = Number(fields.get('created'));
  const expires = Number(fields.get('expires'));
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || !(created > 0) || !(expires > 0)) return undefined;
  return { id, created, expires, tracked: fields.get('rum') === '1', replay: fields.get('replay') === '1' };
}

export function formatSessionCookie(s: Session): string {
  return `id=${s.id}&created=${s.created}&expires=${s.expires}&rum=${s.tracked ? 1 : 0}&replay=${s.replay ? 1 : 0}`;
}

export function isSessionLive(s: Session, now: number): boolean {
  return now < s.expires && now < s.created + SESSION_MAX_DURATION;
}

/** sampled draws once against a percentage (0..100). */
export function sampled(rate: number, random: () => number): boolean {
  if (rate >= 100) return true;
  if (rate <= 0) return false;
  return random() * 100 < rate;
}

export function createSessionManager(opts: SessionManagerOptions): SessionManager {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const expired = createObservable<Session>();
  const renewed = createObservable<Session>();
  // The session this page last saw; used to notice expiry and renewal (also by other tabs).
  let known: Session | undefined;

  // current() runs for every RUM event and every replay record: reading document.cookie each
  // time cost the heavy bench page 2 s of script in 40 s. The cookie is read at most once per
  // COOKIE_CACHE_MS (another tab's renewal shows up within that), and an activity extends it
  // at most once per COOKIE_CACHE_MS (the 15-minute idle timeout does not care).
  let cached: { at: number; s: Session | undefined } | undefined;
  let lastWrite = -Infinity;
  const read = (): Session | undefined => {
    const t = now();
    if (!cached || t - cached.at >= COOKIE_CACHE_MS || t < cached.at) {
      cached = { at: t, s: parseSessionCookie(opts.cookies.get(SESSION_COOKIE)) };
    }
    const s = cached.s;
    return s && isSessionLive(s, t) ? s : undefined;
  };
  const write = (s: Session) => {
    opts.cookies.set(SESSION_COOKIE, formatSessionCookie(s), Math.min(s.expires, s.created + SESSION_MAX_DURATION));
    lastWrite = now();
    cached = { at: lastWrite, s };
  };

  const observe = (s: Session | undefined) => {
    if (known && (!s || s.id !== known.id)) {
      const old = known;
      known = undefined;
      expired.notify(old);
    }
    if (s && !known) {
      const isRenewal = wasStarted;
      known = s;
      wasStarted = true;
      if (isRenewal) renewed.notify(s);
    }
  };
  let wasStarted = false;

  const manager: SessionManager = {
    current() {
      const s = read();
      observe(s);
      return s;
    },
    touch() {
      const t = now();
      let s = read();
      if (s && t - lastWrite < COOKIE_CACHE_MS && t >= lastWrite) {
        observe(s);
        return s; // extended less than a second ago
      }
      if (s) {
        s = { ...s, expires: Math.min(t + SESSION_IDLE_TIMEOUT, s.created + SESSION_MAX_DURATION) };
      } else {
        const tracked = sampled(opts.sessionSampleRate, random);
        s = {
          id: generateUUID(),
          created: t,
          expires: t + SESSION_IDLE_TIMEOUT,
          tracked,
          replay: tracked && sampled(opts.sessionReplaySampleRate, random),
        };
      }
      write(s);
      observe(s);
      return s;
    },
    check() {
      manager.current();
    },
    startExpiryCheck() {
      const id = setInterval(() => manager.check(), SESSION_CHECK_INTERVAL);
      return () => clearInterval(id);
    },
    expired,
    renewed,
  };
  return manager;
}
