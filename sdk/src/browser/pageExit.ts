// The moments a page may be gone before an async request completes: pagehide (navigation,
// tab close), visibilitychange to hidden (tab switch; on mobile often the last event ever) and
// beforeunload. Data is flushed then with sendBeacon / keepalive fetch.

import { listen } from './listen';

export type PageExitReason = 'page_hide' | 'visibility_hidden' | 'before_unload';

export function observePageExit(win: Window, onExit: (reason: PageExitReason) => void): () => void {
  const doc = win.document;
  const stops = [
    listen(win, 'pagehide', () => onExit('page_hide')),
    listen(doc, 'visibilitychange', () => {
      if (doc.visibilityState === 'hidden') onExit('visibility_hidden');
    }),
    listen(win, 'beforeunload', () => onExit('before_unload')),
  ];
  return () => stops.forEach((s) => s());
}
