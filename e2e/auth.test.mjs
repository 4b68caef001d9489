// Access control and replay isolation, in Chromium against the real server (issue 6):
// the login form, CSRF on state-changing requests, intake client tokens and allowed origins,
// public share links (create, view anonymously, revoke, expire), XSS payloads in recorded
// DOM and in names/URLs shown by explorers (inert), and no server-side fetch of recorded URLs.
//
// Run: make build && node --test e2e/auth.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { launch, replayEval, waitForReplay } from './lib/browser.mjs';
import { createDocument, cutSegments, EventType, rumEvent, segmentForm } from './lib/fixtures.mjs';
import { loginOverHttp, repoRoot, startServer } from './lib/server.mjs';
import { apiGet } from './lib/session.mjs';

const APP = 'auth-e2e';
const CLIENT_TOKEN = 'pub-auth-e2e';
const ORIGIN = 'https://shop.test';
const shots = join(repoRoot, 'test-results');

let srv;
let b;
let canary; // a local HTTP server that counts every request it gets
let canaryHits = [];
let session; // the XSS fixture session

/** xssSession: one page whose recorded DOM and RUM fields are full of script payloads. */
function xssSession(canaryUrl) {
  const id = `auth-${Math.random().toString(36).slice(2, 10)}`;
  const start = Date.now() - 3600_000;
  let n = 0;
  const nextId = () => ++n;
  const pwn = (how) => `window.top.__pwned = (window.top.__pwned || []).concat(${JSON.stringify(how)})`;
  const doc = createDocument(nextId, {
    title: 'XSS <b>shop</b>',
    body: [
      ['h1', { id: 'title' }, 'Recorded <img src=x onerror=alert(1)> heading'],
      ['script', {}, pwn('script')],
      ['img', { src: 'data:,', onerror: pwn('onerror') }],
      ['a', { id: 'jslink', href: `javascript:${pwn('href')}` }, 'javascript link'],
      ['svg', { onload: pwn('svg') }],
      ['meta', { 'http-equiv': 'refresh', content: `0;url=javascript:${pwn('meta')}` }],
      ['iframe', { srcdoc: `<script>${pwn('srcdoc')}</script>` }],
      ['form', { id: 'steal', action: `${canaryUrl}/form`, method: 'post' }, ['input', { name: 'x', value: 'y' }]],
      ['img', { id: 'internal', src: `${canaryUrl}/recorded-img` }],
      ['link', { rel: 'stylesheet', href: `${canaryUrl}/recorded.css` }],
    ],
  });
  const records = [
    { type: EventType.Meta, data: { href: `${ORIGIN}/xss`, width: 1024, height: 640 }, timestamp: start },
    { type: EventType.FullSnapshot, data: { node: doc.node, initialOffset: { top: 0, left: 0 } }, timestamp: start + 1 },
    // A mutation that adds another script and handler later in the replay.
    {
      type: EventType.IncrementalSnapshot,
      data: {
        source: 0, texts: [], attributes: [{ id: doc.ids.title, attributes: { onclick: pwn('mutation-attr') } }], removes: [],
        adds: [{ parentId: doc.ids.title, nextId: null, node: { type: 2, tagName: 'script', attributes: {}, childNodes: [], id: 9000 } }],
      },
      timestamp: start + 2000,
    },
  ];
  const view = { id: `${id}-v1`, url: `javascript:${pwn('view-url')}`, name: '<img src=x onerror=alert("view")>' };
  const rum = [
    rumEvent(id, view, start, 'view', { view: { id: view.id, url: view.url, name: view.name, time_spent: 5e9 }, usr: { id: 'u"><script>alert(1)</script>', name: '"><img src=x onerror=alert("user")>' } }),
    rumEvent(id, view, start + 500, 'action', { action: { id: `${id}-a1`, type: 'click', target: { name: '<script>alert("action")</script>' } } }),
    rumEvent(id, view, start + 800, 'error', { error: { id: `${id}-e1`, message: '<svg/onload=alert("error")>', source: 'source', type: '<b>Type</b>', stack: '<img src=x onerror=alert("stack")>' } }),
    rumEvent(id, view, start + 900, 'resource', { resource: { id: `${id}-r1`, url: `${canaryUrl}/resource?<script>`, type: 'fetch', method: 'GET', status_code: 200, duration: 1e6 } }),
  ].map((e) => ({ ...e, application: { id: APP } }));
  const segments = cutSegments(records, { viewOf: () => view.id });
  return { id, start, view, rum, segments };
}

