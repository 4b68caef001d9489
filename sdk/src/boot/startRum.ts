// Wires the SDK together once init() validated its options: session → views → collectors →
// assembly → batch → transport, and replay beside them. Every dependency on the browser comes
// in through `env`, so tests run the whole SDK against happy-dom and fakes.

import { cookiesWork, createDocumentCookieStore, createMemoryCookieStore, type CookieStore } from '../browser/cookie';
import { listen } from '../browser/listen';
import { observePageExit } from '../browser/pageExit';
import { trackRequestMethods } from '../browser/requestMethods';
import { trackClicks } from '../domain/actions';
import { createAssembler, type User } from '../domain/assembly';
import { errorFrom, trackErrors, type RawError } from '../domain/errors';
import { trackLongTasks } from '../domain/longTasks';
import { startReplay, type Replay, type ReplayDeps } from '../domain/replay/replay';
import { trackResources } from '../domain/resources';
import { createSessionManager, type Session } from '../domain/session';
import { startViewTracker, type ViewCounter } from '../domain/views';
import { trackLoadingTime, trackVitals } from '../domain/vitals';
import { createBatch } from '../transport/batch';
import { createCompressingSender } from '../transport/compressingSender';
import { createCompressor } from '../domain/replay/compression';
import { RUM_FLUSH_LIMITS } from '../transport/flushController';
import { defaultTransport, type HttpTransport } from '../transport/httpRequest';
import { createHttpSender } from '../transport/retryQueue';
import { callMonitored, monitor } from '../tools/monitor';
import { ONE_SECOND } from '../tools/time';
import { redactUrl } from '../tools/url';
import { generateUUID } from '../tools/uuid';
import type { Config } from './config';

export interface RumEnv {
  win: Window;
  user: () => User | undefined;
  cookies?: CookieStore;
  transport?: HttpTransport;
  /** Replaces rrweb and the compressor in tests. */
  replay?: Partial<Pick<ReplayDeps, 'start' | 'compressor'>>;
  vitals?: boolean;
}

export interface StartedRum {
  session(): Session | undefined;
  addAction(name: string, context?: object): void;
  addError(error: unknown, context?: object): void;
  /** userChanged re-sends the current view so it carries the new user. */
  userChanged(): void;
  stop(): void;
}

// Interactions that count as activity and keep the session alive.
const ACTIVITY_EVENTS = ['pointerdown', 'click', 'keydown', 'scroll', 'touchstart'];
const TOUCH_THROTTLE = ONE_SECOND;

