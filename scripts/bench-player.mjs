// Player benchmark (run by `make bench` through scripts/bench.mjs, never by tests): a
// synthetic two-hour session (a full snapshot every 5 minutes, steady mutations, input,
// idle stretches of 3 and 10 minutes) is posted to a real `reprise serve`; then, in
// Chromium, Reprise's player and the baseline (rrweb's Replayer handed the whole session at
// once, the way a naive player does it) are each measured: time to the first rendered frame
// after opening the page, seek-to-rendered-frame at 10 points (p50/p95) and the JS heap
// after those seeks. Prints a table with ratios; the last line is the figures as JSON.
//
//   node scripts/bench-player.mjs [--runs 3]
// Build first: make build (the player bundle and bin/reprise).
import * as esbuild from 'esbuild';
import { repoRoot } from '../e2e/lib/server.mjs';
import { startPlayerServer } from '../e2e/lib/player-page.mjs';
import { launch } from '../e2e/lib/browser.mjs';
import { createDocument, cutSegments, postRum, postSegment, rumEvent, EventType, Source } from '../e2e/lib/fixtures.mjs';

const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1]) || 3;
const targets = { firstFrameMs: 500, seekP95Ms: 250, heapMB: 25 };
const min = 60_000;

// ------------------------------------------------------------------ the session
function longSession(start) {
  const id = `bench-player-${start}`;
  let n = 0;
  const nextId = () => ++n;
  const records = [];
  const views = [];
  const idle = [
    [20 * min, 23 * min],
    [60 * min, 70 * min],
  ];
  const isIdle = (t) => idle.some(([a, b]) => t >= a && t < b);
  let doc;
  const rows = 120;
  for (let t = 0; t < 120 * min; t += 250) {
    if (t % (5 * min) === 0) {
      // A new page every 20 minutes, the SDK's periodic full snapshot every 5.
      const page = Math.floor(t / (20 * min));
      if (t % (20 * min) === 0) views.push({ id: `${id}-v${page}`, url: `https://app.test/page/${page}`, from: t });
      const body = [
        ['h1', { id: 'title' }, `Page ${page}`],
        ['p', { id: 'tick' }, `tick ${t / 1000}`],
        ['table', {}, ['tbody', {}, ...Array.from({ length: rows }, (_, r) => ['tr', { id: `r${r}`, class: 'row' }, ['td', { id: `c${r}` }, `cell ${r} @${t}`], ['td', {}, `${(r * 7919) % 1000}`], ['td', {}, 'lorem ipsum dolor sit amet']])]],
      ];
      doc = createDocument(nextId, { title: `Page ${page}`, css: 'td{padding:2px 6px}.row.hot{background:#fee}', body });
      records.push({ type: EventType.Meta, data: { href: views.at(-1).url, width: 1280, height: 800 }, timestamp: start + t });
      records.push({ type: EventType.FullSnapshot, data: { node: doc.node, initialOffset: { top: 0, left: 0 } }, timestamp: start + t });
    }
    const ts = start + t + 1;
    records.push({ type: EventType.IncrementalSnapshot, data: { source: Source.Mutation, texts: [{ id: doc.ids[`c${(t / 250) % rows}#text`], value: `cell @${t}` }], attributes: [], removes: [], adds: [] }, timestamp: ts });
    if (t % 1000 === 0) {
      records.push({ type: EventType.IncrementalSnapshot, data: { source: Source.Mutation, texts: [{ id: doc.ids['tick#text'], value: `tick ${t / 1000}` }], attributes: [{ id: doc.ids[`r${(t / 1000) % rows}`], attributes: { class: t % 2000 ? 'row hot' : 'row' } }], removes: [], adds: [] }, timestamp: ts + 1 });
    }
    if (!isIdle(t) && t % 500 === 0) {
      records.push({ type: EventType.IncrementalSnapshot, data: { source: Source.MouseMove, positions: Array.from({ length: 5 }, (_, k) => ({ x: 100 + ((t / 10 + k * 13) % 900), y: 100 + ((t / 25 + k * 7) % 600), id: doc.ids.title, timeOffset: -400 + k * 100 })) }, timestamp: ts + 2 });
    }
  }
  const rum = views.map((v) => rumEvent(id, v, start + v.from, 'view', { view: { id: v.id, url: v.url }, usr: { id: 'bench' } }));
  for (let t = 30_000; t < 120 * min; t += 20_000) {
    if (isIdle(t)) continue;
    const v = views[Math.floor(t / (20 * min))];
    rum.push(rumEvent(id, v, start + t, 'action', { action: { id: `${id}-a${t}`, type: 'click', target: { name: `Row ${t % rows}` } } }));
  }
  const viewOf = (ts) => views[Math.floor((ts - start) / (20 * min))].id;
  return { id, start, end: start + 120 * min, records, rum, segments: cutSegments(records, { viewOf, segmentMs: 10_000 }) };
}

async function post(srv, s) {
  await postRum(srv, s.rum);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < s.segments.length) await postSegment(srv, s.id, s.segments[next++]);
    }),
  );
}

// ------------------------------------------------------------------ the baseline page
// rrweb's Replayer with every event of the session, fetched in one request.
const baselineJS = (
  await esbuild.build({
    stdin: {
      contents: `
        import { Replayer } from 'rrweb';
        const bench = (window.bench = { firstFrameAt: 0 });
        (async () => {
          const id = new URLSearchParams(location.search).get('session');
          const { events } = await (await fetch('/api/v1/sessions/' + encodeURIComponent(id) + '/replay')).json();
          const r = new Replayer(events, { root: document.getElementById('root'), showWarning: false, mouseTail: false });
          r.on('resize', () => requestAnimationFrame(() => { bench.firstFrameAt = bench.firstFrameAt || performance.now(); }));
          r.pause(0);
          bench.seek = (offset) => new Promise((res) => { r.pause(offset); requestAnimationFrame(() => res()); });
          bench.ready = true;
        })();`,
      resolveDir: repoRoot,
    },
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    target: ['es2019'],
    logLevel: 'warning',
  })
).outputFiles[0].text;

