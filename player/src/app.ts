// The player page, wired together: the session's metadata, RUM events and
// segment index arrive first; the list, the timeline markers and the windows
// are planned from them; then the controller loads the window at the target
// moment and plays while the rest arrives.
import { activityFromRecords, activityFromRum, defaultInactiveThresholdMs, inactiveStretches, type Stretch } from './activity';
import type { PlayerApi } from './api';
import { createController, type Controller, type PlayerState } from './controller';
import type { Engine } from './engine';
import { fmtOffset } from './format';
import { itemsFromRecords, itemsFromRum, mergeItems, type ListItem } from './items';
import { createWindowLoader } from './loader';
import type { MissingPart, ReplayEvent, SegmentInfo, SessionInfo } from './types';
import { bindKeys, createControls, createToast, speeds } from './ui/controls';
import { icons } from './ui/icons';
import { createList, type ListFilter } from './ui/list';
import { createTimeline } from './ui/timeline';
import { planWindows } from './windows';

/** The session and its segment index, embedded in the page by the server to save a round trip. */
export interface EmbeddedIndex {
  session: SessionInfo;
  segments: SegmentInfo[];
}

export interface AppOptions {
  root: HTMLElement; // #player, holding the server-rendered skeleton
  api: PlayerApi;
  index?: EmbeddedIndex | null;
  sessionId: string;
  /** ms from the session's start to open at; null: from the start, playing. */
  t: number | null;
  storage?: Storage | null;
}

const keys = {
  skip: 'reprise.player.skipInactive',
  threshold: 'reprise.player.inactiveThresholdMs',
  speed: 'reprise.player.speed',
  folded: 'reprise.player.listFolded',
};

export interface PlayerHandle {
  state(): PlayerState & {
    offset: number;
    duration: number;
    skipInactive: boolean;
    thresholdMs: number;
    stretches: Stretch[];
    missing: string[];
    items: number;
    scannedWindows: number; // windows whose activity is known (loaded or scanned)
    windows: number;
  };
  controller: Controller;
  /** Seeks to ms from the session's start; resolves once that moment is on screen. */
  seek(offset: number): Promise<void>;
  /** performance.now() when the first replayed frame was on screen (0 until then). */
  firstFrameAt(): number;
}

