// Notices URL changes in single-page apps: history.pushState and replaceState (wrapped),
// popstate and hashchange. Only a real change of location.href is reported, so a
// replaceState that keeps the URL (frameworks do this to store state) is not a new view.

import { listen } from './listen';
import { monitor } from '../tools/monitor';

export type LocationChangeCause = 'pushState' | 'replaceState' | 'popstate' | 'hashchange';

export function observeLocationChanges(
  win: Window,
  onChange: (from: string, to: string, cause: LocationChangeCause) => void,
): () => void {
  let last = win.location.href;
  let active = true;
  const check = monitor((cause: LocationChangeCause) => {
    if (!active) return;
    const now = win.location.href;
    if (now === last) return;
    const from = last;
    last = now;
    onChange(from, now, cause);
  });

  const h = win.history;
  const wrap = (name: 'pushState' | 'replaceState') => {
    const original = h[name];
    const wrapped = function (this: History, ...args: Parameters<History['pushState']>) {
      const r = original.apply(this, args);
      check(name);
      return r;
    };
    h[name] = wrapped;
    return () => {
      // Restore only if nobody wrapped on top of us; otherwise `active` keeps us silent.
      if (h[name] === wrapped) h[name] = original;
    };
  };
  const unwraps = [
    wrap('pushState'),
    wrap('replaceState'),
    listen(win, 'popstate', () => check('popstate')),
    listen(win, 'hashchange', () => check('hashchange')),
  ];
  return () => {
    active = false;
    unwraps.forEach((u) => u());
  };
}
