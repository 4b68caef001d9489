// The SDK must never break the page it runs in: every callback that the browser calls
// (listeners, observers, timers, rrweb's emit) goes through monitor(), which swallows and
// counts the exception instead of letting it reach window.onerror (where our own error
// collector would report it, and possibly loop).

let debugMode = false;
let internalErrors = 0;

/** setDebugMode makes swallowed SDK errors visible in the console (init option `debug`). */
export function setDebugMode(on: boolean): void {
  debugMode = on;
}

/** internalErrorCount is how many exceptions the SDK swallowed; tests and debug use it. */
export function internalErrorCount(): number {
  return internalErrors;
}

export function reportInternalError(err: unknown): void {
  internalErrors++;
  if (debugMode) {
    try {
      // Use the original console.warn: console.error may be wrapped by our error collector.
      console.warn('[reprise] internal error', err);
    } catch {
      // The console itself may be unusable; there is nothing left to do.
    }
  }
}

/** monitor wraps fn so that an exception inside it is caught; the wrapper returns undefined then. */
export function monitor<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R | undefined {
  return function (this: unknown, ...args: A): R | undefined {
    return callMonitored(() => fn.apply(this, args));
  };
}

/** callMonitored runs fn now, catching any exception. */
export function callMonitored<R>(fn: () => R): R | undefined {
  try {
    return fn();
  } catch (err) {
    reportInternalError(err);
    return undefined;
  }
}
