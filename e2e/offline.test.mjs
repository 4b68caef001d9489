// Issue 6, the SDK's side of durability: a person keeps using the shop while the server is
// down for 30 s mid-session. The SDK must keep the page responsive, hold what it could not
// send in its bounded queue, retry with backoff, and deliver it once the server is back on the
// same address: the whole session, before, during and after the outage, is then stored.
//
// Run: make build && node --test e2e/offline.test.mjs
// REPRISE_E2E_OUTAGE_MS shortens the outage (default 30000) for quick local runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';
import { apiGet } from './lib/session.mjs';

const outageMs = Number(process.env.REPRISE_E2E_OUTAGE_MS || 30000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sortButtons = ['#sort-name', '#sort-price', '#sort-stock'];

let srv;
let browser;
let dataDir;

describe('SDK offline: the server is down for 30 s mid-session', { timeout: outageMs + 240000 }, () => {
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'reprise-e2e-offline-'));
    srv = await startServer({ demo: true, dataDir, keepDataDir: true });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
    if (dataDir && process.env.REPRISE_E2E_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores the whole session after the server comes back', { timeout: outageMs + 200000 }, async () => {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${srv.url}/demo/`);
    await page.waitForFunction(() => !!window.REPRISE?.getSessionId(), null, { timeout: 10000 });
    const sessionId = await page.evaluate(() => window.REPRISE.getSessionId());
    const clicks = []; // Date.now() of every click, with the phase it fell in

    const click = async (phase) => {
      const sel = sortButtons[clicks.length % sortButtons.length];
      const at = Date.now();
      await page.locator(sel).click();
      clicks.push({ phase, at });
    };

    // Online: a few clicks, flushed (RUM batches go at 5 s).
    for (let i = 0; i < 3; i++) {
      await click('before');
      await sleep(700);
    }
    await sleep(6000);

    // Down: the server stops; the person keeps clicking for the whole outage.
    const port = srv.port;
    await srv.stop();
    const downAt = Date.now();
    let worstRoundTrip = 0;
    while (Date.now() - downAt < outageMs - 1500) {
      await click('during');
      // The page must stay responsive while uploads fail.
      const t0 = Date.now();
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(true))));
      worstRoundTrip = Math.max(worstRoundTrip, Date.now() - t0);
      await sleep(Math.min(3000, Math.max(500, outageMs / 10)));
    }
    const stats = await page.evaluate(() => window.REPRISE.getInternalStats?.() ?? null).catch(() => null);
    await sleep(Math.max(0, outageMs - (Date.now() - downAt)));

    // Up again on the same address and data directory.
    srv = await startServer({ demo: true, dataDir, keepDataDir: true, port });
    const upAt = Date.now();
    await click('after');
    await sleep(500);
    await click('after');

    // The SDK retries on its own schedule (backoff up to 60 s); stay on the page until every
    // click, made before, during and after the outage, is an action event in the store.
    const want = clicks.length;
    let actions = [];
    const deadline = Date.now() + 120000;
    while (Date.now() < deadline) {
      const res = await apiGet(srv, `/api/v1/sessions/${encodeURIComponent(sessionId)}/events?type=action`);
      actions = (res.json?.events ?? res.json ?? []).filter((e) => e.type === 'action');
      if (actions.length >= want) break;
      await sleep(1000);
    }
    const deliveredAfter = Date.now() - upAt;
    const during = clicks.filter((c) => c.phase === 'during');
    console.log(
      `offline: ${outageMs / 1000} s outage, ${clicks.length} clicks (${during.length} while down), ` +
        `${actions.length} actions stored ${(deliveredAfter / 1000).toFixed(1)} s after the restart; ` +
        `worst page round trip while down ${worstRoundTrip} ms` +
        (stats ? `; SDK queue ${JSON.stringify(stats)}` : ''),
    );
    assert.ok(actions.length >= want, `only ${actions.length} of ${want} clicks stored as actions`);
    const stored = actions.map((a) => a.date).sort((a, b) => a - b);
    for (const c of during) {
      // Each click made while the server was down is stored, at its own time.
      assert.ok(stored.some((d) => Math.abs(d - c.at) < 2000), `click at ${new Date(c.at).toISOString()} (server down) not stored`);
    }
    assert.ok(worstRoundTrip < 1000, `the page blocked for ${worstRoundTrip} ms while uploads failed`);

    // The replay covers the outage: click records from while the server was down.
    let replayClicks = 0;
    const replayDeadline = Date.now() + 60000;
    while (Date.now() < replayDeadline) {
      const res = await apiGet(srv, `/api/v1/sessions/${encodeURIComponent(sessionId)}/replay`);
      const events = res.json?.events ?? [];
      // rrweb: IncrementalSnapshot (3), MouseInteraction (2), Click (2).
      replayClicks = events.filter(
        (e) => e.type === 3 && e.data?.source === 2 && e.data?.type === 2 && e.timestamp >= downAt && e.timestamp < upAt,
      ).length;
      if (replayClicks >= during.length) break;
      await sleep(1000);
    }
    assert.ok(replayClicks >= during.length, `replay has ${replayClicks} of ${during.length} clicks made while the server was down`);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
});