export async function startApp(o: AppOptions): Promise<PlayerHandle> {
  const root = o.root;
  const store = o.storage ?? null;
  const $ = <T extends HTMLElement>(sel: string) => root.querySelector(sel) as T;
  const toast = createToast($('#rp-toast'));
  const overlay = $<HTMLElement>('#rp-overlay');
  const setOverlay = (kind: string, text: string) => {
    overlay.dataset.kind = kind;
    overlay.hidden = kind === '';
    overlay.querySelector('.rp-overlay-text')!.textContent = text;
  };
  setOverlay('loading', 'Loading replay…');

  // The first frame needs only the session and its segment index (embedded in
  // the page, or fetched); the RUM events (list, markers) arrive alongside.
  const eventsP = o.api.events();
  let session: SessionInfo;
  let segments: SegmentInfo[];
  try {
    if (o.index && typeof o.index.session?.start === 'number' && Array.isArray(o.index.segments)) {
      session = o.index.session;
      segments = o.index.segments.slice().sort((a, b) => a.start - b.start);
    } else {
      [session, segments] = await Promise.all([o.api.session(), o.api.segments()]);
    }
    performance.mark('reprise:index');
  } catch (err) {
    setOverlay('error', `The replay could not be loaded: ${(err as Error).message}`);
    throw err;
  }
  const start = session.start;
  const end = Math.max(session.end || start, ...segments.map((s) => s.end), start + 1);
  const total = end - start;
  const windows = planWindows(segments, end);

  // Settings: remembered per browser.
  const read = (k: string) => {
    try {
      return store?.getItem(k) ?? null;
    } catch {
      return null;
    }
  };
  const write = (k: string, v: string) => {
    try {
      store?.setItem(k, v);
    } catch {
      // private mode or full storage: the setting lasts for this page only
    }
  };
  let skipInactive = read(keys.skip) !== '0';
  const attrThreshold = Number(root.dataset.inactiveThreshold) || defaultInactiveThresholdMs;
  let thresholdMs = Number(read(keys.threshold)) || attrThreshold;
  const storedSpeed = Number(read(keys.speed));
  let speed = (speeds as readonly number[]).includes(storedSpeed) ? storedSpeed : 1;

  // What is known about the session, growing as the RUM events and windows
  // arrive. Until the RUM events are in, record-derived rows wait (whether to
  // show recorded clicks and page loads depends on them) and nothing is skipped.
  let rumKnown = false;
  const recordOpts = { withClicks: false, withPages: true };
  let items: ListItem[] = [];
  let rumActivity: number[] = [];
  const recordActivity = new Map<number, number[]>(); // per window; small, kept after eviction
  const waitingChunks = new Map<number, ReplayEvent[]>();
  let activityVersion = 0;
  const addRecords = (i: number, events: ReplayEvent[]) => {
    if (recordActivity.has(i)) return; // scanned before: nothing new
    recordActivity.set(i, activityFromRecords(events, recordOpts.withPages));
    activityVersion++;
    items = mergeItems(items, itemsFromRecords(events, recordOpts));
  };
  let stretches: Stretch[] = [];
  const missing = new Map<string, MissingPart>();
  // Recomputed only when the activity or the threshold changed: a seek that
  // loads an already scanned window must not cost a redraw.
  let stretchesKey = '';
  const computeStretches = () => {
    const key = `${activityVersion}/${thresholdMs}`;
    if (key === stretchesKey) return;
    stretchesKey = key;
    const pts: number[] = rumActivity.slice();
    for (const a of recordActivity.values()) for (const t of a) pts.push(t);
    stretches = inactiveStretches(pts, start, end, thresholdMs);
    timeline.setStretches(stretches);
  };

  const list = createList($('#rp-list'), {
    origin: start,
    onSeek: (item) => seekTo(item.at),
    onCounts: (c) => {
      for (const b of root.querySelectorAll<HTMLElement>('[data-filter]')) {
        const n = b.querySelector('.rp-count');
        if (n) n.textContent = String(c[b.dataset.filter as ListFilter] ?? 0);
      }
    },
  });
  for (const b of root.querySelectorAll<HTMLButtonElement>('[data-filter]')) {
    b.addEventListener('click', () => {
      for (const o of root.querySelectorAll('[data-filter]')) o.classList.toggle('is-active', o === b);
      list.setFilter(b.dataset.filter as ListFilter);
      list.setPosition(ctl.state().position, false);
    });
  }
  const timeline = createTimeline($('#rp-timeline'), { start, end, onSeek: (t) => seekTo(t) });
  let itemsShown: ListItem[] | null = null;
  const refreshItems = () => {
    if (items === itemsShown) return; // mergeItems returns the same array when nothing is new
    itemsShown = items;
    list.setItems(items);
    timeline.setMarkers(items);
  };
  refreshItems();

  const notices = $<HTMLElement>('#rp-notices');
  let missingShown = -1;
  const showMissing = () => {
    if (missing.size === missingShown) return;
    missingShown = missing.size;
    notices.replaceChildren();
    if (missing.size === 0) return;
    const box = document.createElement('div');
    box.className = 'rp-notice';
    box.setAttribute('role', 'status');
    box.innerHTML = icons.warning;
    const text = document.createElement('div');
    const head = document.createElement('strong');
    head.textContent = 'Part of this recording is missing. ';
    text.appendChild(head);
    text.appendChild(document.createTextNode('The replay plays around it. Missing: '));
    const parts = Array.from(missing.values()).map((m) => {
      const when = m.start !== undefined ? ` (${fmtOffset(m.start - start)}${m.end !== undefined ? `–${fmtOffset(m.end - start)}` : ''})` : '';
      return `${m.label}${when}`;
    });
    const ul = document.createElement('span');
    ul.className = 'rp-notice-parts';
    ul.textContent = parts.join('; ');
    text.appendChild(ul);
    box.appendChild(text);
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'rp-notice-close';
    close.setAttribute('aria-label', 'Dismiss');
    close.textContent = '×';
    close.addEventListener('click', () => box.remove());
    box.appendChild(close);
    notices.appendChild(box);
  };

  const loader = createWindowLoader(o.api, windows, {
    onLoaded(i, chunk) {
      performance.mark(`reprise:window:${i}`);
      if (rumKnown) addRecords(i, chunk.events);
      else waitingChunks.set(i, chunk.events);
      for (const m of chunk.missing) missing.set(m.label, m);
      // Off the path to the first frame: the list and the timeline can wait a moment.
      setTimeout(() => {
        refreshItems();
        computeStretches();
        showMissing();
      }, 0);
    },
  });

  // Scale the recorded viewport to fit the screen, like a video.
  const screen = $<HTMLElement>('#rp-screen');
  const fit = (e: Engine) => {
    const size = e.size();
    if (!size) return;
    const s = Math.min(screen.clientWidth / size.width, screen.clientHeight / size.height);
    e.root.style.width = `${size.width}px`;
    e.root.style.height = `${size.height}px`;
    e.root.style.transform = `translate(-50%, -50%) scale(${Number.isFinite(s) && s > 0 ? s : 1})`;
  };
  new ResizeObserver(() => {
    const e = ctl.engine();
    if (e) fit(e);
  }).observe(screen);

  const ctl = createController({
    host: $('#replayer'),
    windows,
    loader,
    start,
    end,
    speed,
    skipInactive: () => skipInactive && rumKnown,
    stretches: () => stretches,
    onEngine: (e) =>
      e.onResize(() => {
        fit(e);
        settle();
        if (!firstFrameAt) {
          requestAnimationFrame(() => {
            firstFrameAt = firstFrameAt || performance.now();
            performance.mark('reprise:first-frame');
          });
        }
      }),
    onWindowError(i, err) {
      const w = windows[i];
      missing.set(`window ${i}`, { label: `the recording could not be loaded (${(err as Error).message ?? err})`, start: w.from, end: w.to });
      showMissing();
    },
    onFrame: render,
  });

  const controls = createControls({
    root,
    onToggle: () => ctl.toggle(),
    onSkip(on) {
      skipInactive = on;
      write(keys.skip, on ? '1' : '0');
      controls.setSkip(on);
      toast(on ? `Skipping inactivity over ${fmtOffset(thresholdMs)}` : 'Playing inactive stretches');
    },
    onThreshold(ms) {
      thresholdMs = ms;
      write(keys.threshold, String(ms));
      computeStretches();
    },
    onSpeed(s) {
      speed = s;
      write(keys.speed, String(s));
      ctl.setSpeed(s);
      controls.setSpeed(s);
    },
    onFullscreen: toggleFullscreen,
  });
  controls.setSkip(skipInactive);
  controls.setThreshold(thresholdMs);
  controls.setSpeed(speed);
  controls.setFullscreen(false);
  computeStretches();

  // Full screen: the stage (replay and bar). Browsers exit on Esc by
  // themselves; where the Fullscreen API is refused, a CSS fallback does the same.
  const stage = $<HTMLElement>('#rp-stage');
  function toggleFullscreen() {
    if (document.fullscreenElement || stage.classList.contains('is-pseudo-fullscreen')) {
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
      stage.classList.remove('is-pseudo-fullscreen');
      controls.setFullscreen(false);
      return;
    }
    const fallback = () => {
      stage.classList.add('is-pseudo-fullscreen');
      controls.setFullscreen(true);
    };
    if (stage.requestFullscreen) stage.requestFullscreen().catch(fallback);
    else fallback();
  }
  document.addEventListener('fullscreenchange', () => {
    const on = document.fullscreenElement === stage;
    root.classList.toggle('is-fullscreen', on);
    controls.setFullscreen(on || stage.classList.contains('is-pseudo-fullscreen'));
  });

  // Fold the list: the replay takes the space.
  const setFolded = (folded: boolean) => {
    root.classList.toggle('is-folded', folded);
    $<HTMLElement>('#rp-side').hidden = folded;
    $<HTMLElement>('#rp-unfold').hidden = !folded;
    write(keys.folded, folded ? '1' : '0');
  };
  $('#rp-fold').addEventListener('click', () => setFolded(true));
  $('#rp-unfold').addEventListener('click', () => setFolded(false));
  setFolded(read(keys.folded) === '1');

  // Sharing link: this moment, as an absolute URL.
  const shareURL = () => `${location.origin}/replay/${encodeURIComponent(o.sessionId)}?t=${Math.round(ctl.state().position - start)}`;
  const share = $<HTMLButtonElement>('#rp-share');
  share.addEventListener('click', async () => {
    const url = shareURL();
    share.dataset.url = url;
    const ok = await copyText(url);
    toast(ok ? `Link to ${fmtOffset(ctl.state().position - start)} copied` : `Copy this link: ${url}`);
    share.classList.add('is-done');
    share.innerHTML = icons.check;
    setTimeout(() => {
      share.classList.remove('is-done');
      share.innerHTML = icons.link;
    }, 2000);
  });

  $('#rp-screen').addEventListener('click', () => ctl.toggle());

  let lastSeekAt = 0;
  function seekTo(t: number) {
    lastSeekAt = performance.now();
    ctl.seek(t);
    rememberPosition();
  }
  // The address bar follows seeks and pauses, so a reload returns to the same
  // moment. Debounced: replaceState is a synchronous call into the browser
  // that costs milliseconds (and Chrome throttles it), never worth a frame.
  let rememberTimer = 0;
  function rememberPosition() {
    clearTimeout(rememberTimer);
    rememberTimer = window.setTimeout(() => {
      try {
        history.replaceState(history.state, '', `${location.pathname}?t=${Math.round(ctl.state().position - start)}`);
      } catch {
        // a sandboxed document may refuse; the share button still works
      }
    }, 400);
  }

  const step = (dir: 1 | -1) => {
    const pos = ctl.state().position;
    const all = list.items();
    const target =
      dir > 0 ? all.find((i) => i.at > pos + 250) : all.slice().reverse().find((i) => i.at < pos - 1000);
    if (target) seekTo(target.at);
  };
  bindKeys({
    toggle: () => ctl.toggle(),
    back: () => seekTo(ctl.state().position - 5000),
    forward: () => seekTo(ctl.state().position + 5000),
    fullscreen: toggleFullscreen,
    // Browsers leave full screen on Esc by themselves; this covers the CSS
    // fallback and browsers (headless ones) that pass Esc to the page.
    escape: () => {
      if (document.fullscreenElement || stage.classList.contains('is-pseudo-fullscreen')) toggleFullscreen();
    },
    prevItem: () => step(-1),
    nextItem: () => step(1),
  });

  // Seek promises (for tests and the benchmark): settled on the first frame
  // that shows the target with nothing left to load.
  let waiters: (() => void)[] = [];
  let firstFrameAt = 0;
  let wasPlaying = false;
  let lastStateKey = '';
  let lastSkips = 0;
  function render(s: PlayerState) {
    controls.setPlaying(s.playing, s.ended);
    controls.setTime(s.position - start, total);
    timeline.setPosition(s.position);
    timeline.setLoaded(s.position, s.loadedTo);
    list.setPosition(s.position, s.playing);
    if (s.skips !== lastSkips) {
      lastSkips = s.skips;
      toast('Skipped inactivity');
    }
    const key = windows.length === 0 ? 'none' : s.loading ? 'loading' : s.buffering ? 'buffering' : s.gap ? 'gap' : '';
    if (key !== lastStateKey) {
      lastStateKey = key;
      if (key === 'none') setOverlay('none', 'This session has no replay recorded.');
      else if (key === 'loading') setOverlay('loading', 'Loading replay…');
      else if (key === 'buffering') setOverlay('loading', 'Buffering…');
      else if (key === 'gap') setOverlay('gap', 'No recording for this part of the session: it is missing or unreadable.');
      else setOverlay('', '');
    }
    if (wasPlaying && !s.playing) rememberPosition();
    wasPlaying = s.playing;
    settle(s);
  }

  // settle resolves the seek promises once the target is on screen: nothing
  // left to load and the engine's iframe sized and shown; then the next frame
  // is painted (rAF), and the task after it runs once it has been.
  function settle(s = ctl.state()) {
    const e = ctl.engine();
    if (!waiters.length || s.loading || !(s.gap || (e && e.size()))) return;
    const done = waiters;
    waiters = [];
    requestAnimationFrame(() => setTimeout(() => done.forEach((f) => f()), 0));
  }

  const initial = o.t === null ? start : start + o.t;
  ctl.seek(initial);
  // A link to a moment opens paused at that moment; otherwise the replay plays.
  if (o.t === null) ctl.play();

  eventsP
    .then((rum) => {
      rumKnown = true;
      recordOpts.withClicks = !rum.some((e) => e.type === 'action');
      recordOpts.withPages = !rum.some((e) => e.type === 'view');
      rumActivity = activityFromRum(rum);
      activityVersion++;
      items = mergeItems(items, itemsFromRum(rum));
      for (const [i, events] of waitingChunks) addRecords(i, events);
      waitingChunks.clear();
      refreshItems();
      computeStretches();
      list.setPosition(ctl.state().position, false);
    })
    .catch((err) => {
      rumKnown = true; // skip on the records' activity alone
      missing.set('events', { label: `the session's pages, actions and errors could not be loaded (${(err as Error).message})` });
      showMissing();
    });

  // Background scan: once the first frame is up, read the windows nobody has
  // asked for yet, one at a time while the player is idle, keeping only what
  // the list and the inactive stretches need (never the events). The list
  // then shows the whole session's inputs and scrolls, and stretches are known
  // before playback gets there.
  const scanNext = async () => {
    for (;;) {
      await new Promise((r) => setTimeout(r, 150));
      const st = ctl.state();
      // Out of the way of someone scrubbing: a second after the last seek.
      if (st.loading || st.buffering || !firstFrameAt || !rumKnown || performance.now() - lastSeekAt < 1000) continue;
      const i = windows.findIndex((_, k) => !recordActivity.has(k) && !loader.loading(k));
      if (i < 0) return;
      try {
        const chunk = loader.get(i) ?? (await o.api.replay(windows[i].from, windows[i].to - 1, undefined, 'scan'));
        if (!recordActivity.has(i)) {
          addRecords(i, chunk.events);
          for (const m of chunk.missing) missing.set(m.label, m);
          refreshItems();
          computeStretches();
          showMissing();
          list.setPosition(ctl.state().position, false);
        }
      } catch {
        recordActivity.set(i, []); // unreadable: the player reports it if it gets there
      }
    }
  };
  void scanNext();

  return {
    controller: ctl,
    seek: (offset) =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        seekTo(start + offset);
        settle();
      }),
    firstFrameAt: () => firstFrameAt,
    state: () => {
      const s = ctl.state();
      return {
        ...s,
        offset: s.position - start,
        duration: total,
        skipInactive,
        thresholdMs,
        stretches,
        missing: Array.from(missing.values()).map((m) => m.label),
        items: items.length,
        scannedWindows: recordActivity.size,
        windows: windows.length,
      };
    },
  };
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Without clipboard permission (or a secure context): the old way.
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}
