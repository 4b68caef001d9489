// The replay player's playback over time, in Chromium against the real server: it loads a
// long session window by window, skips inactive stretches (measured with Playwright's clock,
// not wall time), and plays around a corrupt segment while saying what is missing.
//
// Run: make build && node --test e2e/player-playback.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launch, waitForReplay } from './lib/browser.mjs';
import { corruptSegment, postSession, shopSession } from './lib/fixtures.mjs';
import { openPlayer, startPlayerServer, playerState, waitShown, waitState } from './lib/player-page.mjs';

let srv;
let b;
let s;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * runUntil advances the page's fake clock in steps of `step` ms, letting real time pass
 * between steps for the player's fetches, until pred(state) holds. Returns the fake time
 * that passed and the state.
 */
async function runUntil(page, pred, { step = 250, max = 120000 } = {}) {
  let elapsed = 0;
  let st = await playerState(page);
  while (!pred(st)) {
    if (elapsed >= max) throw new Error(`runUntil: not reached after ${elapsed} ms of page time: ${JSON.stringify({ ...st, stretches: undefined })}`);
    await page.clock.runFor(step);
    elapsed += step;
    // Fetches resolve in real time; give them a moment when the player waits for one.
    if (st.loading || st.buffering) await sleep(30);
    st = await playerState(page);
  }
  return { elapsed, st };
}

