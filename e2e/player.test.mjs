// The replay player's page and controls, in Chromium against the real server: a fixture
// session (e2e/lib/fixtures.mjs) is posted to the intake, then each control is used and the
// replayed DOM inside the player's iframe is checked.
//
// Run: make build && node --test e2e/player.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launch, replayEval } from './lib/browser.mjs';
import { postSession, shopSession } from './lib/fixtures.mjs';
import { openPlayer, startPlayerServer, playerState, shown, waitShown, waitState } from './lib/player-page.mjs';

let srv;
let b;
let s;

describe('replay player: page and controls', { timeout: 240000 }, () => {
  before(async () => {
    srv = await startPlayerServer();
    b = await launch();
    s = shopSession({ start: Date.now() - 2 * 3600_000 });
    await postSession(srv, s);
  });
  after(async () => {
    await b?.close();
    await srv?.stop();
  });

  it('opens paused at ?t=, with the header, the list and a sandboxed, styled replay', async () => {
    const page = await b.newPage();
    const res = await page.goto(`${srv.url}/replay/${s.id}?t=25000`);
    const csp = res.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'(;|$)/, `CSP: ${csp}`);
    await openPlayer(b, srv, s.id, { t: 25000, page });
    const st = await playerState(page);
    assert.equal(st.offset, 25000);
    assert.equal(st.playing, false);
    assert.deepEqual(await shown(page), { title: 'Welcome home', status: 'Status: error', tick: 25 });

    assert.match(await page.title(), /Replay · Ada Player/);
    const head = await page.locator('.rp-head').innerText();
    assert.match(head, /Ada Player/);
    assert.match(head, /3 min 50 s/);
    const rows = await page.locator('#rp-list .rp-item').allInnerTexts();
    assert.equal(rows.length, 9, rows.join('\n'));
    for (const want of ['Click on “Buy now”', 'Typed in a field', 'Scrolled down', 'Payment widget crashed', '/checkout', 'Click on “Pay again”']) {
      assert.ok(rows.some((r) => r.includes(want)), `list lacks ${want}: ${rows.join(' | ')}`);
    }
    // The row at the playhead (the error at 0:20) is the current one.
    assert.match(await page.locator('#rp-list .is-current').innerText(), /Payment widget crashed/);
    // Detail links: the session, and each row's own page.
    assert.equal(await page.locator('#rp-details').getAttribute('href'), `/sessions/${s.id}`);
    assert.equal(await page.locator('.rp-kind-error .rp-item-details').getAttribute('href'), `/errors/${s.id}-e1`);

    // rrweb's iframe: sandboxed without allow-scripts; recorded scripts and handlers never ran.
    const sandbox = await page.locator('.replayer-wrapper iframe').getAttribute('sandbox');
    assert.equal(sandbox, 'allow-same-origin');
    assert.doesNotMatch(await page.title(), /pwned/);
    // Recorded styles render: the <style> rule and the inline style attribute.
    const styles = await replayEval(page, (doc) => ({
      hero: getComputedStyle(doc.getElementById('title')).backgroundColor,
      status: getComputedStyle(doc.getElementById('status')).color,
    }));
    assert.deepEqual(styles, { hero: 'rgb(10, 20, 30)', status: 'rgb(200, 0, 0)' });
    await page.close();
  });

  it('seeks where the timeline is clicked, and by dragging the thumb', async () => {
    const page = await openPlayer(b, srv, s.id, { t: 1000 });
    const box = await page.locator('#rp-timeline').boundingBox();
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height / 2);
    let st = await waitState(page, (x) => Math.abs(x.offset - 115000) < 2000);
    await waitShown(page, { title: 'Checkout', status: 'Status: paying', tick: Math.floor(st.offset / 1000) });
    // Drag from 50% to 10%: the seek happens on release.
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    st = await waitState(page, (x) => Math.abs(x.offset - 23000) < 2000);
    await waitShown(page, { title: 'Welcome home', tick: Math.floor(st.offset / 1000) });
    await page.close();
  });

  it('seeks to a row clicked in the list, showing that moment', async () => {
    const page = await openPlayer(b, srv, s.id, { t: 1000 });
    await page.locator('#rp-list .rp-item', { hasText: 'Payment widget crashed' }).click();
    await waitState(page, (x) => x.offset === 20000);
    await waitShown(page, { title: 'Welcome home', status: 'Status: error', tick: 20 });
    await page.locator('#rp-list .rp-item', { hasText: 'Click on “Pay again”' }).click();
    await waitState(page, (x) => x.offset === 220000);
    await waitShown(page, { title: 'Checkout', tick: 220 });
    assert.match(await page.locator('#rp-list .is-current').innerText(), /Pay again/);
    await page.close();
  });

  it('copies a sharing link to this moment that opens the same picture', async () => {
    const page = await openPlayer(b, srv, s.id, { t: 31000 });
    await page.locator('#rp-share').click();
    await page.locator('#rp-toast.is-visible', { hasText: 'copied' }).waitFor();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(link, `${srv.url}/replay/${s.id}?t=31000`);
    const before = await shown(page);
    const other = await b.newPage();
    await other.goto(link);
    await other.waitForFunction(() => document.getElementById('player')?.dataset.ready === 'true');
    const st = await waitState(other, (x) => !x.loading);
    assert.ok(Math.abs(st.offset - 31000) <= 1000, `opened at ${st.offset}`);
    await waitShown(other, before);
    const html = (p) => replayEval(p, (doc) => doc.body.innerHTML);
    assert.equal(await html(other), await html(page), 'the same DOM at the shared moment');
    await other.close();
    await page.close();
  });

  it('folds the list to give the replay the room, and unfolds it', async () => {
    const page = await openPlayer(b, srv, s.id, { t: 5000 });
    const width = () => page.locator('#rp-screen').evaluate((el) => el.clientWidth);
    const w0 = await width();
    await page.locator('#rp-fold').click();
    assert.equal(await page.locator('#rp-side').isVisible(), false);
    await page.locator('#rp-unfold').waitFor({ state: 'visible' });
    await page.waitForFunction((w) => document.getElementById('rp-screen').clientWidth > w + 200, w0);
    // The replay is scaled up into the wider screen.
    const scale = () => page.locator('.rp-engine').first().evaluate((el) => el.getBoundingClientRect().width);
    const s1 = await scale();
    await page.locator('#rp-unfold').click();
    await page.locator('#rp-side').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#rp-unfold').isVisible(), false);
    await page.waitForFunction((w) => document.getElementById('rp-screen').clientWidth === w, w0);
    assert.ok((await scale()) < s1, 'the replay shrinks back when the list returns');
    await page.close();
  });

  it('goes full screen with the button or f, and back with Esc', async () => {
    const page = await openPlayer(b, srv, s.id, { t: 5000 });
    const full = () =>
      page.evaluate(() => document.fullscreenElement?.id === 'rp-stage' || document.getElementById('rp-stage').classList.contains('is-pseudo-fullscreen'));
    await page.keyboard.press('f');
    await page.waitForFunction(() => document.fullscreenElement?.id === 'rp-stage' || document.getElementById('rp-stage').classList.contains('is-pseudo-fullscreen'));
    // The replay fills the screen's height.
    const h = await page.locator('#rp-stage').evaluate((el) => el.getBoundingClientRect().height);
    assert.equal(h, 800);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.fullscreenElement && !document.getElementById('rp-stage').classList.contains('is-pseudo-fullscreen'));
    await page.locator('#rp-fullscreen').click();
    assert.equal(await full(), true);
    await page.locator('#rp-fullscreen').click();
    await page.waitForFunction(() => !document.fullscreenElement && !document.getElementById('rp-stage').classList.contains('is-pseudo-fullscreen'));
    await page.close();
  });

  it('answers the keyboard: space, ← →, [ ]', async () => {
    const page = await openPlayer(b, srv, s.id, { t: 21000 });
    await page.keyboard.press(' ');
    await waitState(page, (x) => x.playing);
    await page.keyboard.press(' ');
    let st = await waitState(page, (x) => !x.playing);
    const at = st.offset;
    await page.keyboard.press('ArrowRight');
    st = await waitState(page, (x) => Math.abs(x.offset - (at + 5000)) < 5);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    st = await waitState(page, (x) => Math.abs(x.offset - (at - 5000)) < 5);
    // ] goes to the next row after the playhead, [ back to the one before.
    await page.locator('#rp-list .rp-item', { hasText: 'Payment widget crashed' }).click();
    await waitState(page, (x) => x.offset === 20000);
    await page.keyboard.press(']');
    await waitState(page, (x) => x.offset === 30000);
    await waitShown(page, { title: 'Checkout' });
    await page.keyboard.press(']');
    await waitState(page, (x) => x.offset === 35000);
    await page.keyboard.press('[');
    await waitState(page, (x) => x.offset === 30000);
    await page.keyboard.press('[');
    await waitState(page, (x) => x.offset === 20000);
    // Space on a focused control still plays and pauses (the control is not pressed).
    await page.locator('[data-speed="2"]').focus();
    await page.keyboard.press(' ');
    st = await waitState(page, (x) => x.playing);
    assert.equal(st.speed, 1);
    await page.close();
  });

  it('changes speed and remembers it', async () => {
    const page = await openPlayer(b, srv, s.id, { t: 1000 });
    await page.locator('[data-speed="4"]').click();
    assert.equal((await playerState(page)).speed, 4);
    assert.equal(await page.locator('[data-speed="4"]').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => localStorage.getItem('reprise.player.speed')), '4');
    await page.reload();
    await page.waitForFunction(() => document.getElementById('player')?.dataset.ready === 'true');
    assert.equal((await playerState(page)).speed, 4);
    await page.close();
  });
});
