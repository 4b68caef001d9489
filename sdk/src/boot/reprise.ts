// The public API: REPRISE.init / setUser / addError / addAction / getSessionId / stop.
// Creating it has no side effect; init() starts collection. Every method is monitored:
// a call with bad arguments logs a warning and never throws into the page.

import type { User } from '../domain/assembly';
import { callMonitored, setDebugMode } from '../tools/monitor';
import { buildConfig, type InitOptions } from './config';
import { startRum, type RumEnv, type StartedRum } from './startRum';

export const SDK_VERSION = '0.1.0';

export interface RepriseApi {
  version: string;
  init(options: InitOptions): void;
  setUser(user: User): void;
  addError(error: unknown, context?: object): void;
  addAction(name: string, context?: object): void;
  getSessionId(): string | undefined;
  stop(): void;
}

function warn(msg: string) {
  try {
    console.warn(`[reprise] ${msg}`);
  } catch {
    // no console
  }
}

export function createReprise(opts: { scriptUrl?: string; env?: Partial<RumEnv> } = {}): RepriseApi {
  let rum: StartedRum | undefined;
  let user: User | undefined;

  return {
    version: SDK_VERSION,
    init(options) {
      callMonitored(() => {
        if (rum) return warn('init() was already called; ignored');
        if (typeof window === 'undefined' && !opts.env?.win) return; // not in a browser (SSR)
        const win = opts.env?.win ?? window;
        const config = buildConfig(options, opts.scriptUrl, win.location.origin);
        if (typeof config === 'string') return warn(`init(): ${config}; nothing is recorded`);
        setDebugMode(config.debug);
        rum = startRum(config, { ...opts.env, win, user: () => user });
      });
    },
    setUser(u) {
      callMonitored(() => {
        if (!u || typeof u !== 'object') return warn('setUser() needs an object {id, name, email}');
        const clean: User = {};
        for (const k of ['id', 'name', 'email'] as const) if (u[k] !== undefined && u[k] !== null) clean[k] = String(u[k]);
        user = clean;
        rum?.userChanged();
      });
    },
    addError(error, context) {
      callMonitored(() => rum?.addError(error, context));
    },
    addAction(name, context) {
      callMonitored(() => rum?.addAction(name, context));
    },
    getSessionId() {
      return callMonitored(() => rum?.session()?.id);
    },
    stop() {
      callMonitored(() => {
        rum?.stop();
        rum = undefined;
      });
    },
  };
}
