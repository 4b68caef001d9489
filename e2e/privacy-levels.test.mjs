// Privacy levels end to end (issue 8, docs/privacy.md). One page (e2e/privacy/) holds every
// kind of field and attribute the privacy rules name, per-element overrides by attribute, class
// and init selector list, a link, a fetch and an error message with secrets in them. For each
// defaultPrivacyLevel (allow, mask-user-input, mask) a person types into every field, picks,
// ticks and clicks in real Chromium; then, on a fresh server per level:
//   - the data directory (every byte, every decompressed stream) and the API responses hold
//     none of the strings that level must mask (searched as typed), and do hold those it
//     must keep (so the search is known to see the data);
//   - the player shows masked text as '*' of the same length, hidden elements and masked
//     images as empty boxes of the size they had on the page, masked inputs without their
//     values, checkbox, radio and select state only under allow;
//   - the server's second pass redacted the card number and email of the error message but
//     not the order number next to them (it fails the Luhn check);
//   - an erasure request (DELETE /api/v1/sessions/{id}) removes the session from the API and
//     its replay bytes from the data directory.
// The collector refuses replays below mask-user-input by default, so the `allow` run starts
// its server with --min-replay-privacy-level allow (an operator's explicit choice).
// A screenshot of the replayed page under each level is written to test-results/ (to
// docs/img/privacy-*.png with REPRISE_UPDATE_DOC_IMAGES=1).
//
// Run: make build && node --test e2e/privacy-levels.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { repoRoot, startServer } from './lib/server.mjs';
import { launch, replayEval, waitForReplay } from './lib/browser.mjs';
import { findNeedles, scanDataDir } from './lib/scan.mjs';
import { apiGet, waitForSession } from './lib/session.mjs';

const APP = 'privacy';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mask = (s) => s.replace(/\S/g, '*');

// What the person types, by field id. Each value is unique, so a search finds only it.
const typed = {
  'f-text': 'Typed Capybara 6001',
  'f-textarea': 'Typed Axolotl 6002',
  'f-password': 'Pw-Pangolin-6003',
  'f-email': 'wombat.6004@example.net',
  'f-tel': '+46 70 600 4455',
  'f-card': '5105 1051 0510 5100',
  'f-otp': 'Otp-Zebu-6007',
  'o-allow-input': 'Coupon Dingo 6008',
  'o-mask-input-field': 'Promo Jackal 6009',
  'c-allow-input': 'Gift Koala 6010',
};
const alwaysMaskedFields = ['f-password', 'f-email', 'f-tel', 'f-card', 'f-otp', 'o-mask-input-field'];
const allowedFields = ['o-allow-input', 'c-allow-input']; // allowed by attribute / class at every level
const defaultFields = ['f-text', 'f-textarea']; // shown only under allow

// Page text and attributes (e2e/privacy/index.html).
// (The avatar's URL is not among them: its resource event reports it at every level; under
// mask the replay drops it, checked in the player.)
const pageAttributes = ['Placeholder Tapir 1187', 'Tell us about Gecko 5521', 'save-Ibex-3304', 'Save profile of Quokka', 'Profile of Quokka Lindqvist', 'Portrait of Quokka Lindqvist'];
const maskedEverywhere = ['Masked text Puffin 2290', 'Masked title Marmot 8081', 'Class masked Narwhal 3356', 'Selector masked Ferret 5058'];
const hiddenEverywhere = ['Hidden text Okapi 9173', 'Allow inside hidden Bison 7713', 'Class hidden Walrus 1029', 'Selector hidden Ocelot 2631'];
// Query parameter values the SDK redacts by default (page URL ?token=, link ?token=, fetch ?api_key=).
const urlSecrets = ['PageTok1618', 'LinkTok3141', 'ResKey2718'];
// The error message (page.js): a card number and an email the server redacts, an order number it keeps.
const serverRedacted = ['4539 1488 0343 6467', 'quokka.lindqvist@example.org'];
const orderNumber = '4539148803436468';

