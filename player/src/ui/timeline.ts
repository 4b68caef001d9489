// The timeline under the replay: progress, what is loaded, inactive stretches
// (shaded), markers for page changes, clicks and errors (each with a tooltip),
// and a thumb to click or drag. Dragging previews the time and seeks on release.
import { fmtOffset } from '../format';
import type { Stretch } from '../activity';
import type { ListItem } from '../items';

export interface TimelineView {
  setPosition(t: number): void;
  setStretches(s: Stretch[]): void;
  setMarkers(items: ListItem[]): void;
  setLoaded(from: number, to: number): void;
}

export interface TimelineOptions {
  start: number;
  end: number;
  onSeek(t: number): void;
}

export function createTimeline(el: HTMLElement, opts: TimelineOptions): TimelineView {
  const span = Math.max(1, opts.end - opts.start);
  const pct = (t: number) => `${(Math.min(Math.max((t - opts.start) / span, 0), 1) * 100).toFixed(3)}%`;
  el.replaceChildren();
  const track = div('rp-track');
  const inactive = div('rp-inactive-layer');
  const loaded = div('rp-loaded');
  const progress = div('rp-progress');
  const markers = div('rp-markers');
  const thumb = div('rp-thumb');
  const tip = div('rp-tip');
  track.append(inactive, loaded, progress);
  el.append(track, markers, thumb, tip);
  el.setAttribute('role', 'slider');
  el.setAttribute('aria-label', 'Replay position');
  el.setAttribute('aria-valuemin', '0');
  el.setAttribute('aria-valuemax', String(Math.round(span / 1000)));
  el.tabIndex = -1; // the keyboard shortcuts cover seeking; no second focus stop

  let dragging = false;
  let position = opts.start;
  const timeAt = (clientX: number) => {
    const r = el.getBoundingClientRect();
    return opts.start + Math.min(Math.max((clientX - r.left) / Math.max(1, r.width), 0), 1) * span;
  };
  const showTip = (clientX: number, text: string) => {
    const r = el.getBoundingClientRect();
    tip.textContent = text;
    tip.style.left = `${Math.min(Math.max(clientX - r.left, 0), r.width)}px`;
    tip.classList.add('is-visible');
  };
  const draw = (t: number) => {
    progress.style.width = pct(t);
    thumb.style.left = pct(t);
  };
  el.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    dragging = true;
    el.setPointerCapture(ev.pointerId);
    el.classList.add('is-dragging');
    draw(timeAt(ev.clientX));
    ev.preventDefault();
  });
  el.addEventListener('pointermove', (ev) => {
    const t = timeAt(ev.clientX);
    const marker = (ev.target as HTMLElement).closest<HTMLElement>('.rp-marker');
    showTip(ev.clientX, marker && !dragging ? `${marker.dataset.label}` : fmtOffset(t - opts.start));
    if (dragging) draw(t);
  });
  el.addEventListener('pointerleave', () => tip.classList.remove('is-visible'));
  const release = (ev: PointerEvent) => {
    if (!dragging) return;
    dragging = false;
    el.classList.remove('is-dragging');
    if (el.hasPointerCapture(ev.pointerId)) el.releasePointerCapture(ev.pointerId);
    opts.onSeek(timeAt(ev.clientX));
  };
  el.addEventListener('pointerup', release);
  el.addEventListener('pointercancel', () => {
    dragging = false;
    el.classList.remove('is-dragging');
    draw(position);
  });

  return {
    setPosition(t) {
      position = t;
      el.setAttribute('aria-valuenow', String(Math.round((t - opts.start) / 1000)));
      el.setAttribute('aria-valuetext', fmtOffset(t - opts.start));
      if (!dragging) draw(t);
    },
    setStretches(stretches) {
      inactive.replaceChildren(
        ...stretches.map((s) => {
          const d = div('rp-inactive');
          d.style.left = pct(s.from);
          d.style.width = `${(((Math.min(s.to, opts.end) - Math.max(s.from, opts.start)) / span) * 100).toFixed(3)}%`;
          d.title = `Inactive for ${fmtOffset(s.to - s.from)}`;
          return d;
        }),
      );
    },
    setMarkers(items) {
      markers.replaceChildren(
        ...items
          .filter((i) => i.kind === 'view' || i.kind === 'action' || i.kind === 'error')
          .map((i) => {
            const m = div(`rp-marker rp-marker-${i.kind}`);
            m.style.left = pct(i.at);
            const label = `${fmtOffset(i.at - opts.start)} · ${i.kind === 'view' ? 'Page: ' : i.kind === 'error' ? 'Error: ' : ''}${i.title}`;
            m.dataset.label = label;
            m.title = label;
            return m;
          }),
      );
    },
    setLoaded(from, to) {
      loaded.style.left = pct(from);
      loaded.style.width = `${((Math.max(0, Math.min(to, opts.end) - Math.max(from, opts.start)) / span) * 100).toFixed(3)}%`;
    },
  };
}

function div(cls: string): HTMLDivElement {
  const d = document.createElement('div');
  d.className = cls;
  return d;
}