async function postIntake(path, { body, headers = {}, token = CLIENT_TOKEN, origin = ORIGIN } = {}) {
  const q = token === null ? '' : `${path.includes('?') ? '&' : '?'}client_token=${encodeURIComponent(token)}`;
  const h = { ...headers };
  if (origin) h.Origin = origin;
  const res = await fetch(`${srv.url}${path}${q}`, { method: 'POST', headers: h, body });
  return { status: res.status, text: await res.text() };
}

const ndjson = (events) => events.map((e) => JSON.stringify(e)).join('\n');

async function postXssSession(s) {
  const rum = await postIntake('/v1/write/rum', { body: ndjson(s.rum), headers: { 'Content-Type': 'text/plain' } });
  assert.equal(rum.status, 202, rum.text);
  for (const seg of s.segments) {
    const { form } = segmentForm(s.id, seg, { appId: APP });
    const res = await postIntake('/v1/write/rum/replay', { body: form });
    assert.equal(res.status, 202, res.text);
  }
}

describe('access control and replay isolation', { timeout: 240000 }, () => {
  before(async () => {
    canary = createServer((req, res) => {
      canaryHits.push(`${req.method} ${req.url} ${req.headers['user-agent'] ?? ''}`);
      res.end('ok');
    });
    await new Promise((r) => canary.listen(0, '127.0.0.1', r));
    const canaryUrl = `http://127.0.0.1:${canary.address().port}`;
    mkdirSync(shots, { recursive: true });
    const cfgDir = join(repoRoot, 'test-results');
    const cfg = join(cfgDir, 'auth-e2e.toml');
    writeFileSync(cfg, `[[apps]]\nid = "${APP}"\nclient_token = "${CLIENT_TOKEN}"\nallowed_origins = ["${ORIGIN}", "https://*.shop.test"]\n`);
    srv = await startServer({ args: ['--config', cfg] });
    b = await launch();
    session = xssSession(canaryUrl);
    await postXssSession(session);
  });
  after(async () => {
    await b?.close();
    await srv?.stop();
    canary?.close();
  });

  it('intake: unknown application, missing token or wrong origin → 403; the right ones → 202', async () => {
    const ev = [rumEvent('intake-1', { id: 'v', url: `${ORIGIN}/` }, Date.now(), 'view', { view: { id: 'v' } })].map((e) => ({ ...e, application: { id: APP } }));
    const body = ndjson(ev);
    const headers = { 'Content-Type': 'text/plain' };
    assert.equal((await postIntake('/v1/write/rum', { body, headers })).status, 202);
    assert.equal((await postIntake('/v1/write/rum', { body, headers, origin: 'https://eu.shop.test' })).status, 202);
    assert.equal((await postIntake('/v1/write/rum', { body, headers, origin: null })).status, 202, 'a script without Origin, with the token');
    const cases = {
      'unknown token': { token: 'pub-nope' },
      'missing token': { token: null },
      'wrong origin': { origin: 'https://evil.test' },
      'look-alike origin': { origin: 'https://shop.test.evil.test' },
    };
    for (const [name, opts] of Object.entries(cases)) {
      const res = await postIntake('/v1/write/rum', { body, headers, ...opts });
      assert.equal(res.status, 403, `${name}: ${res.status} ${res.text}`);
      assert.match(JSON.parse(res.text).error, /client token|origin/);
    }
    // Replay intake and the Datadog proxy are checked the same way.
    const { form } = segmentForm('intake-1', session.segments[0], { appId: APP });
    assert.equal((await postIntake('/v1/write/rum/replay', { body: form, token: 'pub-nope' })).status, 403);
    const fwd = encodeURIComponent(`/api/v2/rum?ddsource=browser&dd-api-key=pub-nope&dd-evp-origin=browser`);
    assert.equal((await postIntake(`/v1/datadog?ddforward=${fwd}`, { body, headers, token: null })).status, 403);
    // A valid token does not let events claim another application.
    const other = ndjson(ev.map((e) => ({ ...e, application: { id: 'someone-else' } })));
    const res = await postIntake('/v1/write/rum', { body: other, headers });
    assert.equal(res.status, 400, res.text);
    assert.match(res.text, /does not match the client token/);
  });

  it('the UI and API need a login: the form signs in, wrong passwords are refused', async () => {
    const anon = await b.newPage({ loggedIn: false });
    try {
      const api = await fetch(`${srv.url}/api/v1/sessions`);
      assert.equal(api.status, 401);
      assert.equal((await apiGet(srv, '/api/v1/sessions')).status, 200, 'API token');
      await anon.goto(`${srv.url}/sessions/${session.id}`);
      assert.match(new URL(anon.url()).pathname, /^\/login$/);
      await anon.screenshot({ path: join(shots, 'login.png') });
      await anon.fill('#password', 'not the password');
      await anon.click('button[type=submit]');
      assert.match(await anon.locator('.login-error').innerText(), /Wrong password/);
      await anon.fill('#password', srv.password);
      await Promise.all([anon.waitForURL(`${srv.url}/sessions/${session.id}`), anon.click('button[type=submit]')]);
      // Signed out through the nav's form, the session cookie no longer works.
      await Promise.all([anon.waitForURL(/\/login$/), anon.click('.nav-signout button')]);
      const res = await anon.goto(`${srv.url}/explorer/sessions`);
      assert.match(new URL(res.url()).pathname, /^\/login$/);
    } finally {
      await anon.close();
    }
  });

  it("a team member's Sharing link leads through the login to the same moment", async () => {
    const anon = await b.newPage({ loggedIn: false });
    try {
      const link = `${srv.url}/replay/${session.id}?t=3000`;
      await anon.goto(link);
      assert.match(anon.url(), /\/login\?next=/);
      await anon.fill('#password', srv.password);
      await Promise.all([anon.waitForURL(link), anon.click('button[type=submit]')]);
      await anon.waitForFunction(() => document.getElementById('player')?.dataset.ready === 'true', null, { timeout: 10000 });
    } finally {
      await anon.close();
    }
  });

  it('state-changing requests need the CSRF token', async () => {
    const page = await b.newPage();
    try {
      await page.goto(`${srv.url}/sessions/${session.id}`);
      const results = await page.evaluate(async (id) => {
        const token = document.querySelector('meta[name="csrf-token"]').content;
        const post = (headers) => fetch(`/api/v1/sessions/${id}/share`, { method: 'POST', headers, body: '{"expires_in":"1h"}' }).then((r) => r.status);
        return { missing: await post({}), wrong: await post({ 'X-CSRF-Token': 'x' + token }), right: await post({ 'X-CSRF-Token': token }) };
      }, session.id);
      assert.deepEqual(results, { missing: 403, wrong: 403, right: 201 });
      const logout = await page.evaluate(() => fetch('/logout', { method: 'POST' }).then((r) => r.status));
      assert.equal(logout, 403, 'logout without the token');
    } finally {
      await page.close();
    }
  });

  it('public share link: created in the player, watched without login, only that session, revoked', async () => {
    const team = await b.newPage();
    const anon = await b.newPage({ loggedIn: false });
    try {
      await team.goto(`${srv.url}/replay/${session.id}`);
      await team.click('#rp-public');
      await team.click('#rp-public-create');
      await team.waitForFunction(() => document.getElementById('rp-public-panel').dataset.url);
      const url = await team.evaluate(() => document.getElementById('rp-public-panel').dataset.url);
      assert.match(url, new RegExp(`^${srv.url}/share/`));

      const res = await anon.goto(url);
      assert.equal(res.status(), 200);
      assert.equal(res.headers()['referrer-policy'], 'no-referrer');
      await anon.waitForFunction(() => document.getElementById('player')?.dataset.ready === 'true', null, { timeout: 10000 });
      await waitForReplay(anon, (doc) => doc.getElementById('title') !== null);
      assert.equal(await anon.locator('.sidebar').count(), 0, 'no navigation for a share viewer');
      const reach = await anon.evaluate(async (id) => {
        const st = (p) => fetch(p).then((r) => r.status);
        return { own: await st(`/api/v1/sessions/${id}/events`), list: await st('/api/v1/sessions'), other: await st('/api/v1/sessions/other/replay') };
      }, session.id);
      assert.deepEqual(reach, { own: 200, list: 401, other: 401 });
      const page = await anon.goto(`${srv.url}/explorer/sessions`);
      assert.match(new URL(page.url()).pathname, /^\/login$/);

      await team.click('#rp-public-list li.is-active [data-action=revoke]');
      await team.waitForSelector('#rp-public-list li.is-revoked');
      const revoked = await anon.goto(url);
      assert.equal(revoked.status(), 403);
      assert.match(await anon.locator('.problem').innerText(), /revoked/);
    } finally {
      await team.close();
      await anon.close();
    }
  });

  it('an expired share link answers a 403 page', async () => {
    const res = await fetch(`${srv.url}/api/v1/sessions/${session.id}/share`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${srv.apiToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ expires_in: '1s' }),
    });
    assert.equal(res.status, 201);
    const { url } = await res.json();
    await new Promise((r) => setTimeout(r, 1500));
    const page = await b.newPage({ loggedIn: false });
    try {
      const r = await page.goto(url);
      assert.equal(r.status(), 403);
      assert.match(await page.locator('.problem').innerText(), /expired/);
      const api = await page.evaluate((id) => fetch(`/api/v1/sessions/${id}/replay`).then((x) => x.status), session.id);
      assert.equal(api, 401);
    } finally {
      await page.close();
    }
  });

  it('the server never fetches recorded URLs: pages and API read them, the canary sees nothing', async () => {
    canaryHits = [];
    for (const p of [
      '/explorer/sessions', '/explorer/resources', '/explorer/views', `/sessions/${session.id}`, `/resources/${session.id}-r1`,
      `/replay/${session.id}`, `/api/v1/sessions/${session.id}/replay`, `/api/v1/sessions/${session.id}/events`, '/api/v1/resources',
    ]) {
      const res = await fetch(srv.url + p, { headers: { Authorization: `Bearer ${srv.apiToken}` } });
      assert.equal(res.status, 200, p);
      await res.arrayBuffer();
    }
    assert.deepEqual(canaryHits, []);
  });

  it('XSS payloads render inert: explorers, detail pages and the player', async () => {
    const page = await b.newPage();
    const dialogs = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
    try {
      const pages = ['/explorer/sessions', '/explorer/views', '/explorer/errors', '/explorer/actions', '/explorer/resources',
        `/sessions/${session.id}`, `/views/${session.view.id}`, `/errors/${session.id}-e1`, `/actions/${session.id}-a1`];
      const seen = [];
      for (const p of pages) {
        const res = await page.goto(srv.url + p);
        assert.equal(res.status(), 200, p);
        const h = res.headers();
        assert.match(h['content-security-policy'] ?? '', /script-src 'self'(;|$)/, `${p} CSP`);
        assert.match(h['content-security-policy'] ?? '', /frame-ancestors/, `${p} CSP`);
        assert.equal(h['x-content-type-options'], 'nosniff', p);
        assert.ok(h['referrer-policy'], p);
        const r = await page.evaluate(() => ({
          pwned: window.__pwned ?? window.top.__pwned ?? null,
          jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href'))).length,
          injected: document.querySelectorAll('main img[src="x"], main script, main svg[onload]').length,
          text: document.body.innerText,
        }));
        assert.equal(r.pwned, null, `${p}: ${r.pwned}`);
        assert.equal(r.jsLinks, 0, `${p}: javascript: link`);
        assert.equal(r.injected, 0, `${p}: payload became markup`);
        seen.push(r.text);
      }
      // The payloads are shown, as text: they were escaped, not dropped.
      const all = seen.join('\n');
      for (const want of ['<img src=x onerror=alert("view")>', '<script>alert("action")</script>', '<svg/onload=alert("error")>']) {
        assert.ok(all.includes(want), `payload not shown as text: ${want}`);
      }

      // The player: recorded scripts, handlers, javascript: URLs, meta refresh and srcdoc stay dead.
      await page.goto(`${srv.url}/replay/${session.id}?t=3000`);
      await page.waitForFunction(() => document.getElementById('player')?.dataset.ready === 'true', null, { timeout: 10000 });
      await waitForReplay(page, (doc) => doc.getElementById('title') !== null);
      const frame = await replayEval(page, (doc) => {
        const a = doc.getElementById('jslink');
        a?.click(); // a sandbox without allow-scripts refuses javascript: navigation
        return { title: doc.getElementById('title')?.textContent, href: doc.defaultView.location.href };
      });
      assert.match(frame.title, /Recorded <img src=x onerror=alert\(1\)> heading/);
      await page.waitForTimeout(1500); // let a meta refresh or late handler fire, if any could
      const state = await page.evaluate(() => ({ pwned: window.__pwned ?? null, title: document.title, url: location.pathname }));
      assert.deepEqual(state, { pwned: null, title: state.title, url: `/replay/${session.id}` });
      assert.doesNotMatch(state.title, /pwned/);
      const sandbox = await page.locator('.replayer-wrapper iframe').first().getAttribute('sandbox');
      assert.equal(sandbox, 'allow-same-origin');
      const listText = await page.locator('#rp-list').innerText();
      assert.ok(listText.includes('<script>alert("action")</script>') || listText.includes('<svg/onload=alert("error")>'), listText);
      assert.deepEqual(dialogs, []);
    } finally {
      await page.close();
    }
  });
});

