// Long tasks (main thread busy > 50 ms) from the `longtask` PerformanceObserver.

import { observeEntries } from '../browser/performanceObserver';
import { msToNs, perfToEpoch } from '../tools/time';

export interface RawLongTask {
  date: number;
  duration: number;
}

export function trackLongTasks(onLongTask: (t: RawLongTask) => void): () => void {
  return observeEntries('longtask', (entries) => {
    for (const e of entries) onLongTask({ date: perfToEpoch(e.startTime), duration: msToNs(e.duration) });
  });
}
