// Shared pieces of the benchmarks: Chromium launched as DESIGN.md §7 says, the page server
// for the SDK-overhead bench (heavy page, SDK bundles, a counting proxy to `reprise serve`),
// the scripted user (real input through CDP), and `reprise serve` started with its pid known
// (the ingest bench reads the server's CPU and memory from /proc/PID).
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const benchDir = join(repoRoot, 'e2e', 'bench');
export { binary as reproBin } from '../lib/server.mjs';

/**
 * launchChromium opens Debian's Chromium (the e2e tests' path and flags) with a fresh
 * user-data-dir, removed on close: one persistent context, so every page shares it.
 */
export async function launchChromium() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'reprise-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

const types = { '.js': 'text/javascript', '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.map': 'application/json' };

/**
 * startPageServer serves the bench page on 127.0.0.1. `snippets[variant]` is the HTML put in
 * the page's <head> for ?variant=NAME; `files` maps URL prefixes to directories. Requests to
 * /v1/ are forwarded to `upstream` (a running reprise serve) and their body bytes counted in
 * `sent` (reset it between runs), so every SDK is measured by the same meter.
 */
export async function startPageServer({ snippets, files, upstream, onBody }) {
  const html = readFileSync(join(benchDir, 'heavy.html'), 'utf8');
  const sent = { bytes: 0, requests: 0, statuses: {}, byPath: {}, errors: [] };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/v1/')) return forward(req, res);
    if (url.pathname === '/bench/heavy.js') return sendFile(res, join(benchDir, 'heavy.js'));
    if (url.pathname === '/bench/data') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ route: url.searchParams.get('route'), items: Array.from({ length: 50 }, (_, i) => i) }));
    }
    if (url.pathname.startsWith('/bench/heavy')) {
      const variant = url.searchParams.get('variant') || 'none';
      if (!(variant in snippets)) {
        res.writeHead(404);
        return res.end('unknown variant');
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(html.replace('<!--SDK-->', snippets[variant]));
    }
    for (const [prefix, dir] of Object.entries(files)) {
      if (url.pathname.startsWith(prefix)) {
        const file = resolve(dir, '.' + url.pathname.slice(prefix.length - 1));
        if (file.startsWith(resolve(dir)) && existsSync(file) && statSync(file).isFile()) return sendFile(res, file);
      }
    }
    res.writeHead(404);
    res.end('not found');
  });

  function sendFile(res, file) {
    res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  }

  // Each reset() starts a generation: uploads still in flight from the previous run (a
  // browser closed mid-upload) must not count, nor their refusals, toward the next one.
  let generation = 0;
  function forward(req, res) {
    const gen = generation;
    const current = () => gen === generation;
    // Count per intake path (RUM, replay, Datadog's proxy) as well as in total.
    const path = new URL(req.url, 'http://x').pathname;
    const per = (sent.byPath[path] ||= { bytes: 0, requests: 0 });
    const chunks = onBody ? [] : null;
    req.on('data', (c) => { if (current()) per.bytes += c.length; chunks?.push(c); });
    req.on('end', () => { if (current()) per.requests++; onBody?.(path, req.headers, Buffer.concat(chunks)); });
    if (!upstream) {
      // No server (corpus capture): accept and count, like an intake that drops everything.
      req.on('data', (c) => { if (current()) sent.bytes += c.length; });
      req.on('end', () => { if (current()) sent.requests++; res.writeHead(202); res.end(); });
      return;
    }
    const up = new URL(upstream);
    const preq = httpRequest(
      { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: { ...req.headers, host: up.host } },
      (pres) => {
        if (current()) sent.statuses[pres.statusCode] = (sent.statuses[pres.statusCode] || 0) + 1;
        if (current() && pres.statusCode >= 400 && sent.errors.length < 5) {
          // Keep the first refusals' messages: the report says why the server said no.
          let msg = '';
          pres.on('data', (c) => { if (msg.length < 300) msg += c; });
          pres.on('end', () => sent.errors.push(`${pres.statusCode} ${path}: ${msg.slice(0, 300)}`));
        }
        res.writeHead(pres.statusCode, pres.headers);
        pres.pipe(res);
      },
    );
    preq.on('error', (err) => {
      if (current()) sent.statuses.error = (sent.statuses.error || 0) + 1;
      res.writeHead(502);
      res.end(String(err));
    });
    req.on('data', (c) => { if (current()) sent.bytes += c.length; });
    req.on('end', () => { if (current()) sent.requests++; });
    req.pipe(preq);
  }

  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    reset() { generation++; sent.bytes = 0; sent.requests = 0; sent.statuses = {}; sent.byPath = {}; sent.errors = []; },
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

