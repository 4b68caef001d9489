// Privacy under the default mask-user-input (DESIGN §6), end to end: every input value is
// masked in the browser, an input the page author marks data-reprise-privacy="allow" is
// recorded, text under "mask" is masked and an element under "hidden" is not recorded at all.
// Checked in the replay API's rrweb events, in the player's rebuilt DOM, and in every byte
// of the data directory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch, replayEval, waitForReplay } from './lib/browser.mjs';
import { findNeedles, scanDataDir } from './lib/scan.mjs';
import { apiGet, leavePage, waitForSession } from './lib/session.mjs';
import { startIntakeCounter } from './lib/proxy.mjs';

const typed = {
  username: 'walrus_private_5512',
  email: 'ibis.private.88@lumen-demo.test',
  password: 'Okapi-Pass-6620',
  note: 'Gate code Narwhal 3090',
};
const allowedSearch = 'Aurora';
// Text the page author masked or hid on the orders page (internal/demo/site/orders.html).
const maskedText = ['12 Quartz Lane', 'Card on file ends in 4242'];

let srv;
let browser;
let session;
let leftAt;

describe('privacy: default masking and per-element overrides', { timeout: 180000 }, () => {
  before(async () => {
    srv = await startServer({ demo: true });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it('records a visit that types secrets, searches, and shows masked text', { timeout: 60000 }, async () => {
    const page = await browser.newPage();
    const counter = await startIntakeCounter(srv.url);
    const { intake } = counter;
    await page.goto(`${counter.url}/demo/`);
    await page.waitForFunction(() => !!window.REPRISE, null, { timeout: 5000 });
    // No submit: the username is typed but never given to setUser, so it must not appear either.
    for (const [field, value] of Object.entries(typed)) {
      await page.locator(`#signin-${field}`).pressSequentially(value, { delay: 15 });
    }
    await page.locator('#catalog-search').pressSequentially(allowedSearch, { delay: 30 });
    await page.getByText(`Showing 1 of 5 products for "${allowedSearch}"`).waitFor();
    // Leave the field: the SDK records an input's value when it changes (on blur), and the
    // player is checked in the quiet moment after that, before the next page.
    await page.locator('#catalog-search').press('Tab');
    await page.waitForTimeout(2000);
    await page.locator('#nav-orders').click();
    await page.getByText('Your orders at Lumen Goods').waitFor();
    await page.waitForTimeout(1500);
    leftAt = Date.now();
    await leavePage(page, intake);
    await counter.stop();
    assert.ok(intake.requests.some((r) => r.path === '/v1/write/rum/replay'), 'no replay segment was sent');

    session = await waitForSession(srv, { accept: (s) => s.view_count >= 2, untilTs: leftAt - 2500 });
  });

  it('the recorded events mask every input but the allowed one', async () => {
    assert.ok(session, 'no session recorded');
    const json = JSON.stringify(session.events);
    assert.deepEqual(findNeedles(json, [...Object.values(typed), ...maskedText]), []);

    // rrweb input events (type 3 incremental, source 5 input) carry the value as text.
    const inputs = session.events.filter((e) => e.type === 3 && e.data?.source === 5).map((e) => e.data.text);
    assert.ok(inputs.length > 0, 'no input events recorded');
    assert.ok(inputs.includes(allowedSearch), `the allowed search box was not recorded: ${JSON.stringify(inputs)}`);
    // Everything else typed is recorded only as mask characters (no letter or digit survives).
    const others = inputs.filter((t) => typeof t === 'string' && !allowedSearch.startsWith(t));
    assert.ok(others.length > 0, 'masked inputs recorded no events at all');
    for (const t of others) assert.doesNotMatch(t, /[A-Za-z0-9]/, `input value not masked: ${t}`);
  });

  it('the player shows masked inputs, masked text and no hidden element', { timeout: 60000 }, async () => {
    assert.ok(session, 'no session recorded');
    const page = await browser.newPage();
    try {
      // The orders page, near the end of the visit.
      await page.goto(`${srv.url}/replay/${session.id}?t=${Math.max(0, leftAt - 800 - session.start)}`);
      await waitForReplay(page, (doc) => doc.body?.innerText.includes('Your orders at Lumen Goods'));
      const orders = await replayEval(page, (doc) => ({
        text: doc.body.innerText,
        address: doc.querySelector('#billing-address')?.textContent ?? null,
        card: doc.querySelector('#billing-card')?.textContent ?? null,
      }));
      assert.deepEqual(findNeedles(orders.text, maskedText), []);
      assert.ok(orders.address && !orders.address.includes('Quartz'), `masked text shown: ${orders.address}`);
      assert.ok(!orders.card, `hidden element's text rebuilt: ${orders.card}`);

      // The shop page after typing: search value visible, the rest masked.
      const searched = session.events.find((e) => e.type === 3 && e.data?.text === allowedSearch).timestamp;
      await page.goto(`${srv.url}/replay/${session.id}?t=${Math.max(0, searched + 700 - session.start)}`);
      const shop = await waitForReplay(page, (doc) => {
        const v = (id) => doc.querySelector(id)?.value;
        return doc.querySelector('#catalog-search') ? { search: v('#catalog-search'), password: v('#signin-password'), email: v('#signin-email'), note: v('#signin-note'), username: v('#signin-username') } : null;
      });
      assert.equal(shop.search, allowedSearch);
      for (const k of ['password', 'email', 'note', 'username']) {
        assert.notEqual(shop[k], typed[k], `${k} shown in the replay`);
      }
    } finally {
      await page.close();
    }
  });

  it('no typed secret or masked text anywhere in the data directory', () => {
    assert.ok(session, 'no session recorded');
    const r = scanDataDir(srv.dataDir, [...Object.values(typed), ...maskedText, allowedSearch]);
    const leaks = r.hits.filter((h) => h.needle !== allowedSearch);
    assert.deepEqual(leaks, [], `found in ${srv.dataDir}`);
    // The allowed value is stored: proof that the scan reached the segments' contents.
    assert.ok(r.hits.some((h) => h.needle === allowedSearch), `the scan never saw the allowed value (segments ${r.segments}, streams ${r.streams})`);
  });

  it('no typed secret in API responses', async () => {
    assert.ok(session, 'no session recorded');
    const id = encodeURIComponent(session.id);
    for (const p of [`/api/v1/sessions/${id}`, `/api/v1/sessions/${id}/events`, `/api/v1/sessions/${id}/replay`, '/api/v1/actions', '/api/v1/views']) {
      const res = await apiGet(srv, p);
      assert.equal(res.status, 200, `GET ${p}: ${res.text.slice(0, 300)}`);
      assert.deepEqual(findNeedles(res.text, [...Object.values(typed), ...maskedText]), [], `GET ${p}`);
    }
  });
});