export function startRum(config: Config, env: RumEnv): StartedRum {
  const { win } = env;
  const doc = win.document;
  const stops: Array<() => void> = [];
  const redact = (u: string) => redactUrl(u, config);

  let cookies = env.cookies;
  if (!cookies) {
    const docCookies = createDocumentCookieStore(doc);
    cookies = cookiesWork(docCookies) ? docCookies : createMemoryCookieStore();
  }
  const sessions = createSessionManager({
    cookies,
    sessionSampleRate: config.sessionSampleRate,
    sessionReplaySampleRate: config.sessionReplaySampleRate,
  });
  sessions.touch();

  const transport = env.transport ?? defaultTransport();
  const rumSender = createHttpSender(config.rumUrl, transport);
  const replaySender = createHttpSender(config.replayUrl, transport);
  // One compression worker for replay segments and large RUM batches.
  const compressor = env.replay?.compressor ?? createCompressor();
  const batch = createBatch(RUM_FLUSH_LIMITS, createCompressingSender(rumSender, () => compressor));

  let replay: Replay | undefined;
  // While a view ends because its session expired, its last version still belongs to that session.
  let endingSession: Session | undefined;
  const assembler = createAssembler({
    config,
    session: () => endingSession ?? sessions.current(),
    view: () => views.current(),
    user: env.user,
    hasReplay: () => !!replay && replay.isRecording(),
  });

  const views = startViewTracker({
    win,
    redactUrl: redact,
    send: (v) => {
      const e = assembler.viewEvent(v);
      if (e) batch.upsert(e, `view:${v.id}`);
    },
    viewStarted: (_v, previous) => {
      if (previous) replay?.viewChanged();
    },
  });
  stops.push(() => views.stop());

  const ensureReplay = () => {
    const s = sessions.current();
    if (replay || !s || !s.replay) return;
    replay = startReplay({
      privacyLevel: config.defaultPrivacyLevel,
      privacySelectors: config.privacySelectors,
      context: () => {
        const cur = sessions.current();
        const v = views.current();
        return cur && cur.replay && v ? { applicationId: config.applicationId, sessionId: cur.id, viewId: v.id } : undefined;
      },
      sender: replaySender,
      redactUrl: redact,
      ...env.replay,
      compressor,
    });
    // The view went out before the recorder started: re-send it with has_replay.
    views.sendUpdate();
  };
  const stopReplay = () => {
    replay?.stop();
    replay = undefined;
  };

  const emit = (type: string, date: number, fields: Record<string, unknown>, counter: ViewCounter) => {
    const e = assembler.event(type, date, fields);
    if (!e) return;
    batch.add(e);
    views.increment(counter);
  };
  const emitError = (r: RawError, context?: object) =>
    emit('error', Date.now(), { error: { id: generateUUID(), ...r }, ...(context ? { context } : {}) }, 'error');

  // Session lifecycle: activity extends it; expiry ends the view and the recording; the next
  // activity starts a new session with a new view (and a new recording if sampled).
  let lastTouch = Date.now();
  const activity = () => {
    const t = Date.now();
    if (t - lastTouch < TOUCH_THROTTLE) return;
    lastTouch = t;
    sessions.touch();
  };
  for (const type of ACTIVITY_EVENTS) stops.push(listen(win, type, activity));
  stops.push(
    listen(doc, 'visibilitychange', () => {
      if (doc.visibilityState === 'visible') activity();
    }),
  );
  stops.push(
    sessions.expired.subscribe(
      monitor((old: Session) => {
        endingSession = old;
        try {
          views.end();
        } finally {
          endingSession = undefined;
        }
        stopReplay();
        batch.flush('session_expired');
      }),
    ),
  );
  stops.push(
    sessions.renewed.subscribe(
      monitor(() => {
        views.restart();
        ensureReplay();
      }),
    ),
  );
  stops.push(sessions.startExpiryCheck());

  // Collectors.
  stops.push(
    trackClicks(
      doc,
      config.defaultPrivacyLevel,
      (name) => emit('action', Date.now(), { action: { id: generateUUID(), type: 'click', target: { name } } }, 'action'),
      config.privacySelectors,
    ),
  );
  stops.push(trackErrors(win, (r) => emitError(r)));
  if (config.trackResources) {
    const intake = `${config.endpoint}/v1/write/`;
    const methods = trackRequestMethods(win);
    stops.push(() => methods.stop());
    stops.push(
      trackResources(
        (url) => url.startsWith(intake),
        (r) => {
          const { date, ...resource } = r;
          emit('resource', date, { resource: { id: generateUUID(), ...resource, url: redact(resource.url) } }, 'resource');
        },
        (url) => methods.take(url),
      ),
    );
  }
  if (config.trackLongTasks) {
    stops.push(
      trackLongTasks((t) => emit('long_task', t.date, { long_task: { id: generateUUID(), duration: t.duration } }, 'long_task')),
    );
  }
  if (env.vitals !== false) {
    stops.push(callMonitored(() => trackVitals((m) => views.setMetrics(m))) ?? (() => {}));
    stops.push(trackLoadingTime(win, (m) => views.setMetrics(m)));
  }

  ensureReplay();

  stops.push(
    observePageExit(win, (reason) => {
      views.sendUpdate();
      replay?.flush(reason);
      replaySender.sendOnExit();
      batch.flush(reason);
    }),
  );

  let stopped = false;
  return {
    session: () => {
      const s = sessions.current();
      return s && s.tracked ? s : undefined;
    },
    addAction(name, context) {
      emit(
        'action',
        Date.now(),
        { action: { id: generateUUID(), type: 'custom', target: { name: String(name).slice(0, 256) } }, ...(context ? { context } : {}) },
        'action',
      );
    },
    addError(error, context) {
      emitError({ ...errorFrom(error, 'custom'), source: 'custom' }, context);
    },
    userChanged() {
      views.sendUpdate();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      // Last versions and segments go out before everything is released.
      for (const s of stops.reverse()) callMonitored(s);
      stops.length = 0;
      stopReplay();
      batch.flush('stop');
      batch.stop();
      compressor.stop();
      rumSender.stop();
      replaySender.stop();
    },
  };
}