/** What must not be stored or served under level, and what must (a proof the search sees data). */
function expectations(level) {
  const never = [
    ...alwaysMaskedFields.map((f) => typed[f]),
    ...maskedEverywhere,
    ...hiddenEverywhere,
    ...urlSecrets,
    ...serverRedacted,
  ];
  const kept = [...allowedFields.map((f) => typed[f]), 'Allowed text Heron 4410', 'Allowed inside mask Lemur 6620', orderNumber];
  if (level === 'allow') kept.push(...defaultFields.map((f) => typed[f]));
  else never.push(...defaultFields.map((f) => typed[f]));
  if (level === 'mask') never.push(...pageAttributes, 'Quokka Lindqvist, member since 2019');
  else kept.push('Quokka Lindqvist, member since 2019');
  return { never, kept: kept.filter((k) => !never.includes(k)) };
}

/** servePage serves e2e/privacy/ at /privacy/ and proxies everything else to the collector. */
async function servePage(target) {
  const dir = join(repoRoot, 'e2e', 'privacy');
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };
  const to = new URL(target);
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path.startsWith('/privacy/')) {
      const name = path.slice('/privacy/'.length) || 'index.html';
      try {
        const body = await readFile(join(dir, name.replace(/[^a-z0-9.-]/gi, '')));
        res.writeHead(200, { 'content-type': types[extname(name)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    const up = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** visit plays the person's part under level and returns what the page looked like. */
async function visit(browser, siteUrl, level) {
  const page = await browser.newPage();
  await page.goto(`${siteUrl}/privacy/index.html?level=${level}&token=PageTok1618&tab=profile`);
  await page.waitForFunction(() => !!window.REPRISE?.getSessionId(), null, { timeout: 10000 });
  for (const [id, value] of Object.entries(typed)) {
    await page.locator(`#${id}`).pressSequentially(value, { delay: 8 });
  }
  await page.locator('#f-select').selectOption('PT');
  await page.locator('#f-checkbox').check();
  await page.locator('#f-radio-b').check();
  await page.locator('#save').click();
  await page.locator('#intro').click(); // blur the last field: its value is final
  await sleep(1500);
  // Sizes on the page, to compare with the placeholders the replay shows.
  const sizes = await page.evaluate(() => {
    const box = (sel) => {
      const r = document.querySelector(sel).getBoundingClientRect();
      return { w: Math.round(r.width), h: Math.round(r.height) };
    };
    return { oHidden: box('#o-hidden'), cHidden: box('#c-hidden'), sHidden: box('#s-hidden'), avatar: box('#avatar') };
  });
  const sessionId = await page.evaluate(() => window.REPRISE.getSessionId());
  const quietAt = Date.now();
  // Stay past the SDK's 5 s segment flush, so segments also travel compressed by the
  // worker (the data-directory scan must have opened compressed streams to mean anything);
  // on page exit the SDK sends what is still pending uncompressed.
  await sleep(6000);
  // Leaving flushes the last segment and view update.
  await page.goto('about:blank');
  await sleep(1500);
  await page.close();
  return { sizes, sessionId, quietAt };
}

// The replayed page, read in the player's iframe. Elements that rrweb records as placeholders
// lose their ids (only class and size are kept), so they are found by position.
const readReplay = (doc) => {
  const ov = doc.querySelector('#overrides');
  const kids = ov ? [...ov.children] : [];
  const box = (el) => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { w: Math.round(r.width), h: Math.round(r.height), text: el.textContent, children: el.children.length };
  };
  const val = (id) => doc.getElementById(id)?.value ?? null;
  const img = doc.getElementById('avatar') ?? doc.querySelector('header img');
  return {
    intro: doc.getElementById('intro')?.textContent ?? null,
    oMask: doc.querySelector('#o-mask p')?.textContent ?? null,
    oAllowInMask: doc.querySelector('#o-allow-in-mask p')?.textContent ?? null,
    cMask: doc.getElementById('c-mask')?.textContent ?? null,
    sMask: doc.getElementById('s-mask')?.textContent ?? null,
    oHidden: box(kids[4]), // h2, #o-allow, #o-mask, #o-mask-input, then #o-hidden
    cHidden: box(doc.querySelector('.reprise-hidden')),
    sHidden: box(doc.querySelector('.selector-hidden')),
    avatar: img ? { ...box(img), src: img.getAttribute('src'), alt: img.getAttribute('alt') } : null,
    placeholder: doc.getElementById('f-text')?.getAttribute('placeholder') ?? null,
    values: Object.fromEntries(['f-text', 'f-textarea', 'f-password', 'f-email', 'f-tel', 'f-card', 'f-otp', 'o-allow-input', 'o-mask-input-field', 'c-allow-input'].map((id) => [id, val(id)])),
    select: val('f-select'),
    checkbox: doc.getElementById('f-checkbox')?.checked ?? null,
    radio: doc.getElementById('f-radio-b')?.checked ?? null,
    linkHref: doc.getElementById('next')?.getAttribute('href') ?? null,
    text: doc.body?.innerText ?? '',
  };
};

for (const level of ['allow', 'mask-user-input', 'mask']) {
  describe(`privacy level ${level}`, { timeout: 240000 }, () => {
    let srv;
    let site;
    let browser;
    let v; // the visit
    let session;
    const { never, kept } = expectations(level);

    before(async () => {
      srv = await startServer({ args: level === 'allow' ? ['--min-replay-privacy-level', 'allow'] : [] });
      site = await servePage(srv.url);
      browser = await launch();
    });
    after(async () => {
      await browser?.close();
      await site?.close();
      await srv?.stop();
    });

    it('records a visit that types into every field', { timeout: 90000 }, async () => {
      v = await visit(browser, site.url, level);
      session = await waitForSession(srv, { app: APP, accept: (s) => s.id === v.sessionId, untilTs: v.quietAt - 1500 });
      assert.ok(session.events.length > 0, 'no replay events');
    });

    it('the API serves none of the masked strings', async () => {
      assert.ok(session, 'no session recorded');
      const id = encodeURIComponent(session.id);
      let all = '';
      for (const p of [`/api/v1/sessions/${id}`, `/api/v1/sessions/${id}/events`, `/api/v1/sessions/${id}/replay`, '/api/v1/actions', '/api/v1/views', '/api/v1/resources', '/api/v1/errors']) {
        const res = await apiGet(srv, p);
        assert.equal(res.status, 200, `GET ${p}: ${res.text.slice(0, 300)}`);
        assert.deepEqual(findNeedles(res.text, never), [], `GET ${p} serves masked strings`);
        all += res.text;
      }
      // The search saw the data: what this level keeps is there.
      assert.deepEqual(kept.filter((k) => !findNeedles(all, [k]).length), [], 'kept strings missing from the API');
      // The error's order number stayed, its card number and email went.
      const errors = (await apiGet(srv, `/api/v1/sessions/${id}/events?type=error`)).json;
      const msg = JSON.stringify(errors);
      assert.match(msg, /\[redacted:card\]/, `error message not redacted by the server: ${msg.slice(0, 400)}`);
      assert.match(msg, /\[redacted:email\]/);
    });

    it('the data directory holds none of the masked strings', () => {
      assert.ok(session, 'no session recorded');
      const r = scanDataDir(srv.dataDir, [...never, ...kept]);
      const leaks = r.hits.filter((h) => never.includes(h.needle));
      assert.deepEqual(leaks, [], `found in ${srv.dataDir}`);
      assert.ok(r.streams > 0, 'the scan opened no compressed stream');
      const seen = new Set(r.hits.map((h) => h.needle));
      // Typed values only reach the store through replay segments: proof the scan read them.
      assert.deepEqual(allowedFields.map((f) => typed[f]).filter((k) => !seen.has(k)), [], 'allowed values not found in the data directory');
    });

    it('the player shows masks of the right size where they were', { timeout: 60000 }, async () => {
      assert.ok(session, 'no session recorded');
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      try {
        const t = Math.max(0, v.quietAt - session.start);
        await page.goto(`${srv.url}/replay/${session.id}?t=${t}`);
        const seen = await waitForReplay(page, `(doc) => { const s = (${readReplay})(doc); return s.intro !== null && s.values['c-allow-input'] === ${JSON.stringify(typed['c-allow-input'])} ? s : null; }`, null, { timeout: 20000 });

        // Text: masked as '*' per character where masked, as written where allowed.
        assert.equal(seen.oMask, mask('Masked text Puffin 2290'));
        assert.equal(seen.cMask, mask('Class masked Narwhal 3356'));
        assert.equal(seen.sMask, mask('Selector masked Ferret 5058'));
        assert.equal(seen.oAllowInMask, 'Allowed inside mask Lemur 6620');
        const intro = 'Signed in as Quokka Lindqvist, member since 2019.';
        assert.equal(seen.intro, level === 'mask' ? mask(intro) : intro);

        // Hidden elements: an empty box of the size they had.
        for (const [k, name] of [['oHidden', 'data-reprise-privacy=hidden'], ['cHidden', 'class reprise-hidden'], ['sHidden', 'hidden selector']]) {
          const b = seen[k];
          assert.ok(b, `${name}: no placeholder in the replay`);
          assert.equal(b.children, 0, `${name}: placeholder has children`);
          assert.equal(b.text, '', `${name}: placeholder has text`);
          assert.deepEqual({ w: b.w, h: b.h }, v.sizes[k], `${name}: placeholder size`);
        }
        assert.deepEqual(findNeedles(seen.text, [...hiddenEverywhere, ...maskedEverywhere]), []);

        // Inputs.
        for (const f of alwaysMaskedFields) assert.notEqual(seen.values[f], typed[f], `${f} shown`);
        for (const f of alwaysMaskedFields) assert.doesNotMatch(seen.values[f] ?? '', /[A-Za-z0-9]/, `${f} not masked: ${seen.values[f]}`);
        for (const f of allowedFields) assert.equal(seen.values[f], typed[f], `${f} (allowed) not shown`);
        for (const f of defaultFields) {
          if (level === 'allow') assert.equal(seen.values[f], typed[f], `${f} not shown under allow`);
          else assert.equal(seen.values[f], mask(typed[f]), `${f} not masked (same length) under ${level}`);
        }
        assert.equal(seen.checkbox, level === 'allow', 'checkbox state');
        assert.equal(seen.radio, level === 'allow', 'radio state');
        if (level === 'allow') assert.equal(seen.select, 'PT', 'select value under allow');
        else assert.notEqual(seen.select, 'PT', 'select value shown');

        // Attributes and the image under mask.
        if (level === 'mask') {
          assert.ok(seen.avatar, 'no avatar placeholder');
          assert.equal(seen.avatar.src, null, 'masked image still has its src');
          assert.notEqual(seen.avatar.alt, 'Portrait of Quokka Lindqvist');
          assert.deepEqual({ w: seen.avatar.w, h: seen.avatar.h }, v.sizes.avatar, 'image placeholder size');
          assert.equal(seen.placeholder, mask('Placeholder Tapir 1187'));
        } else {
          assert.equal(seen.placeholder, 'Placeholder Tapir 1187');
          assert.match(seen.avatar?.src ?? '', /avatar\.svg/);
        }
        // The recorded link keeps its route, not its token.
        assert.match(seen.linkHref ?? '', /\/privacy\/next\?token=REDACTED&page=2$/);
        assert.doesNotMatch(seen.linkHref, /LinkTok3141/);

        // The picture for docs/privacy.md: the replayed page, without the player around it.
        // Refreshed only on request (REPRISE_UPDATE_DOC_IMAGES=1), so a test run leaves the
        // checkout as it found it.
        const frame = await page.waitForSelector('.replayer-wrapper iframe, #replayer iframe');
        const shotDir = process.env.REPRISE_UPDATE_DOC_IMAGES ? join(repoRoot, 'docs', 'img') : 'test-results';
        await mkdir(shotDir, { recursive: true });
        await frame.screenshot({ path: join(shotDir, `privacy-${level}.png`) });
      } catch (err) {
        await mkdir('test-results', { recursive: true });
        await page.screenshot({ path: `test-results/privacy-levels-${level}.png` }).catch(() => {});
        throw err;
      } finally {
        await page.close();
      }
    });

    it('an erasure request removes the session and its replay bytes', async () => {
      assert.ok(session, 'no session recorded');
      const id = encodeURIComponent(session.id);
      const res = await fetch(`${srv.url}/api/v1/sessions/${id}`, {
        method: 'DELETE',
        headers: srv.apiToken ? { Authorization: `Bearer ${srv.apiToken}` } : {},
      });
      assert.equal(res.status, 200, await res.text());
      for (const p of [`/api/v1/sessions/${id}`]) {
        assert.equal((await apiGet(srv, p)).status, 404, `GET ${p} after DELETE`);
      }
      const events = await apiGet(srv, `/api/v1/sessions/${id}/events`);
      assert.deepEqual(findNeedles(events.text, kept), [], 'events still served after DELETE');
      // Typed values lived only in replay segments; the session's blob file is gone with them.
      const r = scanDataDir(srv.dataDir, allowedFields.map((f) => typed[f]));
      assert.deepEqual(r.hits.filter((h) => h.file.startsWith('segments')), [], 'replay bytes left after DELETE');
    });
  });
}