describe('replay player: playback', { timeout: 300000 }, () => {
  before(async () => {
    srv = await startPlayerServer();
    b = await launch();
    s = shopSession({ start: Date.now() - 3 * 3600_000 });
    await postSession(srv, s);
  });
  after(async () => {
    await b?.close();
    await srv?.stop();
  });

  it('starts playing from the head of the first window, and a far seek reads only the window it needs', async () => {
    const page = await b.newPage();
    const asked = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      // Playback's own reads; the background scan (purpose=scan) is checked below.
      if (u.pathname.endsWith('/replay') && !u.searchParams.has('purpose')) {
        asked.push([Number(u.searchParams.get('from')) - s.start, Number(u.searchParams.get('to')) - s.start]);
      }
    });
    await openPlayer(b, srv, s.id, { page });
    const st = await playerState(page);
    assert.equal(st.playing, true, 'plays when opened without ?t=');
    // First the head (10 s) of the window at the full snapshot of 0:00, then that whole window.
    assert.ok(asked[0][0] === 0 && asked[0][1] <= 11000, `first read ${asked[0]}`);
    assert.deepEqual([...new Set(asked.map(([from]) => from))], [0], `reads before the seek: ${JSON.stringify(asked)}`);
    const before = asked.length;
    await page.locator('#rp-list .rp-item', { hasText: 'Click on “Pay again”' }).click();
    await waitState(page, (x) => !x.loading && x.engineWindows?.[0] === 2);
    await waitShown(page, { title: 'Checkout', status: 'Status: paid' });
    const seekReads = asked.slice(before);
    assert.deepEqual([...new Set(seekReads.map(([from]) => from))], [120000], `reads for the seek to 3:40: ${JSON.stringify(seekReads)}`);
    await page.close();
  });

  it('scans the windows it has not played in the background, for the list and the stretches', async () => {
    const page = await openPlayer(b, srv, s.id, { t: 150000 });
    // Opened in the last window: the inputs and scrolls of the first one arrive by the scan.
    const st = await waitState(page, (x) => x.scannedWindows === x.windows);
    assert.equal(st.items, 9);
    await page.locator('#rp-list .rp-item', { hasText: 'Typed in a field' }).waitFor();
    assert.ok(st.stretches.some((z) => z.to - z.from > 180000));
    // Only the playhead's window is held (paused: just its head, in the engine); the
    // scanned windows were dropped.
    assert.deepEqual(st.engineWindows, [2, 2]);
    assert.ok(st.cachedWindows.every((i) => i === 2), `cached ${st.cachedWindows}`);
    await page.close();
  });

  it('shades the inactive stretch and marks pages, clicks and errors with tooltips', async () => {
    const page = await openPlayer(b, srv, s.id, { t: 0 });
    const st = await waitState(page, (x) => x.stretches.some((z) => z.to - z.from > 180000));
    const idle = st.stretches.find((z) => z.to - z.from > 180000);
    assert.equal(idle.from - s.start, s.marks.idleFrom);
    assert.ok(Math.abs(idle.to - s.start - s.marks.idleTo) <= 500, `idle until ${idle.to - s.start}`);
    assert.ok((await page.locator('.rp-inactive').count()) >= 1);
    assert.match(await page.locator('.rp-marker-error').getAttribute('title'), /0:20 · Error: Payment widget crashed/);
    assert.equal(await page.locator('.rp-marker-view').count(), 2);
    assert.equal(await page.locator('.rp-marker-action').count(), 3);
    await page.close();
  });

  it('with Skip inactive (on by default) plays through a 3-minute idle stretch in seconds', async (t) => {
    const page = await openPlayer(b, srv, s.id, { t: 34000, clock: true });
    assert.equal(await page.locator('#rp-skip').getAttribute('aria-checked'), 'true');
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
    await page.keyboard.press(' ');
    const { elapsed, st } = await runUntil(page, (x) => x.offset >= s.marks.paid);
    assert.ok(st.skips >= 1, 'skipped');
    t.diagnostic(`skip on: 0:34 → 3:40 in ${elapsed} ms of page time`);
    assert.ok(elapsed <= 5000, `took ${elapsed} ms of page time to play 3 min 6 s with skipping`);
    await waitShown(page, { status: 'Status: paid' });
    await page.close();
  });

  it('without it, at 4x, the idle stretch takes ~45 s; the choice is remembered', async (t) => {
    const page = await openPlayer(b, srv, s.id, { t: 34000, clock: true });
    await page.locator('#rp-skip').click();
    assert.equal(await page.locator('#rp-skip').getAttribute('aria-checked'), 'false');
    await page.locator('[data-speed="4"]').click();
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
    await page.keyboard.press(' ');
    // 30 s of page time at 4x: two minutes in, still inside the stretch, nothing skipped.
    let run = await runUntil(page, () => false, { max: 30000 }).catch(() => null);
    assert.equal(run, null);
    let st = await playerState(page);
    assert.ok(Math.abs(st.offset - (34000 + 120000)) <= 2000, `at ${st.offset} after 30 s at 4x`);
    assert.equal(st.skips, 0);
    run = await runUntil(page, (x) => x.offset >= s.marks.paid, { max: 30000 });
    const total = 30000 + run.elapsed;
    t.diagnostic(`skip off, 4x: 0:34 → 3:40 in ${total} ms of page time`);
    assert.ok(Math.abs(total - (s.marks.paid - 34000) / 4) <= 2000, `took ${total} ms of page time, want ~${(s.marks.paid - 34000) / 4}`);
    await waitShown(page, { status: 'Status: paid' });
    assert.equal(await page.evaluate(() => localStorage.getItem('reprise.player.skipInactive')), '0');
    await page.reload();
    await page.waitForFunction(() => document.getElementById('player')?.dataset.ready === 'true');
    assert.equal((await playerState(page)).skipInactive, false);
    assert.equal(await page.locator('#rp-skip').getAttribute('aria-checked'), 'false');
    await page.close();
  });

  it('plays at the chosen speed (page time)', async () => {
    const page = await openPlayer(b, srv, s.id, { t: 36000, clock: true });
    await page.locator('#rp-skip').click(); // 0:36 starts an idle stretch: measure plain playback
    for (const speed of [1, 1.5, 2, 4]) {
      await page.locator(`[data-speed="${speed}"]`).click();
      await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
      const from = (await playerState(page)).offset;
      await page.keyboard.press(' ');
      await page.clock.runFor(4000);
      await page.keyboard.press(' ');
      const moved = (await playerState(page)).offset - from;
      assert.ok(Math.abs(moved - 4000 * speed) <= 300, `at ${speed}x, 4 s of page time moved ${moved} ms`);
      // (seek() settles on a painted frame, which a paused fake clock never gives: seek directly)
      await page.evaluate((t) => window.reprisePlayer.controller.seek(window.reprisePlayer.state().start + t), 36000);
    }
    await page.close();
  });

  it('plays around a corrupt segment and names what is missing', async () => {
    const broken = shopSession({ start: Date.now() - 3 * 3600_000 + 600_000, user: 'Bea Broken' });
    const sent = await postSession(srv, broken);
    const i = broken.segments.findIndex((g) => g.start - broken.start === 60000);
    assert.ok(i > 0, 'a segment starts at 1:00');
    await corruptSegment(srv.dataDir, sent[i]);

    const page = await openPlayer(b, srv, broken.id, { t: 55000 });
    const notice = page.locator('#rp-notices .rp-notice');
    await notice.waitFor();
    const text = await notice.innerText();
    assert.match(text, /missing/i);
    assert.match(text, /1:00–1:09/);
    assert.equal((await playerState(page)).missing.length, 1);
    // Before the hole: the ticks; after it, the ticks again (the ones inside it are lost,
    // the page is still there and keeps changing).
    await waitShown(page, { tick: 55 });
    // Play through the hole itself, not over it (the idle stretch starts at 0:35).
    await page.locator('#rp-skip').click();
    await page.locator('[data-speed="4"]').click();
    await page.keyboard.press(' ');
    await waitState(page, (x) => x.offset > 75000, { timeout: 15000 });
    await page.keyboard.press(' ');
    const after = await waitForReplay(page, (doc) => {
      const n = Number((doc.getElementById('tick')?.textContent ?? '').replace('tick ', ''));
      return n > 70 ? n : 0;
    });
    assert.ok(after > 70, `tick ${after} after the hole`);
    await waitShown(page, { title: 'Checkout', status: 'Status: paying' });
    await page.close();
  });
});
