// Opening the replay player on a fixture session and reading what it shows: the player's
// own state (window.reprisePlayer) and the replayed DOM inside its sandboxed iframe.
import { replayEval, waitForReplay } from './browser.mjs';
import { startServer } from './server.mjs';

/**
 * startPlayerServer starts `reprise serve` logged in (server.mjs), or without a login when the
 * binary has no login form yet (auth being wired in): the player tests test the player.
 */
export async function startPlayerServer(opts = {}) {
  try {
    return await startServer(opts);
  } catch (err) {
    if (!/no login form/.test(String(err.message))) throw err;
    return startServer({ ...opts, login: false });
  }
}

/** openPlayer loads /replay/{id}?t=… and waits until the player is ready and has drawn a frame. */
export async function openPlayer(b, srv, id, { t, page, clock } = {}) {
  page ??= await b.newPage();
  if (clock) await page.clock.install();
  await page.goto(`${srv.url}/replay/${encodeURIComponent(id)}${t === undefined ? '' : `?t=${t}`}`);
  await page.waitForFunction(() => document.getElementById('player')?.dataset.ready === 'true', null, { timeout: 10000 });
  await waitForReplay(page, (doc) => /tick \d+/.test(doc.getElementById('tick')?.textContent ?? ''));
  return page;
}

/** playerState returns window.reprisePlayer.state(). */
export function playerState(page) {
  return page.evaluate(() => window.reprisePlayer.state());
}

/** shown reads the replayed page: heading, status line and the tick number (seconds). */
export async function shown(page) {
  return replayEval(page, (doc) => ({
    title: doc.getElementById('title')?.textContent ?? null,
    status: doc.getElementById('status')?.textContent ?? null,
    tick: Number((doc.getElementById('tick')?.textContent ?? '').replace('tick ', '')),
  }));
}

/** waitShown waits until the replayed page matches want (a subset of shown()). */
export function waitShown(page, want, opts) {
  const check = `(doc, want) => {
    const s = { title: doc.getElementById('title')?.textContent ?? null, status: doc.getElementById('status')?.textContent ?? null,
      tick: Number((doc.getElementById('tick')?.textContent ?? '').replace('tick ', '')) };
    return Object.entries(want).every(([k, v]) => s[k] === v) ? s : null; }`;
  return waitForReplay(page, check, want, opts);
}

/** waitFor polls the player's state until pred(state) holds. */
export async function waitState(page, pred, { timeout = 10000 } = {}) {
  const deadline = Date.now() + timeout;
  let s;
  while (Date.now() < deadline) {
    s = await playerState(page);
    if (pred(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`waitState: not reached within ${timeout} ms; state: ${JSON.stringify({ ...s, stretches: undefined })}`);
}
