// Issue 2, end to end: a person uses the demo shop in Chromium, the SDK records it, the
// server stores it, and the player shows what the person saw, at the right moments, with
// nothing they typed (password, email, note) stored anywhere or served by the API.
//
// Run: make build && node --test e2e/first-replay.test.mjs
// (REPRISE_E2E_VERBOSE=1 shows the server's log, REPRISE_E2E_KEEP=1 keeps its data dir.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { startServer } from './lib/server.mjs';
import { launch, replayEval, waitForReplay } from './lib/browser.mjs';
import { findNeedles, scanDataDir, fileSizes } from './lib/scan.mjs';
import { apiGet, leavePage, uploadSummary, waitForSession } from './lib/session.mjs';
import { startIntakeCounter } from './lib/proxy.mjs';

// What the person types. The username is reported on purpose (REPRISE.setUser); the rest
// must never leave the browser. The strings are unusual so that a hit is never a coincidence.
const username = 'ada_e2e_user';
const typed = {
  email: 'quokka.e2e.41@lumen-demo.test',
  password: 'pw-Zebra-9981-secret',
  note: 'Ring twice for Quokka 7731',
};
// Fragments too, in case a store or SDK splits or truncates values.
const secrets = [...Object.values(typed), 'Zebra-9981', 'quokka.e2e', 'Quokka 7731'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let srv;
let browser;
const marks = {}; // Date.now() at each moment the replay must show
let session; // the API's session object, once found

const api = (path) => apiGet(srv, path);

describe('first replay: demo shop → SDK → server → player', { timeout: 180000 }, () => {
  before(async () => {
    srv = await startServer({ demo: true });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it('records a person using the demo shop', { timeout: 90000 }, async (t) => {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // The shop is visited through a counting proxy: every body the SDK sends is measured.
    const counter = await startIntakeCounter(srv.url);
    const { intake } = counter;

    marks.start = Date.now();
    await page.goto(`${counter.url}/demo/`);
    await page.waitForFunction(() => !!window.REPRISE, null, { timeout: 5000 });
    await sleep(1500);

    // The form: typed key by key like a person, so the recorder sees every input event.
    await page.locator('#signin-username').pressSequentially(username, { delay: 20 });
    await page.locator('#signin-email').pressSequentially(typed.email, { delay: 20 });
    await page.locator('#signin-password').pressSequentially(typed.password, { delay: 20 });
    await page.locator('#signin-note').pressSequentially(typed.note, { delay: 20 });
    await page.locator('#signin-remember').check();
    await page.locator('#signin-submit').click();
    await page.getByText('Welcome back! You are signed in.').waitFor();
    await sleep(1000);

    await page.locator('#load-stock').click();
    await page.getByText('Stock from North Dock: 5 products').waitFor();
    await sleep(1000);
    marks.beforeSort = Date.now();
    await sleep(1500);

    await page.locator('#sort-price').click();
    await page.getByText('Catalog sorted by Price, ascending').waitFor();
    marks.sorted = Date.now();
    await sleep(2000);

    await page.locator('#open-cart').click();
    await page.locator('#cart-modal').waitFor({ state: 'visible' });
    marks.modalOpen = Date.now();
    await sleep(2000);
    await page.locator('#close-cart').click();
    await page.locator('#cart-modal').waitFor({ state: 'hidden' });
    marks.modalClosed = Date.now();
    await sleep(1500);

    await page.locator('#nav-orders').click();
    await page.waitForURL('**/demo/orders.html');
    await page.getByText('Your orders at Lumen Goods').waitFor();
    marks.orders = Date.now();
    await sleep(1500);

    await page.locator('#apply-coupon').click();
    await page.getByText('Applying coupon SPRING25…').waitFor();
    marks.error = Date.now();
    await sleep(2000);

    // Leaving the page fires pagehide, where the SDK flushes (headless Chromium never fires
    // visibilitychange by itself). Close only after the intake answered.
    marks.leave = Date.now();
    await leavePage(page, intake);
    await counter.stop();

    assert.deepEqual(pageErrors, ['Coupon service rejected SPRING25 (Lumen demo error)'], 'the only page error is the deliberate one');
    assert.ok(intake.requests.length > 0, 'the SDK sent nothing to /v1/write/*');
    const bad = intake.requests.filter((r) => r.status < 200 || r.status > 299);
    assert.deepEqual(bad, [], 'every intake request is accepted');
    assert.ok(intake.requests.some((r) => r.path === '/v1/write/rum'), 'RUM events were sent');
    assert.ok(intake.requests.some((r) => r.path === '/v1/write/rum/replay'), 'replay segments were sent');

    // Bytes per minute that the SDK sent while the person was on the site.
    const line = uploadSummary(intake, marks.start, marks.leave);
    console.log(line);
    t.diagnostic(line);
  });

  it('the API shows the session with its views, error and replay segments', { timeout: 60000 }, async () => {
    assert.ok(marks.error, 'the recording step did not finish');
    // Complete once the segments reach the error (the last thing the person did).
    session = await waitForSession(srv, {
      accept: (s) => s.view_count >= 2 && s.error_count >= 1,
      untilTs: marks.error - 1000,
    });
    assert.equal(session.application_id, 'demo');
    assert.ok(session.start <= marks.start + 5000 && session.start >= marks.start - 5000, `session start ${session.start} vs navigation at ${marks.start}`);

    const detail = await api(`/api/v1/sessions/${encodeURIComponent(session.id)}`);
    assert.equal(detail.status, 200, detail.text);
    const urls = (detail.json.views ?? []).map((v) => v.view_url ?? v.url ?? v.view?.url ?? '');
    assert.ok(urls.some((u) => u.endsWith('/demo/')), `views: ${urls}`);
    assert.ok(urls.some((u) => u.endsWith('/demo/orders.html')), `views: ${urls}`);
    const user = JSON.stringify(detail.json.user ?? session.user ?? null);
    assert.ok(user.includes(username), `session user ${user} is the setUser() username`);

    const errors = await api(`/api/v1/sessions/${encodeURIComponent(session.id)}/events?type=error`);
    assert.equal(errors.status, 200, errors.text);
    assert.match(errors.text, /Coupon service rejected SPRING25/);

    // rrweb: a Meta and a FullSnapshot for each page, and incremental data in between.
    const types = session.events.map((e) => e.type);
    assert.ok(types.filter((x) => x === 2).length >= 2, `full snapshots: ${types.filter((x) => x === 2).length}`);
    assert.ok(types.includes(3), 'incremental snapshots present');
    const metaHrefs = session.events.filter((e) => e.type === 4).map((e) => e.data?.href);
    assert.ok(metaHrefs.some((h) => h?.endsWith('/demo/orders.html')), `meta hrefs: ${metaHrefs}`);
  });

  it('Play in the sessions explorer opens the player, which shows each moment', { timeout: 90000 }, async () => {
    assert.ok(session, 'no session found by the previous step');
    const page = await browser.newPage();
    try {
      await page.goto(`${srv.url}/explorer/sessions`);
      // The Play button on this session's row (explorer.html: a[data-testid=play] per row).
      await page.locator(`[data-testid="play"][href*="${session.id}"]`).first().click();
      await page.waitForURL(new RegExp(`/replay/${session.id}`));
      // The first thing the person saw: the shop's headline.
      await waitForReplay(page, (doc) => doc.body?.innerText.includes('Lumen Goods: small things for slow mornings'), null, { timeout: 15000 });

      // Seek with ?t= (ms from the session's start) and read the rebuilt DOM at each moment.
      const at = async (mark, plus) => {
        const tMs = Math.max(0, mark + plus - session.start);
        await page.goto(`${srv.url}/replay/${session.id}?t=${tMs}`);
        return tMs;
      };
      const state = (doc) => {
        const text = (sel) => doc.querySelector(sel)?.textContent?.trim() ?? null;
        const modal = doc.querySelector('#cart-modal');
        return {
          title: text('h1'),
          firstRow: text('#catalog-table tbody tr td'),
          catalogStatus: text('#catalog-status'),
          signedInAs: text('#signed-in-as'),
          modalOpen: modal ? !modal.hasAttribute('hidden') : null,
          couponStatus: text('#coupon-status'),
          passwordValue: doc.querySelector('#signin-password')?.value ?? null,
          emailValue: doc.querySelector('#signin-email')?.value ?? null,
          bodyText: doc.body?.innerText ?? '',
        };
      };
      const expectState = async (name, want, opts) => {
        let seen;
        try {
          // One function sent into the frame: state() plus the comparison.
          const check = `(doc, want) => { const s = (${state})(doc);
            return Object.entries(want).every(([k, v]) => s[k] === v) ? s : null; }`;
          await waitForReplay(page, check, want, { timeout: 10000, ...opts });
        } catch (err) {
          seen = await replayEval(page, state, null).catch((e) => `unreadable: ${e.message}`);
          // A picture of the player at the failure, for the person reading the CI log.
          const shot = `test-results/first-replay-${name.replace(/[^a-z0-9]+/gi, '-')}.png`;
          await mkdir('test-results', { recursive: true });
          await page.screenshot({ path: shot }).catch(() => {});
          assert.fail(`${name}: the replay did not show ${JSON.stringify(want)}; it shows ${JSON.stringify(seen, null, 1).slice(0, 1500)}\n${err.message.split('\n')[0]}`);
        }
      };

      // Before sorting: house order, the user signed in, the modal closed.
      let tMs = await at(marks.beforeSort, 700);
      await expectState(`t=${tMs} before sorting`, {
        title: 'Lumen Goods: small things for slow mornings',
        firstRow: 'Ember Tea Kettle',
        catalogStatus: 'Catalog in house order',
        signedInAs: `Signed in as ${username}`,
        modalOpen: false,
      });
      // The form's inputs are masked in the replay too.
      const inputs = await replayEval(page, state, null);
      assert.notEqual(inputs.passwordValue, typed.password, 'password shown in the replay');
      assert.notEqual(inputs.emailValue, typed.email, 'email shown in the replay');
      assert.deepEqual(findNeedles(inputs.bodyText, secrets), []);

      tMs = await at(marks.sorted, 800);
      await expectState(`t=${tMs} after sorting by price`, {
        firstRow: 'Cedar Notebook',
        catalogStatus: 'Catalog sorted by Price, ascending',
        modalOpen: false,
      });

      tMs = await at(marks.modalOpen, 800);
      await expectState(`t=${tMs} with the cart open`, { firstRow: 'Cedar Notebook', modalOpen: true });

      tMs = await at(marks.modalClosed, 700);
      await expectState(`t=${tMs} after closing the cart`, { modalOpen: false });

      tMs = await at(marks.error, 800);
      await expectState(`t=${tMs} on the orders page after the error`, {
        title: 'Your orders at Lumen Goods',
        couponStatus: 'Applying coupon SPRING25…',
      });

      // The left list: clicking the error seeks to it.
      await at(marks.start, 0);
      await waitForReplay(page, (doc) => doc.body?.innerText.includes('Lumen Goods: small things for slow mornings'));
      await page.locator('#rp-list .rp-item', { hasText: 'Coupon service rejected SPRING25' }).first().click();
      await expectState('after clicking the error in the list', { title: 'Your orders at Lumen Goods' });

      // The timeline: a click at the cart's moment shows the open cart. The track maps the
      // session's span linearly onto its width (player/src/ui/timeline.ts).
      const span = await page.evaluate(() => {
        const s = window.reprisePlayer.state();
        return { start: s.start, end: s.end };
      });
      const box = await page.locator('#rp-timeline').boundingBox();
      const frac = (marks.modalOpen + 1000 - span.start) / (span.end - span.start);
      await page.mouse.click(box.x + box.width * frac, box.y + box.height / 2);
      await expectState(`after clicking the timeline at ${(frac * 100).toFixed(1)}%`, { firstRow: 'Cedar Notebook', modalOpen: true });
    } finally {
      await page.close();
    }
  });

  it('nothing the person typed is stored in the data directory or served by the API', { timeout: 60000 }, async () => {
    assert.ok(session, 'no session found by an earlier step');
    const id = encodeURIComponent(session.id);
    const paths = [
      '/api/v1/sessions?app=demo',
      `/api/v1/sessions/${id}`,
      `/api/v1/sessions/${id}/events`,
      `/api/v1/sessions/${id}/replay`,
      '/api/v1/views',
      '/api/v1/errors',
      '/api/v1/resources',
      '/api/v1/actions',
      '/explorer/sessions',
      `/sessions/${id}`,
    ];
    for (const p of paths) {
      const res = await api(p);
      assert.deepEqual(findNeedles(res.text, secrets), [], `GET ${p} contains typed values`);
    }
    // The username was reported with setUser on purpose; seeing it proves the scan reads the data.
    const sessionText = (await api(`/api/v1/sessions/${id}`)).text;
    assert.ok(sessionText.includes(username));

    const report = scanDataDir(srv.dataDir, [...secrets, username]);
    const leaks = report.hits.filter((h) => h.needle !== username);
    assert.deepEqual(leaks, [], `typed values found in ${srv.dataDir}`);
    // The scan must have opened the stored segments: the replay events contain the shop's text.
    const sawPage = scanDataDir(srv.dataDir, ['Lumen Goods: small things for slow mornings']);
    assert.ok(sawPage.hits.length > 0, `the scan found no recorded page text in ${JSON.stringify(fileSizes(srv.dataDir))}; it inflated ${report.streams} streams`);
    assert.ok(report.hits.some((h) => h.needle === username), 'the scan did not find the reported username either');
  });
});
