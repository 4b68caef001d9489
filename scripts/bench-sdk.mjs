// SDK-overhead bench: the heavy scripted page (e2e/bench/heavy.html: a 5,000-row table
// re-sorted every 15 s, a clock ticking every 100 ms, scrolling, single-page navigation, and
// a scripted user typing, clicking and moving the mouse through CDP) in Debian's Chromium,
// once without any SDK, with Reprise's SDK, with @rrweb/record alone and with Datadog's
// @datadog/browser-rum (replay on, proxy pointed at our server). Each variant runs `runs`
// times (interleaved, a fresh browser and user-data-dir each time); figures are medians.
// Alone: node scripts/bench-sdk.mjs [--seconds 60] [--runs 3]
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildRrwebRecord, drive, launchChromium, median, repoRoot, startPageServer, startReprise } from '../e2e/bench/lib.mjs';
import { dirBytes } from './bench-ingest.mjs';

const dist = join(repoRoot, 'internal', 'web', 'static', 'dist');
const ddBundle = join(repoRoot, 'node_modules', '@datadog', 'browser-rum', 'bundle');

export const variants = ['none', 'reprise', 'rrweb', 'datadog'];

// What each variant puts in the page's <head>. Each SDK runs with replay on at 100% and its
// default privacy (inputs masked); RUM and replay go to the page's origin, which forwards to
// `reprise serve` and counts the bytes.
const snippets = {
  none: '',
  reprise:
    '<script src="/assets/reprise/reprise.js"></script>' +
    "<script>REPRISE.init({ applicationId: 'bench', endpoint: location.origin, service: 'bench', env: 'bench', version: '1', sessionSampleRate: 100, sessionReplaySampleRate: 100 });</script>",
  // rrweb alone: the recorder with the options our SDK gives it (sdk/src/domain/replay/
  // recorder.ts), its records kept in memory and dropped every 5 s (what a transport would
  // take away): no serialization, no compression, no network. What remains is our SDK's own.
  rrweb:
    '<script src="/assets/rrweb/rrweb-record.js"></script>' +
    '<script>(function () { var buf = []; window.__rrwebCount = 0; rrwebRecord({ emit: function (e) { buf.push(e); window.__rrwebCount++; }, maskAllInputs: true,' +
    " checkoutEveryNms: 5 * 60 * 1000, recordAfter: 'DOMContentLoaded', inlineStylesheet: true, collectFonts: false, recordCanvas: false," +
    ' sampling: { mousemove: 50, scroll: 150, media: 800 }, slimDOMOptions: { script: true, comment: true, headFavicon: true, headMetaDescKeywords: true } });' +
    ' setInterval(function () { buf = []; }, 5000); })();</script>',
  datadog:
    '<script src="/assets/dd/datadog-rum.js"></script>' +
    "<script>DD_RUM.init({ applicationId: 'bench', clientToken: 'pub-bench', site: 'datadoghq.com', proxy: location.origin + '/v1/datadog', service: 'bench', env: 'bench', version: '1', sessionSampleRate: 100, sessionReplaySampleRate: 100, trackUserInteractions: true, trackResources: true, trackLongTasks: true, defaultPrivacyLevel: 'mask-user-input', telemetrySampleRate: 0 });</script>",
};

function gz(file) {
  return existsSync(file) ? gzipSync(readFileSync(file), { level: 9 }).length : NaN;
}

/** bundleSizes returns gzipped sizes of what each variant loads (bytes). */
export function bundleSizes(rrwebFile) {
  // Datadog's CDN bundle loads its recorder as a separate chunk once replay starts.
  const chunks = join(ddBundle, 'chunks');
  const chunk = existsSync(chunks) ? readdirSync(chunks).find((f) => f.startsWith('datadogRecorder') && f.endsWith('-datadog-rum.js')) : null;
  return {
    reprise: gz(join(dist, 'reprise.js')),
    rrweb: gz(rrwebFile),
    datadog: gz(join(ddBundle, 'datadog-rum.js')),
    datadogRecorderChunk: chunk ? gz(join(ddBundle, 'chunks', chunk)) : NaN,
  };
}

