// Entry of the player bundle (internal/web/static/dist/player.js), loaded by
// /replay/{session}. It reads the session id and the start offset from the
// page and starts the player; window.reprisePlayer exposes the state for
// tests and for people debugging a replay in the console.
import { createApi } from './api';
import { startApp, type EmbeddedIndex, type PlayerHandle } from './app';
import { setupPublicLink } from './ui/publicLink';

declare global {
  interface Window {
    reprisePlayer?: PlayerHandle;
  }
}

function boot() {
  const root = document.getElementById('player');
  if (!root || !root.dataset.session) return;
  const sessionId = root.dataset.session;
  const raw = new URLSearchParams(location.search).get('t');
  const t = raw !== null && /^\d+$/.test(raw) ? Number(raw) : null;
  let storage: Storage | null = null;
  try {
    storage = window.localStorage;
  } catch {
    storage = null;
  }
  // The server embeds the session and its segment index (replay_show.go), so
  // the first window can be fetched without waiting for them.
  let index: EmbeddedIndex | null = null;
  try {
    const el = document.getElementById('rp-index');
    if (el?.textContent) index = JSON.parse(el.textContent) as EmbeddedIndex;
  } catch {
    index = null; // fetched from the API instead
  }
  setupPublicLink(document, sessionId);
  startApp({ root, api: createApi(sessionId), sessionId, t, storage, index })
    .then((h) => {
      window.reprisePlayer = h;
      root.dataset.ready = 'true';
    })
    .catch((err) => {
      root.dataset.ready = 'error';
      console.error('reprise player:', err);
    });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
