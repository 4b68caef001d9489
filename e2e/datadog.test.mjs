// Datadog compatibility, end to end: a page of our own (e2e/datadog/) with the real
// @datadog/browser-rum from node_modules, bundled here with esbuild and pointed at Reprise
// through the SDK's `proxy` option (docs/datadog.md). A person types, clicks, navigates
// (a pushState route change: a second Datadog view) and hits an error; then the API and the
// explorers list the session, views, actions and error with the right counts, and the
// player shows what the person saw, at the right moments, from Datadog's own replay records.
//
// Run: make build && node --test e2e/datadog.test.mjs
// (REPRISE_E2E_VERBOSE=1 shows the server's log, REPRISE_E2E_KEEP=1 keeps its data dir.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot, startServer } from './lib/server.mjs';
import { launch, replayEval, waitForReplay } from './lib/browser.mjs';
import { apiGet, waitForSession } from './lib/session.mjs';

const APP = 'dd-e2e';
const typedQuery = 'walrus-query-6021'; // typed into the search box; masked in the replay
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let srv; // the reprise server
let site; // the test shop: { url, close }
let browser;
const marks = {}; // Date.now() at each moment the replay must show
let session;

const api = (path) => apiGet(srv, path);

/** serveShop bundles e2e/datadog/app.js with the Datadog SDK and serves the shop on 127.0.0.1. */
async function serveShop(repriseUrl) {
  const dir = join(repoRoot, 'e2e', 'datadog');
  const bundle = await build({
    entryPoints: [join(dir, 'app.js')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome110',
    define: { __REPRISE_URL__: JSON.stringify(repriseUrl) },
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0].contents;
  const html = await readFile(join(dir, 'index.html'));
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(js);
    } else if (path === '/favicon.ico') {
      res.writeHead(404).end();
    } else {
      // Every other path is the single-page app (the /orders route included).
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * trackDatadog records what the SDK sends to Reprise's /v1/datadog intake, by the track in
 * ddforward. It counts responses: Chromium does not report requestfinished for the SDK's
 * multipart replay uploads, and it does not report sendBeacon requests at all.
 */
function trackDatadog(page, repriseUrl) {
  const intake = { requests: [], pending: 0, lastAt: 0 };
  const isIntake = (req) => req.url().startsWith(`${repriseUrl}/v1/datadog`);
  const track = (req) => new URL(new URL(req.url()).searchParams.get('ddforward') ?? '/', 'http://x').pathname;
  page.on('request', (req) => {
    if (isIntake(req)) intake.pending++;
  });
  page.on('response', (res) => {
    if (!isIntake(res.request())) return;
    intake.requests.push({ track: track(res.request()), status: res.status() });
    intake.lastAt = Date.now();
    intake.pending--;
  });
  page.on('requestfailed', (req) => {
    if (!isIntake(req)) return;
    intake.requests.push({ track: track(req), status: 0, failed: req.failure()?.errorText });
    intake.lastAt = Date.now();
    intake.pending--;
  });
  return intake;
}

/** quiet waits until nothing is in flight to the intake and nothing was answered for quietMs. */
async function quiet(intake, { quietMs = 1500, maxMs = 10000 } = {}) {
  const start = Date.now();
  while (Date.now() - start < maxMs) {
    await sleep(250);
    if (intake.pending <= 0 && Date.now() - Math.max(intake.lastAt, start) > quietMs) return;
  }
}

describe('Datadog browser SDK → Reprise → explorers and player', { timeout: 240000 }, () => {
  before(async () => {
    srv = await startServer();
    site = await serveShop(srv.url);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await srv?.stop();
  });

  it('records a person using a shop instrumented with @datadog/browser-rum', { timeout: 90000 }, async () => {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const intake = trackDatadog(page, srv.url);

    marks.start = Date.now();
    await page.goto(site.url + '/');
    await page.waitForFunction(() => !!window.ddRum?.getInitConfiguration(), null, { timeout: 5000 });
    await page.getByText('Cart: 0 items').waitFor();
    await sleep(1500);

    await page.locator('#search').pressSequentially(typedQuery, { delay: 25 });
    await sleep(800);
    marks.typed = Date.now();
    await sleep(1200);

    await page.locator('#add').click();
    await sleep(400);
    await page.locator('#add').click();
    await page.getByText('Cart: 2 items').waitFor();
    marks.clicked = Date.now();
    await sleep(2000);

    await page.locator('#nav-orders').click();
    await page.getByText('Orders of the Datadog test shop').waitFor();
    marks.orders = Date.now();
    await sleep(2000);

    await page.locator('#pay').click();
    await page.getByText('Payment failed').waitFor();
    marks.error = Date.now();
    await sleep(2000);

    // The tab goes to the background: the SDK flushes RUM and replay with fetch. Headless
    // Chromium never fires visibilitychange by itself, so the page is told.
    marks.leave = Date.now();
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await quiet(intake);
    await page.goto('about:blank');
    await quiet(intake, { quietMs: 1000 });
    await page.close();

    assert.deepEqual(pageErrors, ['Payment gateway exploded (dd e2e)'], 'the only page error is the deliberate one');
    const bad = intake.requests.filter((r) => r.status < 200 || r.status > 299);
    assert.deepEqual(bad, [], 'every request to /v1/datadog is accepted');
    // RUM batches of a short visit leave at the exit signal by sendBeacon, which Chromium
    // does not report to Playwright; the next step sees them arrive through the API.
    assert.ok(intake.requests.some((r) => r.track === '/api/v2/replay'), 'replay segments were sent');
  });

  it('the API lists the session with its views, actions and error', { timeout: 60000 }, async () => {
    assert.ok(marks.leave, 'the recording step did not finish');
    session = await waitForSession(srv, {
      app: APP,
      accept: (s) => s.view_count >= 2 && s.error_count >= 1 && s.action_count >= 4,
      untilTs: marks.error - 500,
    });
    assert.equal(session.application_id, APP);
    assert.equal(session.view_count, 2, 'views: the page load and the /orders route change');
    assert.equal(session.error_count, 1);
    assert.equal(session.action_count, 4, 'click actions: Add to cart ×2, Orders, Pay now');
    assert.ok(Math.abs(session.start - marks.start) < 5000, `session start ${session.start} vs navigation at ${marks.start}`);

    const id = encodeURIComponent(session.id);
    const detail = await api(`/api/v1/sessions/${id}`);
    assert.equal(detail.status, 200, detail.text);
    const urls = (detail.json.views ?? []).map((v) => v.view_url).sort();
    assert.deepEqual(urls, [`${site.url}/`, `${site.url}/orders`]);

    const actions = await api(`/api/v1/sessions/${id}/events?type=action`);
    assert.equal(actions.status, 200, actions.text);
    for (const name of ['Add to cart', 'Orders', 'Pay now']) assert.ok(actions.text.includes(name), `action "${name}" in ${actions.text.slice(0, 1000)}`);
    const errors = await api(`/api/v1/sessions/${id}/events?type=error`);
    assert.match(errors.text, /Payment gateway exploded \(dd e2e\)/);
    assert.ok(!errors.text.includes('"type":"telemetry"'), 'telemetry is not an error');

    // The replay: Datadog records came back as rrweb events, one Meta + FullSnapshot per view,
    // and none of Datadog's record types that collide with rrweb's (6 Focus, 7 ViewEnd, 8
    // VisualViewport) passed through.
    const types = session.events.map((e) => e.type);
    assert.equal(types.filter((t) => t === 2).length, 2, `full snapshots in ${types.join(',')}`);
    assert.ok(types.includes(3), 'incremental snapshots present');
    assert.deepEqual(types.filter((t) => ![2, 3, 4, 5].includes(t)), [], 'only rrweb event types');
    const hrefs = session.events.filter((e) => e.type === 4).map((e) => e.data.href);
    assert.deepEqual(hrefs, [`${site.url}/`, `${site.url}/orders`]);
    const replay = await api(`/api/v1/sessions/${id}/replay`);
    assert.deepEqual(replay.json.missing ?? [], [], 'no segment reported missing');
    assert.ok(!replay.text.includes(typedQuery), 'the typed query is not in the replay');
  });

  it('the explorers list the session, its error and its actions', { timeout: 60000 }, async () => {
    assert.ok(session, 'no session found by the previous step');
    const page = await browser.newPage();
    try {
      await page.goto(`${srv.url}/explorer/sessions`);
      const row = page.locator('tr', { has: page.locator(`[data-testid="play"][href*="${session.id}"]`) });
      await row.waitFor();
      // Numeric cells: duration, views, errors, actions.
      const nums = (await row.locator('td.num').allInnerTexts()).map((s) => s.trim());
      assert.deepEqual(nums.slice(1, 4), ['2', '1', '4'], `sessions explorer row: ${nums}`);

      await page.goto(`${srv.url}/explorer/errors`);
      await page.getByText('Payment gateway exploded (dd e2e)').first().waitFor();
      await page.goto(`${srv.url}/explorer/actions`);
      await page.getByText('Add to cart').first().waitFor();
      await page.goto(`${srv.url}/explorer/views`);
      await page.locator(`td.url[title="${site.url}/orders"]`).first().waitFor();
    } finally {
      await page.close();
    }
  });

  it('the player shows each moment from the Datadog replay', { timeout: 90000 }, async () => {
    assert.ok(session, 'no session found by an earlier step');
    const page = await browser.newPage();
    try {
      await page.goto(`${srv.url}/explorer/sessions`);
      await page.locator(`[data-testid="play"][href*="${session.id}"]`).first().click();
      await page.waitForURL(new RegExp(`/replay/${session.id}`));
      await waitForReplay(page, (doc) => doc.body?.innerText.includes('Datadog test shop'), null, { timeout: 15000 });

      const state = (doc) => ({
        title: doc.querySelector('h1')?.textContent ?? null,
        cart: doc.querySelector('#cart')?.textContent ?? null,
        search: doc.querySelector('#search')?.value ?? null,
        orders: doc.querySelector('#orders-status')?.textContent ?? null,
        // Inside the shadow root, with the color from its adopted sheet.
        promo: doc.querySelector('#promo')?.shadowRoot?.querySelector('p')?.textContent ?? null,
        promoColor: (() => {
          const p = doc.querySelector('#promo')?.shadowRoot?.querySelector('p');
          return p ? doc.defaultView.getComputedStyle(p).color : null;
        })(),
        text: doc.body?.innerText ?? '',
      });
      const expectAt = async (name, mark, plus, want) => {
        const tMs = Math.max(0, mark + plus - session.start);
        await page.goto(`${srv.url}/replay/${session.id}?t=${tMs}`);
        const check = `(doc, want) => { const s = (${state})(doc);
          return Object.entries(want).every(([k, v]) => s[k] === v) ? s : null; }`;
        try {
          return await waitForReplay(page, check, want, { timeout: 10000 });
        } catch (err) {
          const seen = await replayEval(page, state, null).catch((e) => `unreadable: ${e.message}`);
          const shot = `test-results/datadog-${name.replace(/[^a-z0-9]+/gi, '-')}.png`;
          await mkdir('test-results', { recursive: true });
          await page.screenshot({ path: shot }).catch(() => {});
          assert.fail(`${name} (t=${tMs}): the replay did not show ${JSON.stringify(want)}; it shows ${JSON.stringify(seen).slice(0, 1500)}\n${err.message.split('\n')[0]}`);
        }
      };

      // After typing, before the clicks: the cart is empty and the query is masked.
      const typed = await expectAt('after typing', marks.typed, 0, {
        title: 'Datadog test shop',
        cart: 'Cart: 0 items',
        promo: 'Free shipping from 3 items (0 so far)',
        promoColor: 'rgb(0, 128, 0)',
      });
      assert.notEqual(typed.search, typedQuery, 'the typed query shows in the replay');
      assert.ok(!typed.text.includes(typedQuery));
      await expectAt('after two clicks', marks.clicked, 700, { cart: 'Cart: 2 items', promo: 'Free shipping from 3 items (2 so far)' });
      await expectAt('on the orders route', marks.orders, 700, { title: 'Orders of the Datadog test shop', orders: '2 items waiting for payment' });
      await expectAt('after paying', marks.error, 700, { orders: 'Payment failed' });
    } finally {
      await page.close();
    }
  });
});