async function oneRun({ pages, srv, variant, seconds }) {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => { if (!/bench: save failed/.test(e.message)) errors.push(e.message); });
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    pages.reset();
    const before = dirBytes(srv.dataDir);
    const t0 = Date.now();
    await page.goto(`${pages.url}/bench/heavy/orders?variant=${variant}`, { timeout: 120000 });
    // Poll on a timer: requestAnimationFrame (the default) starves while a recorder keeps the
    // main thread busy.
    await page.waitForFunction(() => window.__bench && window.__bench.ready, null, { timeout: 120000, polling: 100 });
    const readyMs = Date.now() - t0;
    await drive(page, seconds * 1000);
    // CDP answers once the renderer's main thread is free: a busy page shows as a longer wall time.
    const { metrics } = await cdp.send('Performance.getMetrics');
    const wallMs = Date.now() - t0;
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    const bench = await page.evaluate(() => ({ tbt: window.__bench.tbt, longTasks: window.__bench.longTasks, sdk: !!(window.REPRISE || window.DD_RUM || window.rrwebRecord) }));
    // Leaving the page makes every SDK flush what it holds (pagehide / visibility hidden).
    await page.goto('about:blank');
    await new Promise((r) => setTimeout(r, 5000)); // exit uploads can be megabytes
    const after = dirBytes(srv.dataDir);
    return {
      readyMs,
      wallMs,
      scriptMs: m.ScriptDuration * 1000,
      taskMs: m.TaskDuration * 1000,
      heapMB: m.JSHeapUsedSize / 1048576,
      tbtMs: bench.tbt,
      longTasks: bench.longTasks,
      sdkLoaded: bench.sdk,
      bytesSent: pages.sent.bytes,
      requests: pages.sent.requests,
      statuses: { ...pages.sent.statuses },
      byPath: structuredClone(pages.sent.byPath),
      refusals: [...pages.sent.errors],
      dataDirGrowth: after - before,
      pageErrors: errors.slice(0, 3),
    };
  } finally {
    await browser.close();
  }
}

/** runSdk returns per-variant runs and medians, bundle sizes and data-dir bytes per minute. */
export async function runSdk({ seconds = 60, runs = 3 } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'reprise-bench-sdk-'));
  const rrwebFile = await buildRrwebRecord(work);
  const dataDir = mkdtempSync(join(work, 'data-'));
  const srv = await startReprise({ dataDir });
  const pages = await startPageServer({
    snippets,
    files: { '/assets/reprise/': dist, '/assets/rrweb/': work, '/assets/dd/': ddBundle },
    upstream: srv.url,
  });
  const result = { seconds, runs, variants: {}, bundles: bundleSizes(rrwebFile), errors: [] };
  try {
    for (let r = 0; r < runs; r++) {
      for (const variant of variants) {
        if (variant === 'reprise' && !existsSync(join(dist, 'reprise.js'))) {
          result.errors.push('reprise: internal/web/static/dist/reprise.js missing (run node scripts/build.mjs)');
          continue;
        }
        try {
          const run = await oneRun({ pages, srv, variant, seconds });
          (result.variants[variant] ||= { runs: [] }).runs.push(run);
          process.stderr.write(`sdk ${variant} run ${r + 1}: wall ${(run.wallMs / 1000).toFixed(1)} s, script ${run.scriptMs.toFixed(0)} ms, task ${run.taskMs.toFixed(0)} ms, TBT ${run.tbtMs.toFixed(0)} ms, heap ${run.heapMB.toFixed(1)} MB, sent ${(run.bytesSent / 1024).toFixed(0)} KB ${JSON.stringify(run.statuses)}\n`);
        } catch (err) {
          result.errors.push(`${variant} run ${r + 1}: ${err.message.split('\n')[0]}`);
        }
      }
    }
  } finally {
    await pages.close();
    await srv.stop();
  }
  for (const [name, v] of Object.entries(result.variants)) {
    const med = (k) => median(v.runs.map((x) => x[k]));
    v.median = {
      scriptMs: med('scriptMs'),
      taskMs: med('taskMs'),
      tbtMs: med('tbtMs'),
      heapMB: med('heapMB'),
      wallMs: med('wallMs'),
      readyMs: med('readyMs'),
      bytesPerMin: med('bytesSent') / (seconds / 60),
      dataDirBytesPerMin: med('dataDirGrowth') / (seconds / 60),
    };
    if (!v.runs.every((x) => x.sdkLoaded || name === 'none')) result.errors.push(`${name}: SDK global missing on the page in some run`);
  }
  const none = result.variants.none?.median;
  for (const v of Object.values(result.variants)) {
    if (!none) break;
    v.overhead = {
      scriptMs: v.median.scriptMs - none.scriptMs,
      taskMs: v.median.taskMs - none.taskMs,
      tbtMs: v.median.tbtMs - none.tbtMs,
      heapMB: v.median.heapMB - none.heapMB,
    };
  }
  rmSync(work, { recursive: true, force: true });
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : def;
  };
  const res = await runSdk({ seconds: Number(arg('seconds', 60)), runs: Number(arg('runs', 3)) });
  console.log(JSON.stringify(res, null, 2));
}
