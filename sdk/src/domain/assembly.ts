// Turns what the collectors saw into RUM events in the Datadog/Guance schema (DESIGN 3.2):
// common fields (application, session, view, usr, service/env/version, source) plus the
// event's own. Events outside a tracked session are dropped here.

import type { Config } from '../boot/config';
import type { Session } from './session';
import { viewEventFields, type View } from './views';

export interface User {
  id?: string;
  name?: string;
  email?: string;
}

export type RumEvent = Record<string, unknown> & { type: string; date: number };

export interface Assembler {
  /** event builds a non-view event for the current view; undefined when it must be dropped. */
  event(type: string, date: number, fields: Record<string, unknown>): RumEvent | undefined;
  /** viewEvent builds one version of a view's event. */
  viewEvent(v: View): RumEvent | undefined;
}

export function createAssembler(d: {
  config: Config;
  session: () => Session | undefined;
  view: () => View | undefined;
  user: () => User | undefined;
  hasReplay: () => boolean;
  now?: () => number;
}): Assembler {
  const now = d.now ?? Date.now;
  const { config } = d;

  const common = (type: string, date: number, v: View, s: Session, viewExtra?: Record<string, unknown>): RumEvent => {
    const e: RumEvent = {
      type,
      date,
      application: { id: config.applicationId },
      session: { id: s.id, type: 'user', has_replay: s.replay && d.hasReplay() },
      view: { id: v.id, url: v.url, referrer: v.referrer, name: v.name, ...viewExtra },
      source: 'browser',
      _dd: { format_version: 2 },
    };
    const u = d.user();
    if (u && (u.id || u.name || u.email)) e.usr = { ...u };
    if (config.service) e.service = config.service;
    if (config.env) e.env = config.env;
    if (config.version) e.version = config.version;
    return e;
  };

  return {
    event(type, date, fields) {
      const s = d.session();
      const v = d.view();
      if (!s || !s.tracked || !v) return undefined;
      return { ...common(type, date, v, s), ...fields };
    },
    viewEvent(v) {
      const s = d.session();
      if (!s || !s.tracked) return undefined;
      const e = common('view', v.start, v, s, viewEventFields(v, now()));
      (e._dd as Record<string, unknown>).document_version = v.documentVersion;
      return e;
    },
  };
}
