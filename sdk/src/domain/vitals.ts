// Core web vitals from Google's `web-vitals`, put on the page-load view in the RUM schema's
// units: nanoseconds for times, unitless CLS. web-vitals offers no unsubscribe, so stop()
// only silences the callbacks.

import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import { monitor } from '../tools/monitor';
import { msToNs } from '../tools/time';
import type { ViewMetrics } from './views';

export function vitalToMetrics(m: Pick<Metric, 'name' | 'value'>): ViewMetrics {
  switch (m.name) {
    case 'CLS':
      return { cumulative_layout_shift: Math.round(m.value * 1e4) / 1e4 };
    case 'FCP':
      return { first_contentful_paint: msToNs(m.value) };
    case 'LCP':
      return { largest_contentful_paint: msToNs(m.value) };
    case 'INP':
      return { interaction_to_next_paint: msToNs(m.value) };
    case 'TTFB':
      return { first_byte: msToNs(m.value) };
    default:
      return {};
  }
}

export function trackVitals(onMetrics: (m: ViewMetrics) => void): () => void {
  let active = true;
  const report = monitor((m: Metric) => {
    if (active) onMetrics(vitalToMetrics(m));
  });
  // A fresh options object per metric: web-vitals 5 caches its per-metric state in a WeakMap
  // keyed by the options object, so sharing one breaks INP ("T is not a function").
  const opts = () => ({ reportAllChanges: true });
  onCLS(report, opts());
  onFCP(report, opts());
  onLCP(report, opts());
  onINP(report, opts());
  onTTFB(report, opts());
  return () => {
    active = false;
  };
}

/**
 * trackLoadingTime reports the page-load view's loading_time: the navigation's loadEventEnd
 * (time from navigation start until the load event finished), once the page has loaded.
 */
export function trackLoadingTime(win: Window, onMetrics: (m: ViewMetrics) => void): () => void {
  let active = true;
  const read = monitor(() => {
    if (!active) return;
    const nav = win.performance?.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined;
    if (nav && nav.loadEventEnd > 0) onMetrics({ loading_time: msToNs(nav.loadEventEnd) });
  });
  // loadEventEnd is only set after the load handlers ran: read it in the next task.
  const onLoad = () => setTimeout(read, 0);
  if (win.document.readyState === 'complete') onLoad();
  else win.addEventListener('load', onLoad, { once: true });
  return () => {
    active = false;
    win.removeEventListener('load', onLoad);
  };
}
