// @vitest-environment node
// The SDK bundle in Debian's Chromium against a tiny collector in this process: real rrweb,
// real Worker + CompressionStream, real sendBeacon on navigation. Skipped where Chromium is
// not installed. (The full-stack tests with the Go server live in e2e/.)
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { inflateSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.REPRISE_CHROMIUM || '/usr/bin/chromium';

interface Segment {
  event: Record<string, any>;
  compressed: boolean;
  filename: string;
  records: Array<{ type: number; data?: any }>;
}

const PAGE = `<!doctype html><html><head><script src="/sdk/reprise.js"></script><script src="/init.js"></script></head>
<body><h1>Shop</h1><p class="reprise-mask">Secret paragraph</p><input id="name">
<input id="pw" type="password"><button id="buy">Buy now</button><a id="leave" href="/other">Leave</a>
<div data-reprise-privacy="hidden">Hidden block</div><div data-reprise-privacy="allow"><input id="free"></div></body></html>`;
const INIT = `REPRISE.init({applicationId:'chromium', service:'shop', redactQueryParams:['token']});
document.addEventListener('click', function (e) {
  if (e.target.id !== 'buy') return;
  history.pushState({}, '', '/cart');
  setTimeout(function () { throw new Error('kaboom'); }, 0);
  fetch('/api/broken', { method: 'POST' });
});`;

async function collector(bundle: Uint8Array, csp: boolean) {
  const rum: Array<Record<string, any>> = [];
  const compressedRum: string[] = [];
  const segments: Segment[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const path = new URL(req.url!, 'http://x').pathname;
      const js = { 'Content-Type': 'text/javascript' };
      if (path === '/sdk/reprise.js') return res.writeHead(200, js).end(bundle);
      if (path === '/init.js') return res.writeHead(200, js).end(INIT);
      if (path === '/v1/write/rum') {
        // Large batches come as zlib in a text/plain body (no preflight): inflate them as the
        // collector does, after its magic-byte sniff.
        const zlib = body[0] === 0x78;
        if (zlib) compressedRum.push(req.headers['content-type'] ?? '');
        rum.push(...(zlib ? inflateSync(body) : body).toString().split('\n').map((l) => JSON.parse(l)));
        return res.writeHead(202).end();
      }
      if (path === '/v1/write/rum/replay') {
        const form = await new Response(body, { headers: { 'content-type': req.headers['content-type']! } }).formData();
        const file = form.get('segment') as File;
        const seg = Buffer.from(await file.arrayBuffer());
        const compressed = seg[0] === 0x78;
        segments.push({
          event: JSON.parse(await (form.get('event') as Blob).text()),
          compressed,
          filename: file.name,
          records: JSON.parse((compressed ? inflateSync(seg) : seg).toString()).records,
        });
        return res.writeHead(202).end();
      }
      if (path === '/api/broken') return res.writeHead(500).end('{}');
      const headers: Record<string, string> = { 'Content-Type': 'text/html' };
      if (csp) headers['Content-Security-Policy'] = "script-src 'self'";
      res.writeHead(200, headers).end(path === '/other' ? '<p>bye</p>' : PAGE);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { base: `http://127.0.0.1:${port}`, rum, compressedRum, segments, close: () => server.close() };
}

describe.skipIf(!existsSync(CHROMIUM))('SDK in Chromium', () => {
  let browser: Browser;
  let bundle: Uint8Array;
  beforeAll(async () => {
    const out = await esbuild.build({
      entryPoints: ['sdk/src/global.ts'],
      bundle: true,
      minify: true,
      target: ['es2019'],
      format: 'iife',
      write: false,
    });
    bundle = out.outputFiles[0].contents;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function session(csp: boolean) {
    const c = await collector(bundle, csp);
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${c.base}/shop?token=abc&x=1`);
    await page.fill('#name', 'Alice Smith');
    await page.fill('#pw', 'hunter2');
    await page.fill('#free', 'visible words');
    await page.click('#buy');
    await page.waitForTimeout(5500); // one 5 s flush while the page lives
    await page.click('#leave'); // navigation: pagehide → beacons
    await page.waitForURL('**/other');
    await page.waitForTimeout(500);
    await page.close();
    c.close();
    return { ...c, pageErrors };
  }

  for (const csp of [false, true]) {
    it(`records a masked replay and RUM events${csp ? ' under a CSP that blocks blob: workers' : ''}`, async () => {
      const { rum, compressedRum, segments, pageErrors } = await session(csp);
      // The 5 s batch is large enough to be compressed, and stays text/plain (no preflight).
      expect(compressedRum.length).toBeGreaterThanOrEqual(1);
      for (const t of compressedRum) expect(t).toMatch(/^text\/plain/);
      // Only the page's own error reached the page: the SDK threw nothing.
      expect(pageErrors, pageErrors.join('; ')).toEqual(['kaboom']);

      // Replay: every view's first segment starts with Meta + FullSnapshot; compressed
      // in the worker, or on the page when CSP forbids the worker.
      const views = [...new Set(segments.map((s) => s.event.view.id))];
      expect(views).toHaveLength(2);
      for (const v of views) {
        const first = segments.find((s) => s.event.view.id === v && s.event.index_in_view === 0)!;
        expect(first.event.has_full_snapshot).toBe(true);
        expect(first.records.map((r) => r.type).filter((t) => t > 1).slice(0, 2)).toEqual([4, 2]);
      }
      expect(segments[0].compressed).toBe(true);
      expect(segments[0].filename).toBe(`${segments[0].event.session.id}-${segments[0].event.start}`);
      for (const s of segments) {
        expect(s.event).toMatchObject({ application: { id: 'chromium' }, source: 'browser', format: 'rrweb', privacy_level: 'mask-user-input' });
        expect(s.event.records_count).toBe(s.records.length);
      }
      const all = JSON.stringify(segments.map((s) => s.records));
      for (const secret of ['Alice', 'hunter2', 'Secret paragraph', 'Hidden block', 'token=abc']) expect(all).not.toContain(secret);
      expect(all).toContain('visible words'); // data-reprise-privacy="allow"
      expect(all).toContain('Buy now');

      // RUM: the same session and views as the replay; actions, errors, resources; vitals.
      const sessionId = segments[0].event.session.id;
      for (const e of rum) expect(e.session.id).toBe(sessionId);
      const rumViews = rum.filter((e) => e.type === 'view');
      expect(new Set(rumViews.map((e) => e.view.id))).toEqual(new Set(views));
      const shop = rumViews.filter((e) => e.view.name === '/shop').sort((a, b) => a._dd.document_version - b._dd.document_version).at(-1)!;
      expect(shop.view).toMatchObject({ loading_type: 'initial_load', is_active: false, action: { count: 1 } });
      expect(shop.view.url).toContain('token=REDACTED');
      for (const k of ['first_byte', 'first_contentful_paint', 'loading_time', 'time_spent']) expect(shop.view[k]).toBeGreaterThan(0);
      const cart = rumViews.filter((e) => e.view.name === '/cart').sort((a, b) => a._dd.document_version - b._dd.document_version).at(-1)!;
      expect(cart.view.error.count).toBeGreaterThanOrEqual(1);
      expect(rum.filter((e) => e.type === 'action').map((e) => e.action.target.name)).toEqual(['Buy now', 'Leave']);
      expect(rum.find((e) => e.type === 'error')!.error).toMatchObject({ message: 'kaboom', source: 'source', type: 'Error' });
      const resources = rum.filter((e) => e.type === 'resource').map((e) => e.resource);
      expect(resources.find((r) => r.url.endsWith('/api/broken'))).toMatchObject({ type: 'fetch', method: 'POST', status_code: 500 });
      expect(resources.find((r) => r.url.includes('/v1/write/'))).toBeUndefined();
    }, 30_000);
  }

  it('flushes at once when the tab is hidden, and sends nothing after stop()', async () => {
    const c = await collector(bundle, false);
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${c.base}/shop`);
    await page.fill('#name', 'x');
    await page.waitForTimeout(300);
    // Headless Chromium never hides a tab by itself: fake it as the browser would signal it.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForTimeout(1000); // well before the 5 s timers
    expect(c.rum.some((e) => e.type === 'view')).toBe(true);
    expect(c.segments.length).toBeGreaterThanOrEqual(1);
    expect(c.segments[0].event.has_full_snapshot).toBe(true);

    const nativePush = await page.evaluate(() => {
      (window as any).REPRISE.stop();
      document.body.insertAdjacentHTML('beforeend', '<p>after stop</p>');
      history.pushState({}, '', '/after-stop');
      return history.pushState.toString().includes('[native code]');
    });
    expect(nativePush).toBe(true);
    await page.waitForTimeout(500); // the last data that stop() sent is still on its way
    const counts = [c.rum.length, c.segments.length];
    await page.waitForTimeout(5500);
    expect([c.rum.length, c.segments.length]).toEqual(counts);
    expect(JSON.stringify(c.segments.map((s) => s.records))).not.toContain('after stop');
    expect(pageErrors).toEqual([]);
    await page.close();
    c.close();
  }, 30_000);
});
