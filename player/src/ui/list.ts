// The left list: one row per page, operation and error; click a row to seek
// there, its icon link opens the detail page. The row at the playhead is
// highlighted and kept in view while playing, unless the person is scrolling
// the list themselves.
import { fmtOffset } from '../format';
import type { ItemKind, ListItem } from '../items';
import { icons } from './icons';

export type ListFilter = 'all' | 'view' | 'action' | 'error';

export interface ListView {
  setItems(items: ListItem[]): void;
  setPosition(t: number, follow: boolean): void;
  setFilter(f: ListFilter): void;
  /** The items in order, for keyboard navigation ([ and ]). */
  items(): ListItem[];
}

export interface ListOptions {
  origin: number; // session start, ms since epoch
  onSeek(item: ListItem): void;
  onCounts?(counts: Record<ListFilter, number>): void;
}

const kindLabel: Record<ItemKind, string> = { view: 'Page', action: 'Action', input: 'Input', scroll: 'Scroll', error: 'Error' };

// Icons are parsed once and cloned per row: a long session has hundreds of rows.
const iconCache = new Map<string, HTMLElement>();
function cached(key: string, html: string): HTMLElement {
  let t = iconCache.get(key);
  if (!t) {
    const holder = document.createElement('span');
    holder.innerHTML = html;
    t = holder.firstElementChild as HTMLElement;
    iconCache.set(key, t);
  }
  return t.cloneNode(true) as HTMLElement;
}
const iconOf = (kind: ItemKind) =>
  cached(kind, `<span class="rp-item-icon" aria-label="${kindLabel[kind]}">${icons[kind]}</span>`);
const detailsIcon = () => cached('details', icons.details);

export function createList(el: HTMLElement, opts: ListOptions): ListView {
  let all: ListItem[] = [];
  let shown: ListItem[] = [];
  let filter: ListFilter = 'all';
  let rows: HTMLElement[] = [];
  let current = -1;
  let userScrollUntil = 0;
  // A scroll the player did itself must not count as the person's.
  let selfScroll = false;
  el.addEventListener('scroll', () => {
    if (selfScroll) selfScroll = false;
    else userScrollUntil = Date.now() + 4000;
  });
  el.addEventListener('click', (ev) => {
    const target = ev.target as HTMLElement;
    if (target.closest('a')) return; // the details link navigates on its own
    const row = target.closest<HTMLElement>('.rp-item');
    if (!row) return;
    const item = shown[Number(row.dataset.index)];
    if (item) opts.onSeek(item);
  });

  const matches = (i: ListItem) =>
    filter === 'all' || i.kind === filter || (filter === 'action' && (i.kind === 'input' || i.kind === 'scroll'));

  const render = () => {
    shown = all.filter(matches);
    const frag = document.createDocumentFragment();
    rows = shown.map((item, index) => {
      const li = document.createElement('li');
      li.className = `rp-item rp-kind-${item.kind}`;
      li.dataset.index = String(index);
      li.dataset.kind = item.kind;
      li.dataset.at = String(item.at - opts.origin);
      const main = document.createElement('button');
      main.type = 'button';
      main.className = 'rp-item-main';
      main.title = `Go to ${fmtOffset(item.at - opts.origin)}`;
      main.appendChild(iconOf(item.kind));
      const text = document.createElement('span');
      text.className = 'rp-item-text';
      const title = document.createElement('span');
      title.className = 'rp-item-title';
      title.textContent = item.title;
      text.appendChild(title);
      if (item.detail) {
        const detail = document.createElement('span');
        detail.className = 'rp-item-detail';
        detail.textContent = item.detail;
        text.appendChild(detail);
      }
      const time = document.createElement('span');
      time.className = 'rp-item-time';
      time.textContent = fmtOffset(item.at - opts.origin);
      main.append(text, time);
      li.appendChild(main);
      if (item.href) {
        const a = document.createElement('a');
        a.className = 'rp-item-details';
        a.href = item.href;
        a.title = `View ${kindLabel[item.kind].toLowerCase()} details`;
        a.setAttribute('aria-label', a.title);
        a.appendChild(detailsIcon());
        li.appendChild(a);
      }
      frag.appendChild(li);
      return li;
    });
    el.replaceChildren(frag);
    if (shown.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'rp-empty';
      empty.textContent = all.length ? 'Nothing of this kind in the session.' : 'No pages, actions or errors recorded.';
      el.appendChild(empty);
    }
    current = -1;
    const counts: Record<ListFilter, number> = { all: all.length, view: 0, action: 0, error: 0 };
    for (const i of all) {
      if (i.kind === 'view' || i.kind === 'error') counts[i.kind]++;
      else counts.action++;
    }
    opts.onCounts?.(counts);
  };

  const view: ListView = {
    setItems(items) {
      all = items;
      render();
    },
    setFilter(f) {
      filter = f;
      render();
    },
    items: () => shown,
    setPosition(t, follow) {
      // The last row at or before the playhead (rows are in time order).
      let lo = 0;
      let hi = shown.length - 1;
      let idx = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (shown[mid].at <= t + 1) {
          idx = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (idx === current) return;
      if (current >= 0 && rows[current]) {
        rows[current].classList.remove('is-current');
        rows[current].removeAttribute('aria-current');
      }
      // Rows ahead of the playhead are dimmed; update only the span that changed.
      const [a, b] = current < idx ? [current + 1, idx] : [idx + 1, current];
      for (let i = Math.max(0, a); i <= b && i < rows.length; i++) rows[i].classList.toggle('is-past', i <= idx);
      current = idx;
      const row = rows[idx];
      if (!row) return;
      row.classList.add('is-current');
      row.setAttribute('aria-current', 'true');
      if (follow && Date.now() > userScrollUntil) {
        const top = row.offsetTop; // the list is position: relative (player.css)
        if (top < el.scrollTop || top + row.offsetHeight > el.scrollTop + el.clientHeight) {
          selfScroll = true;
          el.scrollTop = Math.max(0, top - el.clientHeight / 3);
        }
      }
    },
  };
  return view;
}
