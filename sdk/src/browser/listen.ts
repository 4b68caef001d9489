// addEventListener through monitor(): a throwing SDK handler never reaches the page.

import { monitor } from '../tools/monitor';

export function listen<E extends Event>(
  target: EventTarget,
  type: string,
  fn: (e: E) => void,
  opts: AddEventListenerOptions = { capture: true, passive: true },
): () => void {
  const handler = monitor(fn as (e: Event) => void);
  target.addEventListener(type, handler, opts);
  return () => target.removeEventListener(type, handler, opts);
}
