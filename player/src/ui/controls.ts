// The bottom bar's buttons (play/pause, skip inactive, speed, full screen),
// the keyboard shortcuts and the small bits of chrome around them (toast,
// overlay). Each control reports to the app through a callback; the app owns
// the state and calls the setters back.
import { fmtOffset } from '../format';
import { icons } from './icons';

export const speeds = [1, 1.5, 2, 4] as const;

export interface ControlsOptions {
  root: HTMLElement;
  onToggle(): void;
  onSkip(on: boolean): void;
  onThreshold(ms: number): void;
  onSpeed(speed: number): void;
  onFullscreen(): void;
}

export interface ControlsView {
  setPlaying(playing: boolean, ended: boolean): void;
  setTime(pos: number, total: number): void;
  setSkip(on: boolean): void;
  setThreshold(ms: number): void;
  setSpeed(speed: number): void;
  setFullscreen(on: boolean): void;
}

export function createControls(o: ControlsOptions): ControlsView {
  const $ = <T extends HTMLElement>(sel: string) => o.root.querySelector(sel) as T;
  const play = $<HTMLButtonElement>('#rp-play');
  const time = $<HTMLElement>('#rp-time');
  const skip = $<HTMLButtonElement>('#rp-skip');
  const threshold = $<HTMLSelectElement>('#rp-threshold');
  const speedBtns = Array.from(o.root.querySelectorAll<HTMLButtonElement>('[data-speed]'));
  const full = $<HTMLButtonElement>('#rp-fullscreen');
  // A mouse click must not leave focus on a button, or the space bar would
  // press that button instead of playing/pausing.
  for (const b of o.root.querySelectorAll<HTMLElement>('.rp-bar button')) b.addEventListener('pointerup', () => b.blur());
  play.addEventListener('click', () => o.onToggle());
  skip.addEventListener('click', () => o.onSkip(skip.getAttribute('aria-checked') !== 'true'));
  threshold.addEventListener('change', () => o.onThreshold(Number(threshold.value)));
  for (const b of speedBtns) b.addEventListener('click', () => o.onSpeed(Number(b.dataset.speed)));
  full.addEventListener('click', () => o.onFullscreen());

  let lastText = '';
  let lastPlaying: boolean | null = null;
  let lastEnded = false;
  return {
    setPlaying(playing, ended) {
      if (playing === lastPlaying && ended === lastEnded) return;
      lastPlaying = playing;
      lastEnded = ended;
      play.innerHTML = playing ? icons.pause : ended ? icons.replay : icons.play;
      play.setAttribute('aria-label', playing ? 'Pause (space)' : ended ? 'Play again (space)' : 'Play (space)');
      play.title = play.getAttribute('aria-label')!;
      o.root.classList.toggle('is-playing', playing);
    },
    setTime(pos, total) {
      const text = `${fmtOffset(pos)} / ${fmtOffset(total)}`;
      if (text !== lastText) time.textContent = lastText = text;
    },
    setSkip(on) {
      skip.setAttribute('aria-checked', String(on));
      skip.classList.toggle('is-on', on);
      threshold.disabled = !on;
    },
    setThreshold(ms) {
      threshold.value = String(ms);
      if (threshold.value !== String(ms)) {
        // A threshold from elsewhere (data attribute, storage) that the menu lacks.
        const opt = document.createElement('option');
        opt.value = String(ms);
        opt.textContent = `> ${fmtOffset(ms)}`;
        threshold.appendChild(opt);
        threshold.value = String(ms);
      }
    },
    setSpeed(speed) {
      for (const b of speedBtns) {
        const on = Number(b.dataset.speed) === speed;
        b.classList.toggle('is-active', on);
        b.setAttribute('aria-pressed', String(on));
      }
    },
    setFullscreen(on) {
      full.innerHTML = on ? icons.exitFullscreen : icons.fullscreen;
      full.setAttribute('aria-label', on ? 'Exit full screen (Esc)' : 'Full screen (f)');
      full.title = full.getAttribute('aria-label')!;
    },
  };
}

export interface KeyHandlers {
  toggle(): void;
  back(): void;
  forward(): void;
  fullscreen(): void;
  escape(): void;
  prevItem(): void;
  nextItem(): void;
}

/** bindKeys installs the player's shortcuts: space, ←/→, f, [ and ], Esc. */
export function bindKeys(h: KeyHandlers): () => void {
  const typing = (t: EventTarget | null) => {
    const el = t as HTMLElement | null;
    return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
  };
  const down = (ev: KeyboardEvent) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    const map: Record<string, (() => void) | undefined> = {
      ' ': h.toggle,
      ArrowLeft: h.back,
      ArrowRight: h.forward,
      f: h.fullscreen,
      F: h.fullscreen,
      '[': h.prevItem,
      ']': h.nextItem,
      Escape: h.escape,
    };
    const fn = map[ev.key];
    if (!fn) return;
    ev.preventDefault();
    if (ev.key === ' ' && ev.repeat) return;
    fn();
  };
  // Space on a focused button would click it on keyup: the shortcut wins.
  const up = (ev: KeyboardEvent) => {
    if (ev.key === ' ' && !typing(ev.target)) ev.preventDefault();
  };
  document.addEventListener('keydown', down);
  document.addEventListener('keyup', up);
  return () => {
    document.removeEventListener('keydown', down);
    document.removeEventListener('keyup', up);
  };
}

/** createToast shows short confirmations ("Link copied") in the player. */
export function createToast(el: HTMLElement): (msg: string) => void {
  let timer = 0;
  return (msg) => {
    el.textContent = msg;
    el.classList.add('is-visible');
    clearTimeout(timer);
    timer = window.setTimeout(() => el.classList.remove('is-visible'), 2500);
  };
}
