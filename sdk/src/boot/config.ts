// init() options, their defaults and validation. A bad option is reported in the console and
// init does nothing: a misconfigured SDK must not throw into the page.

import { checkPrivacySelectors, isPrivacyLevel, type PrivacyLevel, type PrivacySelectors } from '../domain/privacy';
import { DEFAULT_REDACTED_QUERY_PARAMS } from '../tools/url';

export interface InitOptions {
  applicationId: string;
  clientToken?: string;
  /** Base URL of the collector, e.g. "http://127.0.0.1:9529". Default: where the SDK was loaded from. */
  endpoint?: string;
  /** Percentage of sessions tracked (0..100). Default 100. */
  sessionSampleRate?: number;
  /** Percentage of tracked sessions with a replay (0..100). Default 100. */
  sessionReplaySampleRate?: number;
  defaultPrivacyLevel?: PrivacyLevel;
  /** CSS selectors per privacy level, e.g. { mask: ['.account'], hidden: ['#chat'] }. */
  privacySelectors?: PrivacySelectors;
  env?: string;
  version?: string;
  service?: string;
  trackResources?: boolean;
  trackLongTasks?: boolean;
  /** Only these query parameters keep their values in URLs we send. */
  allowedQueryParams?: string[];
  /** Query parameters whose name contains one of these (case-insensitive) lose their values
   * in URLs we send. Default: DEFAULT_REDACTED_QUERY_PARAMS (token, key, password, …). */
  redactQueryParams?: string[];
  /** Log the SDK's own swallowed errors to the console. */
  debug?: boolean;
}

export interface Config {
  applicationId: string;
  clientToken?: string;
  endpoint: string;
  rumUrl: string;
  replayUrl: string;
  sessionSampleRate: number;
  sessionReplaySampleRate: number;
  defaultPrivacyLevel: PrivacyLevel;
  privacySelectors?: PrivacySelectors;
  env?: string;
  version?: string;
  service?: string;
  trackResources: boolean;
  trackLongTasks: boolean;
  allowedQueryParams?: string[];
  redactQueryParams?: string[];
  debug: boolean;
}

export const RUM_PATH = '/v1/write/rum';
export const REPLAY_PATH = '/v1/write/rum/replay';

function rate(v: unknown, name: string): number | string {
  if (v === undefined) return 100;
  if (typeof v !== 'number' || !(v >= 0 && v <= 100)) return `${name} must be a number between 0 and 100`;
  return v;
}

/** resolveEndpoint: the init option, else the SDK script's origin, else the page's origin. */
export function resolveEndpoint(option: string | undefined, scriptUrl: string | undefined, pageOrigin: string): string {
  let base = option;
  if (!base && scriptUrl) {
    try {
      base = new URL(scriptUrl).origin;
    } catch {
      base = undefined;
    }
  }
  return (base || pageOrigin).replace(/\/+$/, '');
}

function intakeUrl(endpoint: string, path: string, o: InitOptions): string {
  const q = new URLSearchParams();
  // Query parameters, not headers: sendBeacon cannot set headers, and custom headers would
  // force a CORS preflight on every batch.
  if (o.clientToken) q.set('client_token', o.clientToken);
  const qs = q.toString();
  return `${endpoint}${path}${qs ? `?${qs}` : ''}`;
}

export function buildConfig(o: InitOptions, scriptUrl: string | undefined, pageOrigin: string): Config | string {
  if (!o || typeof o !== 'object') return 'init() needs an options object';
  if (typeof o.applicationId !== 'string' || o.applicationId.trim() === '') return 'applicationId is required';
  const s = rate(o.sessionSampleRate, 'sessionSampleRate');
  if (typeof s === 'string') return s;
  const r = rate(o.sessionReplaySampleRate, 'sessionReplaySampleRate');
  if (typeof r === 'string') return r;
  const privacy = o.defaultPrivacyLevel ?? 'mask-user-input';
  if (!isPrivacyLevel(privacy)) return `defaultPrivacyLevel must be one of allow, mask, mask-user-input`;
  const selectorError = checkPrivacySelectors(o.privacySelectors, typeof document === 'undefined' ? undefined : document);
  if (selectorError) return selectorError;
  for (const k of ['allowedQueryParams', 'redactQueryParams'] as const) {
    const v = o[k];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) return `${k} must be an array of strings`;
  }
  const endpoint = resolveEndpoint(o.endpoint, scriptUrl, pageOrigin);
  return {
    applicationId: o.applicationId,
    clientToken: o.clientToken,
    endpoint,
    rumUrl: intakeUrl(endpoint, RUM_PATH, o),
    replayUrl: intakeUrl(endpoint, REPLAY_PATH, o),
    sessionSampleRate: s,
    sessionReplaySampleRate: r,
    defaultPrivacyLevel: privacy,
    privacySelectors: o.privacySelectors,
    env: o.env,
    version: o.version,
    service: o.service,
    trackResources: o.trackResources ?? true,
    trackLongTasks: o.trackLongTasks ?? true,
    allowedQueryParams: o.allowedQueryParams,
    redactQueryParams: o.redactQueryParams ?? [...DEFAULT_REDACTED_QUERY_PARAMS],
    debug: !!o.debug,
  };
}
