// Errors: uncaught exceptions (window `error`), unhandled promise rejections and
// console.error calls, plus REPRISE.addError. Each becomes {message, stack, type, source}.

import { listen } from '../browser/listen';
import { monitor } from '../tools/monitor';

export type ErrorSource = 'source' | 'console' | 'custom';

export interface RawError {
  message: string;
  stack?: string;
  type?: string;
  source: ErrorSource;
}

const MAX_MESSAGE = 4096;
const MAX_STACK = 16 * 1024;

function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s;
  } catch {
    return String(v);
  }
}

/** errorFrom turns anything thrown or rejected into a RawError. */
export function errorFrom(value: unknown, source: ErrorSource, fallbackMessage?: string): RawError {
  if (value instanceof Error || (value && typeof value === 'object' && 'message' in value && 'stack' in value)) {
    const e = value as Error;
    return {
      message: String(e.message || fallbackMessage || 'Error').slice(0, MAX_MESSAGE),
      stack: typeof e.stack === 'string' ? e.stack.slice(0, MAX_STACK) : undefined,
      type: e.name || 'Error',
      source,
    };
  }
  const message = value === undefined ? fallbackMessage || 'Unknown error' : stringify(value);
  return { message: message.slice(0, MAX_MESSAGE), source };
}

/** consoleMessage formats console.error arguments as the console would (roughly). */
export function consoleError(args: unknown[]): RawError {
  const err = args.find((a): a is Error => a instanceof Error);
  const message = args.map(stringify).join(' ');
  return {
    message: message.slice(0, MAX_MESSAGE) || 'console.error',
    stack: err?.stack?.slice(0, MAX_STACK),
    type: err?.name,
    source: 'console',
  };
}

export function trackErrors(win: Window, onError: (e: RawError) => void): () => void {
  const stops = [
    // Not capture: resource load errors (img, script) are not bubbling `error`s on window.
    listen<ErrorEvent>(
      win,
      'error',
      (e) => onError(errorFrom(e.error, 'source', e.message || 'Script error')),
      { passive: true },
    ),
    listen<PromiseRejectionEvent>(
      win,
      'unhandledrejection',
      (e) => onError(errorFrom(e.reason, 'source', 'Unhandled promise rejection')),
      { passive: true },
    ),
    wrapConsoleError((win as Window & typeof globalThis).console, onError),
  ];
  return () => stops.forEach((s) => s());
}

function wrapConsoleError(c: Console, onError: (e: RawError) => void): () => void {
  const original = c.error;
  let inside = false; // a report that logs must not report itself again
  const report = monitor((args: unknown[]) => onError(consoleError(args)));
  const wrapped = function (this: Console, ...args: unknown[]) {
    if (!inside) {
      inside = true;
      try {
        report(args);
      } finally {
        inside = false;
      }
    }
    return original.apply(this, args);
  };
  c.error = wrapped;
  return () => {
    if (c.error === wrapped) c.error = original;
  };
}
