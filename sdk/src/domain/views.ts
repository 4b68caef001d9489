// Views: one per page load and one per SPA route change. A view's event is sent when it starts
// and re-sent as it changes (counts, time spent, web vitals, loading time), at most every 3 s,
// with an increasing _dd.document_version; a final version goes out when the view ends and on
// page exit. The store keeps the highest version.

import { observeLocationChanges } from '../browser/locationChanges';
import { msToNs, timeOrigin } from '../tools/time';
import { generateUUID } from '../tools/uuid';

export type ViewCounter = 'action' | 'error' | 'resource' | 'long_task';

export interface ViewMetrics {
  loading_time?: number;
  first_byte?: number;
  first_contentful_paint?: number;
  largest_contentful_paint?: number;
  cumulative_layout_shift?: number;
  interaction_to_next_paint?: number;
}

export interface View {
  id: string;
  url: string;
  referrer: string;
  name: string;
  loadingType: 'initial_load' | 'route_change';
  /** ms since the epoch */
  start: number;
  counts: Record<ViewCounter, number>;
  metrics: ViewMetrics;
  documentVersion: number;
  active: boolean;
  /** time_spent frozen at the view's end (ns) */
  endedAfterNs?: number;
}

/** The `view` object of a view event (merged with the common view context by the assembler). */
export function viewEventFields(v: View, now: number): Record<string, unknown> {
  return {
    loading_type: v.loadingType,
    time_spent: v.endedAfterNs ?? msToNs(Math.max(0, now - v.start)),
    is_active: v.active,
    ...v.metrics,
    action: { count: v.counts.action },
    error: { count: v.counts.error },
    resource: { count: v.counts.resource },
    long_task: { count: v.counts.long_task },
  };
}

/** viewName is the route without the query: the path, plus the hash when it holds the route. */
export function viewName(href: string): string {
  try {
    const u = new URL(href);
    return u.pathname + (u.hash.startsWith('#/') || u.hash.startsWith('#!/') ? u.hash : '');
  } catch {
    return href;
  }
}

export const VIEW_UPDATE_THROTTLE_MS = 3000;

export interface ViewTracker {
  current(): View | undefined;
  increment(counter: ViewCounter): void;
  /** setMetrics applies to the initial-load view (web vitals describe the page load). */
  setMetrics(m: ViewMetrics): void;
  /** sendUpdate sends the current view's latest version now (page exit). */
  sendUpdate(): void;
  /** end ends the current view (session expired) without starting another. */
  end(): void;
  /** restart ends the current view, if any, and starts a new one on the same URL (session renewal). */
  restart(): void;
  stop(): void;
}

export function startViewTracker(o: {
  win: Window;
  redactUrl: (u: string) => string;
  /** send delivers one version of a view (the assembler turns it into an event). */
  send: (v: View) => void;
  /** viewStarted is called after a view's first version (replay takes a full snapshot). */
  viewStarted?: (v: View, previous: View | undefined) => void;
  now?: () => number;
  throttleMs?: number;
}): ViewTracker {
  const now = o.now ?? Date.now;
  const throttle = o.throttleMs ?? VIEW_UPDATE_THROTTLE_MS;
  let view: View | undefined;
  let initial: View | undefined;
  let lastUrl = '';
  let timer: ReturnType<typeof setTimeout> | undefined;

  const send = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!view) return;
    view.documentVersion++;
    o.send(view);
  };
  const schedule = () => {
    if (timer === undefined && view) timer = setTimeout(send, throttle);
  };

  const create = (href: string, referrer: string, type: View['loadingType'], start: number): View => {
    lastUrl = href;
    return {
      id: generateUUID(),
      url: o.redactUrl(href),
      referrer: referrer ? o.redactUrl(referrer) : '',
      name: viewName(href),
      loadingType: type,
      start,
      counts: { action: 0, error: 0, resource: 0, long_task: 0 },
      metrics: {},
      documentVersion: 0,
      active: true,
    };
  };

  const end = () => {
    if (!view) return;
    view.active = false;
    view.endedAfterNs = msToNs(Math.max(0, now() - view.start));
    send();
    view = undefined;
  };

  const startNew = (v: View) => {
    const previous = view;
    end();
    view = v;
    send();
    o.viewStarted?.(v, previous);
  };

  // The page-load view starts at navigation start, so resources loaded before init belong to it.
  initial = create(o.win.location.href, o.win.document.referrer, 'initial_load', Math.round(timeOrigin()));
  startNew(initial);

  const stopLocation = observeLocationChanges(o.win, (from, to) => {
    startNew(create(to, from, 'route_change', now()));
  });

  return {
    current: () => view,
    increment(counter) {
      if (!view) return;
      view.counts[counter]++;
      schedule();
    },
    setMetrics(m) {
      if (!initial || initial !== view) return;
      Object.assign(initial.metrics, m);
      schedule();
    },
    sendUpdate: send,
    end,
    restart() {
      const href = o.win.location.href;
      startNew(create(href, view ? lastUrl : '', 'route_change', now()));
    },
    stop() {
      stopLocation();
      end();
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
