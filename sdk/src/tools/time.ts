// Times: RUM events carry `date` in ms since the epoch and durations in nanoseconds.

export const ONE_SECOND = 1000;
export const ONE_MINUTE = 60 * ONE_SECOND;
export const ONE_HOUR = 60 * ONE_MINUTE;

/** msToNs converts a duration in (possibly fractional) milliseconds to integer nanoseconds. */
export function msToNs(ms: number): number {
  return Math.round(ms * 1e6);
}

/** timeOrigin is the epoch time (ms) of performance.now() == 0. */
export function timeOrigin(): number {
  const p = typeof performance !== 'undefined' ? performance : undefined;
  if (p && typeof p.timeOrigin === 'number' && p.timeOrigin > 0) return p.timeOrigin;
  return Date.now() - (p ? p.now() : 0);
}

/** perfToEpoch turns a performance timeline time (ms since timeOrigin) into ms since the epoch. */
export function perfToEpoch(perfTime: number): number {
  return Math.round(timeOrigin() + perfTime);
}