describe('first start without a configured password', { timeout: 60000 }, () => {
  it('prints a generated password and a one-time login link once', async () => {
    const first = await startServer({ env: { REPRISE_ADMIN_PASSWORD: '' }, login: false, keepDataDir: true });
    const dataDir = first.dataDir;
    let b2;
    try {
      const out = first.output();
      const pw = /password=([A-Za-z0-9-]{23})/.exec(out)?.[1];
      const link = /url=(http:\/\/127\.0\.0\.1:\d+\/login\/once\/[A-Za-z0-9_-]+)/.exec(out)?.[1];
      assert.ok(pw, `no generated password in the log:\n${out}`);
      assert.ok(link, `no one-time login link in the log:\n${out}`);
      b2 = await launch();
      const page = await b2.newPage({ loggedIn: false });
      await page.goto(link);
      assert.match(new URL(page.url()).pathname, /^\/explorer\/sessions$/);
      const again = await page.context().newPage();
      const res = await again.goto(link);
      assert.equal(res.status(), 403, 'a one-time link works once');
      assert.ok(await loginOverHttp(first.url, pw), 'the printed password signs in');
      await first.stop();

      const second = await startServer({ env: { REPRISE_ADMIN_PASSWORD: '' }, login: false, dataDir });
      try {
        assert.doesNotMatch(second.output(), new RegExp(pw), 'the password is printed only at first start');
        assert.ok(await loginOverHttp(second.url, pw), 'the generated password survives a restart');
      } finally {
        await second.stop();
      }
    } finally {
      await b2?.close();
      await first.stop();
      const { rmSync } = await import('node:fs');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
