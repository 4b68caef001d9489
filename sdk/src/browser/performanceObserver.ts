// PerformanceObserver for one entry type, buffered (entries from before init are delivered
// too), tolerant of browsers that lack the type.

import { monitor } from '../tools/monitor';

export function observeEntries(type: string, onEntries: (entries: PerformanceEntry[]) => void): () => void {
  if (typeof PerformanceObserver !== 'function') return () => {};
  const supported = PerformanceObserver.supportedEntryTypes;
  if (supported && !supported.includes(type)) return () => {};
  try {
    const po = new PerformanceObserver(monitor((list: PerformanceObserverEntryList) => onEntries(list.getEntries())));
    po.observe({ type, buffered: true });
    return () => po.disconnect();
  } catch {
    return () => {};
  }
}