/**
 * drive plays a user on the heavy page for `ms`: mouse moves, clicks, typing, a select, a
 * checkbox, form submits and menu navigation, in a fixed order so every variant gets the same.
 * It stops at the deadline even when the page is too busy to finish an action (an SDK that
 * blocks the main thread must not stretch its own measurement window); the unfinished action
 * is left to fail on its own.
 */
export async function drive(page, ms) {
  const deadline = Date.now() + ms;
  let step = 0;
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
  let timer;
  const timeUp = new Promise((r) => { timer = setTimeout(r, ms); });
  const actions = [
    (o) => page.click('#add', o),
    async (o) => { await page.fill('#name', '', o); await page.type('#name', `${words[step % 8]} ${step}`, { delay: 40, ...o }); },
    (o) => page.type('#email', `u${step}@example.test`, { delay: 40, ...o }),
    (o) => page.selectOption('#plan', ['free', 'team', 'enterprise'][step % 3], o),
    (o) => page.click('#terms', o),
    (o) => page.type('#notes', `${words.slice(0, 3).join(' ')}. `, { delay: 30, ...o }),
    (o) => page.click('#submit', o),
    (o) => page.click(`#nav a:nth-child(${1 + (step % 3)})`, o),
  ];
  try {
    while (Date.now() < deadline) {
      const o = { timeout: Math.max(1, deadline - Date.now()) };
      const act = (async () => {
        await page.mouse.move(50 + rand() * 1100, 80 + rand() * 650, { steps: 8 });
        await actions[step++ % actions.length](o);
        await page.waitForTimeout(150);
      })();
      act.catch(() => {}); // past the deadline its failure is expected
      const done = await Promise.race([act.then(() => 'done', (err) => err), timeUp.then(() => 'time')]);
      if (done === 'time') break;
      if (done instanceof Error && Date.now() < deadline) throw done;
    }
  } finally {
    clearTimeout(timer);
  }
}

// The query API and the profiler want a signed-in user or an API token: every server the
// benches start accepts this one (a fresh random token per bench process).
export const benchToken = `bench-${randomUUID()}`;
export const authHeaders = { Authorization: `Bearer ${benchToken}` };

/**
 * startReprise runs `bin/reprise serve` through the e2e helper (free 127.0.0.1 port, wait on
 * /healthz, killed with this process), with the bench's API token and without signing in.
 * Returns { url, port, pid, dataDir, output, stop }; the pid is for /proc.
 */
export function startReprise({ dataDir, args = [], env = {}, timeoutMs = 20000 } = {}) {
  return startServer({ dataDir, args, timeoutMs, login: false, keepDataDir: true, env: { REPRISE_API_TOKENS: benchToken, ...env } });
}

/** median of numbers (NaN for an empty list). */
export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * buildRrwebRecord bundles @rrweb/record alone (minified IIFE exposing window.rrwebRecord),
 * the "rrweb record alone" variant: what our SDK costs on top of the recorder it wraps.
 */
export async function buildRrwebRecord(outDir) {
  const esbuild = await import('esbuild');
  const outfile = join(outDir, 'rrweb-record.js');
  await esbuild.build({
    stdin: { contents: "import { record } from '@rrweb/record'; window.rrwebRecord = record;", resolveDir: repoRoot, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2019'],
    legalComments: 'none',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}