// ------------------------------------------------------------------ measuring
const pct = (xs, p) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
};
const median = (xs) => pct(xs, 0.5);

async function heapMB(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize / 1024 / 1024;
}

// Ten seek targets spread over the two hours (fixed, so every run and both players see the same).
const seekPoints = [7, 19, 33, 46, 58, 64, 77, 88, 101, 114].map((m) => m * min + 17_000);

async function measureReprise(b, srv, s) {
  const page = await b.newPage();
  await page.goto(`${srv.url}/replay/${s.id}`);
  await page.waitForFunction(() => window.reprisePlayer && window.reprisePlayer.firstFrameAt() > 0, null, { timeout: 60000 });
  const firstFrameMs = await page.evaluate(() => window.reprisePlayer.firstFrameAt());
  await page.evaluate(() => window.reprisePlayer.controller.pause());
  const seeks = [];
  for (const t of seekPoints) {
    seeks.push(await page.evaluate(async (t) => {
      const t0 = performance.now();
      await window.reprisePlayer.seek(t);
      return performance.now() - t0;
    }, t));
  }
  const shownTick = await page.frameLocator('.replayer-wrapper iframe').first().locator('#tick').innerText();
  const heap = await heapMB(page);
  await page.close();
  return { firstFrameMs, seeks, heap, check: shownTick };
}

async function measureBaseline(b, srv, s) {
  const page = await b.newPage();
  await page.route(`${srv.url}/bench/baseline*`, (route) => {
    const js = new URL(route.request().url()).pathname.endsWith('.js');
    route.fulfill(js ? { contentType: 'text/javascript', body: baselineJS } : { contentType: 'text/html', body: '<!doctype html><div id="root"></div><script src="/bench/baseline.js"></script>' });
  });
  await page.goto(`${srv.url}/bench/baseline.html?session=${encodeURIComponent(s.id)}`);
  await page.waitForFunction(() => window.bench && window.bench.firstFrameAt > 0, null, { timeout: 120000 });
  const firstFrameMs = await page.evaluate(() => window.bench.firstFrameAt);
  const seeks = [];
  for (const t of seekPoints) {
    seeks.push(await page.evaluate(async (t) => {
      const t0 = performance.now();
      await window.bench.seek(t);
      return performance.now() - t0;
    }, t));
  }
  const heap = await heapMB(page);
  await page.close();
  return { firstFrameMs, seeks, heap };
}

// ------------------------------------------------------------------ main
const srv = await startPlayerServer();
const b = await launch();
try {
  const s = longSession(Date.now() - 6 * 3600_000);
  const rawBytes = s.segments.reduce((a, g) => a + JSON.stringify(g.records).length, 0);
  const t0 = Date.now();
  await post(srv, s);
  process.stderr.write(`bench-player: posted ${s.records.length} records in ${s.segments.length} segments (${(rawBytes / 1e6).toFixed(1)} MB raw) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

  const ours = [];
  const base = [];
  for (let i = 0; i < runs; i++) {
    ours.push(await measureReprise(b, srv, s));
    base.push(await measureBaseline(b, srv, s));
  }
  const summarize = (rs) => {
    const seeks = rs.flatMap((r) => r.seeks);
    return { firstFrameMs: median(rs.map((r) => r.firstFrameMs)), seekP50Ms: pct(seeks, 0.5), seekP95Ms: pct(seeks, 0.95), heapMB: median(rs.map((r) => r.heap)) };
  };
  const R = summarize(ours);
  const B = summarize(base);
  const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const rows = [
    ['first rendered frame after opening (ms)', R.firstFrameMs, B.firstFrameMs, `< ${targets.firstFrameMs}`, R.firstFrameMs < targets.firstFrameMs],
    ['seek to rendered frame, p50 (ms)', R.seekP50Ms, B.seekP50Ms, 'report', null],
    ['seek to rendered frame, p95 (ms)', R.seekP95Ms, B.seekP95Ms, `< ${targets.seekP95Ms}`, R.seekP95Ms < targets.seekP95Ms],
    ['JS heap after the seeks (MB)', R.heapMB, B.heapMB, `< ${targets.heapMB}`, R.heapMB < targets.heapMB],
  ];
  const lines = [
    `Player: synthetic 2-hour session, ${s.records.length} records in ${s.segments.length} segments (${(rawBytes / 1e6).toFixed(1)} MB of JSON), full snapshot every 5 min, idle 3 and 10 min; ${runs} runs, 10 seeks each, median of runs.`,
    '',
    '| figure | Reprise player | rrweb Replayer, whole session | ratio | target | |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(([name, r, bv, target, ok]) => `| ${name} | ${f(r)} | ${f(bv)} | ${(r / bv).toFixed(2)}× | ${target} | ${ok === null ? '–' : ok ? 'met' : '**missed**'} |`),
    '',
    `Last frame shown by Reprise after the seeks: "${ours.at(-1).check}" (want "tick ${seekPoints.at(-1) / 1000 - 1}" or "tick ${seekPoints.at(-1) / 1000}").`,
  ];
  console.log(lines.join('\n'));
  console.log(JSON.stringify({ session: { records: s.records.length, segments: s.segments.length, rawBytes }, reprise: R, baseline: B, targets, runs: { reprise: ours, baseline: base } }));
} finally {
  await b.close();
  await srv.stop();
}
