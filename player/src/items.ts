// The left list: visited pages, operation records and errors, each at its
// moment. Pages, actions and errors come from the RUM events (known up front);
// inputs and scrolls (and clicks or pages, when the SDK sent no RUM events)
// come from the records of each loaded window.
import { EventType, IncrementalSource, MouseInteractions } from '@rrweb/types';
import type { ReplayEvent, RumEvent } from './types';

export type ItemKind = 'view' | 'action' | 'error' | 'input' | 'scroll';

export interface ListItem {
  id: string; // stable across reloads of the same window, for de-duplication
  kind: ItemKind;
  at: number; // ms since epoch
  title: string;
  detail?: string;
  href?: string; // the detail page
}

export function itemsFromRum(events: RumEvent[]): ListItem[] {
  const out: ListItem[] = [];
  for (const e of events) {
    const id = String(e.id ?? '');
    switch (e.type) {
      case 'view':
        out.push({
          id: `view:${id}`,
          kind: 'view',
          at: e.date,
          title: e.view_name || urlPath(e.view_url ?? '') || 'Page view',
          detail: e.view_url,
          href: id ? `/views/${encodeURIComponent(id)}` : undefined,
        });
        break;
      case 'action': {
        const verb = capitalize(e.action?.type || 'action');
        const target = e.action?.target_name;
        out.push({
          id: `action:${id}`,
          kind: 'action',
          at: e.date,
          title: target ? `${verb} on “${target}”` : verb,
          detail: urlPath(e.view_url ?? ''),
          href: id ? `/actions/${encodeURIComponent(id)}` : undefined,
        });
        break;
      }
      case 'error':
        out.push({
          id: `error:${id}`,
          kind: 'error',
          at: e.date,
          title: e.error?.message || 'Error',
          detail: [e.error?.kind, e.error?.source].filter(Boolean).join(' · '),
          href: id ? `/errors/${encodeURIComponent(id)}` : undefined,
        });
        break;
    }
  }
  return out;
}

export interface RecordItemOptions {
  withClicks: boolean; // the RUM events had no actions: show recorded clicks instead
  withPages: boolean; // the RUM events had no views: show recorded page loads instead
}

// Bursts: one list row per stretch of typing in one field, or of scrolling.
const inputBurstMs = 2_000;
const scrollBurstMs = 1_500;
const minScrollPx = 200;

/** itemsFromRecords derives list rows from one window's rrweb events. */
export function itemsFromRecords(events: ReplayEvent[], opts: RecordItemOptions): ListItem[] {
  const out: ListItem[] = [];
  let input: { id: number; first: number; last: number } | null = null;
  let scroll: { first: number; last: number; fromY: number; toY: number } | null = null;
  const scrollY = new Map<number, number>(); // last known position per scrolled node
  let lastHref = '';
  const flushInput = () => {
    if (input) out.push({ id: `input:${input.first}:${input.id}`, kind: 'input', at: input.first, title: 'Typed in a field' });
    input = null;
  };
  const flushScroll = () => {
    if (scroll && Math.abs(scroll.toY - scroll.fromY) >= minScrollPx) {
      const dir = scroll.toY > scroll.fromY ? 'down' : 'up';
      out.push({ id: `scroll:${scroll.first}`, kind: 'scroll', at: scroll.first, title: `Scrolled ${dir}`, detail: `${Math.abs(Math.round(scroll.toY - scroll.fromY))} px` });
    }
    scroll = null;
  };
  for (const e of events) {
    const t = e.timestamp;
    if (e.type === EventType.Meta) {
      const href = typeof (e.data as any)?.href === 'string' ? (e.data as any).href : '';
      if (opts.withPages && href && href !== lastHref) {
        out.push({ id: `page:${t}`, kind: 'view', at: t, title: urlPath(href) || href, detail: href });
      }
      lastHref = href || lastHref;
      continue;
    }
    if (e.type !== EventType.IncrementalSnapshot) continue;
    const d = e.data as any;
    switch (d?.source) {
      case IncrementalSource.Input:
        if (input && (input.id !== d.id || t - input.last > inputBurstMs)) flushInput();
        if (!input) input = { id: Number(d.id) || 0, first: t, last: t };
        input.last = t;
        break;
      case IncrementalSource.Scroll: {
        const y = Number(d.y) || 0;
        const id = Number(d.id) || 0;
        const before = scrollY.get(id) ?? 0;
        scrollY.set(id, y);
        if (scroll && t - scroll.last > scrollBurstMs) flushScroll();
        if (!scroll) scroll = { first: t, last: t, fromY: before, toY: y };
        scroll.last = t;
        scroll.toY = y;
        break;
      }
      case IncrementalSource.MouseInteraction:
        if (opts.withClicks && d.type === MouseInteractions.Click) {
          out.push({ id: `click:${t}:${d.id}`, kind: 'action', at: t, title: 'Click' });
        }
        break;
    }
  }
  flushInput();
  flushScroll();
  return out;
}

/** mergeItems adds items to a sorted list, skipping ids already present. */
export function mergeItems(list: ListItem[], add: ListItem[]): ListItem[] {
  const seen = new Set(list.map((i) => i.id));
  const fresh = add.filter((i) => !seen.has(i.id));
  if (fresh.length === 0) return list;
  const kindOrder: Record<ItemKind, number> = { view: 0, action: 1, input: 2, scroll: 3, error: 4 };
  return list.concat(fresh).sort((a, b) => a.at - b.at || kindOrder[a.kind] - kindOrder[b.kind]);
}

/** urlPath shortens a URL to what tells pages apart: path, query and fragment. */
export function urlPath(raw: string): string {
  try {
    const u = new URL(raw);
    return u.pathname + u.search + u.hash;
  } catch {
    return raw;
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
