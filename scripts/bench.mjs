// `make bench`: runs every benchmark part and writes BENCHMARKS.md — one table of figures,
// each beside the baseline measured in the same run, their ratio and the target — then the
// details of each part and the machine. Figures are ratios measured here, never timed tests.
//
//   node scripts/bench.mjs                      all parts (< 30 min on 2 cores)
//   node scripts/bench.mjs --only ingest,store  some parts; the others are taken from the
//                                               last run's results (dated) if there are any
//   options: --ingest-seconds 10 --levels 1,4,16,64 --sdk-seconds 40 --sdk-runs 3
//            --sessions 1000000 (or REPRISE_BENCH_SESSIONS, for `make bench`) --out BENCHMARKS.md
// Parts: ingest (scripts/bench-ingest.mjs), sdk (scripts/bench-sdk.mjs), player
// (scripts/bench-player.mjs, when present), store (cmd/reprise-seed, when present).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { authHeaders, median, repoRoot, startReprise } from '../e2e/bench/lib.mjs';
import { bestLevel, dirBytes, ingestTargets, runIngest } from './bench-ingest.mjs';
import { runSdk } from './bench-sdk.mjs';

const argv = process.argv.slice(2);
const arg = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const parts = arg('only', 'ingest,sdk,player,store').split(',');
const cacheDir = join(tmpdir(), 'reprise-bench');
mkdirSync(cacheDir, { recursive: true });

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

// ---------------------------------------------------------------- player
async function runPlayer() {
  const script = join(repoRoot, 'scripts', 'bench-player.mjs');
  if (!existsSync(script)) return { skipped: 'scripts/bench-player.mjs is not in the repository yet' };
  const out = await new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BENCH_JSON: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; process.stderr.write(c); });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  const res = { exitCode: out.code, output: out.stdout.trim().slice(-6000) };
  // The player bench may print a JSON object (whole stdout or its last line): keep it.
  for (const text of [out.stdout, out.stdout.trim().split('\n').pop()]) {
    try {
      res.json = JSON.parse(text);
      break;
    } catch {}
  }
  if (out.code !== 0) res.error = `exited ${out.code}: ${out.stderr.trim().split('\n').slice(-3).join(' / ')}`;
  return res;
}

// ---------------------------------------------------------------- store
// The seeded store is cached under /tmp and reused by every later run: generating 1 M
// sessions takes longer than the rest of `make bench` together, and a newer binary opens an
// older data directory (migrations run forward). Delete the directory to seed afresh.
async function timeQuery(url, n) {
  const ms = [];
  let body;
  for (let i = 0; i < n + 2; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers: authHeaders });
    body = await res.text();
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${body.slice(0, 200)}`);
    if (i >= 2) ms.push(performance.now() - t0); // two warm-up requests
  }
  const sorted = ms.sort((a, b) => a - b);
  const json = JSON.parse(body);
  return { p50: median(sorted), p95: sorted[Math.floor(0.95 * (sorted.length - 1))], rows: (json.sessions || []).length, nextCursor: json.next_cursor || '' };
}

async function runStore({ sessions }) {
  if (!existsSync(join(repoRoot, 'cmd', 'reprise-seed'))) return { skipped: 'cmd/reprise-seed is not in the repository yet' };
  const dir = join(tmpdir(), `reprise-bench-store-${sessions}`);
  const marker = join(dir, '.reprise-bench-seeded');
  const res = { sessions, dataDir: dir, queries: {} };
  if (!existsSync(marker)) {
    rmSync(dir, { recursive: true, force: true }); // a seed that did not finish
    process.stderr.write(`seeding ${sessions} sessions into ${dir} (once; later runs reuse it)\n`);
    const bin = join(cacheDir, 'reprise-seed');
    execFileSync('go', ['build', '-o', bin, './cmd/reprise-seed'], { cwd: repoRoot, stdio: 'inherit' });
    const t0 = Date.now();
    execFileSync(bin, ['-data', dir, '-sessions', String(sessions)], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    writeFileSync(marker, JSON.stringify({ seconds: (Date.now() - t0) / 1000, at: new Date().toISOString() }));
  }
  res.seed = JSON.parse(readFileSync(marker, 'utf8'));
  res.dataBytes = dirBytes(realpathSync(dir)); // the cache may be a link to a seed made elsewhere
  const srv = await startReprise({ dataDir: dir, timeoutMs: 120000 });
  try {
    const base = `${srv.url}/api/v1/sessions`;
    // Time ranges end at the newest session, not at the clock: a seed made days ago (or one
    // that spread fewer sessions than planned) still has data in "the last 24 h".
    const newest = await fetch(`${base}?limit=1`, { headers: authHeaders }).then((r) => r.json()).then((j) => j.sessions?.[0]?.start).catch(() => null);
    const now = (newest || Date.now()) + 1;
    res.rangeEnd = new Date(now).toISOString();
    const queries = {
      'no filter (newest 50)': '?limit=50',
      'last 24 h': `?from=${now - 86400000}&to=${now}&limit=50`,
      'has_error=true': '?has_error=true&limit=50',
      'has_replay=true': '?has_replay=true&limit=50',
      'app=shop': '?app=shop&limit=50',
      'q=checkout (free text)': '?q=checkout&limit=50',
      'app + has_error + 7 days': `?app=shop&has_error=true&from=${now - 7 * 86400000}&to=${now}&limit=50`,
    };
    for (const [name, q] of Object.entries(queries)) {
      try {
        res.queries[name] = await timeQuery(base + q, 20);
      } catch (err) {
        res.queries[name] = { error: err.message };
      }
    }
    const first = res.queries['no filter (newest 50)'];
    if (first?.nextCursor) {
      res.queries['second page (cursor)'] = await timeQuery(`${base}?limit=50&cursor=${encodeURIComponent(first.nextCursor)}`, 20).catch((err) => ({ error: err.message }));
    }
  } finally {
    await srv.stop();
  }
  return res;
}

// ---------------------------------------------------------------- machine
function machine() {
  const sh = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0];
    } catch {
      return 'n/a';
    }
  };
  return {
    date: new Date().toISOString(),
    commit: sh('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']),
    cpu: `${cpus()[0]?.model || 'unknown'} × ${cpus().length}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: sh('uname', ['-sr']),
    disk: sh('sh', ['-c', `df -hT ${tmpdir()} | tail -1 | awk '{print $2" "$1}'`]),
    go: sh('go', ['version']),
    node: process.version,
    chromium: sh('/usr/bin/chromium', ['--version']),
  };
}

// ---------------------------------------------------------------- report
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN);
const verdict = (ok) => (ok === null ? '–' : ok ? 'met' : '**missed**');

function report(all) {
  const rows = [];
  const missed = [];
  const row = (figure, ours, base, r, target, ok) => {
    rows.push(`| ${figure} | ${ours} | ${base} | ${Number.isFinite(r) ? r.toFixed(2) + '×' : 'n/a'} | ${target} | ${verdict(ok)} |`);
    if (ok === false) missed.push(figure);
  };
  const lines = [];
  const ing = all.ingest;
  if (ing) {
    const rum = bestLevel(ing.rum, 'events_per_sec');
    const rep = bestLevel(ing.replay, 'segments_per_sec');
    const lr = ing.limit?.rum;
    const ls = ing.limit?.replay;
    let r = ratio(rum?.events_per_sec, lr?.events_per_sec);
    row('Ingest: RUM events/s (best level)', fmt(rum?.events_per_sec), `${fmt(lr?.events_per_sec)} (limit)`, r,
      `≥ 0.50× limit and ≥ ${fmt(ingestTargets.eventsPerSec)}/s`, rum ? r >= ingestTargets.limitShare && rum.events_per_sec >= ingestTargets.eventsPerSec : false);
    r = ratio(rep?.segments_per_sec, ls?.segments_per_sec);
    row('Ingest: replay segments/s (best level)', fmt(rep?.segments_per_sec), `${fmt(ls?.segments_per_sec)} (limit)`, r,
      `≥ 0.50× limit and ≥ ${fmt(ingestTargets.segmentsPerSec)}/s`, rep ? r >= ingestTargets.limitShare && rep.segments_per_sec >= ingestTargets.segmentsPerSec : false);
    r = ratio(rep?.mb_per_sec, ls?.mb_per_sec);
    row('Ingest: replay MB/s compressed', fmt(rep?.mb_per_sec, 1), `${fmt(ls?.mb_per_sec, 1)} (limit)`, r, '≥ 0.50× limit', rep ? r >= ingestTargets.limitShare : false);
    r = ratio(rum?.mb_per_sec, lr?.mb_per_sec);
    row('Ingest: RUM MB/s compressed', fmt(rum?.mb_per_sec, 1), `${fmt(lr?.mb_per_sec, 1)} (limit)`, r, '≥ 0.50× limit', rum ? r >= ingestTargets.limitShare : false);
  }
  const sdk = all.sdk;
  if (sdk?.variants) {
    const o = (v, k) => sdk.variants[v]?.overhead?.[k];
    for (const [k, label] of [['scriptMs', 'script time (ms)'], ['taskMs', 'task time (ms)'], ['tbtMs', 'total blocking time (ms)'], ['heapMB', 'JS heap (MB)']]) {
      const main = k === 'scriptMs' || k === 'taskMs';
      for (const [base, name, limit] of [['rrweb', 'rrweb alone', 1.1], ['datadog', 'Datadog', 1]]) {
        const ours = o('reprise', k);
        const theirs = o(base, k);
        // A baseline whose overhead is not above the no-SDK run's is noise: no ratio, no verdict.
        const noise = !(theirs > 0);
        const r = noise ? NaN : ratio(ours, theirs);
        const target = main ? `≤ ${limit.toFixed(2)}×` : 'report';
        row(`SDK overhead: ${label} vs ${name}`, fmt(ours, 1), `${fmt(theirs, 1)} (${base === 'rrweb' ? 'rrweb record' : 'Datadog'})`, r,
          noise && main ? `${target} (baseline overhead ≤ 0 here: within noise, no ratio)` : target, main && !noise ? r <= limit : null);
      }
    }
    const bm = (v) => sdk.variants[v]?.median?.bytesPerMin;
    let r = ratio(bm('reprise'), bm('datadog'));
    row('SDK: bytes sent per minute', fmt(bm('reprise') / 1024, 0) + ' KB', `${fmt(bm('datadog') / 1024, 0)} KB (Datadog)`, r, '≤ 1.00×', Number.isFinite(r) ? r <= 1 : false);
    const b = sdk.bundles || {};
    r = ratio(b.reprise, b.datadog);
    row('SDK bundle, gzipped', fmt(b.reprise / 1024, 1) + ' KB', `${fmt(b.datadog / 1024, 1)} KB (datadog-rum.js)`, r, '≤ 1.00×', Number.isFinite(r) ? r <= 1 : false);
    const dd = (v) => sdk.variants[v]?.median?.dataDirBytesPerMin;
    row('Store: data-directory bytes per recorded minute', fmt(dd('reprise') / 1024, 0) + ' KB', `${fmt(dd('datadog') / 1024, 0)} KB (Datadog SDK into Reprise)`, ratio(dd('reprise'), dd('datadog')), 'report', null);
  }
  const pj = all.player?.json;
  if (pj?.reprise && pj?.baseline) {
    const t = pj.targets || {};
    for (const [k, label, target] of [['firstFrameMs', 'first rendered frame (ms)', t.firstFrameMs], ['seekP50Ms', 'seek to rendered frame p50 (ms)', null], ['seekP95Ms', 'seek to rendered frame p95 (ms)', t.seekP95Ms], ['heapMB', 'JS heap after seeks (MB)', t.heapMB]]) {
      const v = pj.reprise[k];
      row(`Player, 2-hour session: ${label}`, fmt(v, 1), `${fmt(pj.baseline[k], 1)} (rrweb Replayer, whole session)`, ratio(v, pj.baseline[k]), target ? `< ${target}` : 'report', target ? v < target : null);
    }
  }
  const st = all.store;
  if (st?.queries) {
    for (const [name, q] of Object.entries(st.queries)) {
      row(`Store: GET /api/v1/sessions ${name}, ${fmt(st.sessions)} sessions`, q.error ? 'error' : `p50 ${fmt(q.p50, 1)} ms, p95 ${fmt(q.p95, 1)} ms`, '–', NaN, 'report', null);
    }
  }

  lines.push('# Benchmarks', '');
  lines.push(`Written by \`make bench\` (scripts/bench.mjs) on ${all.machine.date}, commit ${all.machine.commit}. Every baseline is measured in the same run on the same machine; ratios are Reprise ÷ baseline. Do not edit by hand: run \`make bench\`.`, '');
  lines.push('| figure | Reprise | baseline | ratio | target | |', '| --- | --- | --- | --- | --- | --- |', ...rows, '');
  lines.push(missed.length ? `**Targets missed:** ${missed.join('; ')}. Details and where the time goes below.` : 'Every target with a threshold was met.', '');

  lines.push('## Machine', '');
  for (const [k, v] of Object.entries(all.machine)) lines.push(`- ${k}: ${v}`);
  lines.push(`- load average (1/5/15 min) at the start of each part: ${Object.entries(all.load || {}).map(([p, l]) => `${p} ${l}`).join('; ')}`);
  lines.push('- Other work on the machine during the run (other builds, browsers) slows every figure; ratios against a baseline from the same run are what to compare.', '');

  const notRun = (title, p) => [`## ${title}`, '', `Not measured: ${p.skipped || p.error}.`, ''];
  if (ing) lines.push(...(ing.levels ? ingestSection(ing) : notRun('Ingest', ing)));
  if (sdk) lines.push(...(sdk.variants ? sdkSection(sdk) : notRun('SDK overhead in Chromium', sdk)));
  lines.push(...playerSection(all.player));
  if (st) lines.push(...storeSection(st));
  return lines.join('\n') + '\n';
}

function ingestSection(ing) {
  const l = ['## Ingest', ''];
  l.push(`\`cmd/reprise-load\` against \`reprise serve\` on 127.0.0.1, ${ing.seconds} s per concurrency level, a fresh data directory per mode; the load generator runs on the same 2 cores. A request counts once the server answered 202 (durable).`, '');
  for (const mode of ['rum', 'replay']) {
    const r = ing[mode];
    if (!r) continue;
    const c = r.corpus;
    l.push(`### ${mode === 'rum' ? 'RUM batches, POST /v1/write/rum' : 'Replay segments, POST /v1/write/rum/replay'}`, '');
    l.push(mode === 'rum'
      ? `Corpus: ${fmt(c.requests)} distinct batches of ${fmt(c.avg_events)} events (view updates, actions, resources, errors, long tasks, vitals in the Datadog/Guance schema, ~${fmt(c.avg_raw_bytes / c.avg_events)} B each), NDJSON, zlib with \`Content-Encoding: deflate\`: ${fmt(c.avg_compressed_bytes)} B compressed, ${fmt(c.avg_raw_bytes)} B raw on average.`
      : `Corpus: ${fmt(c.requests)} distinct segments cut from rrweb records captured on the bench page with real input (cmd/reprise-load/testdata), 5 s / 60 KB per segment as our SDK cuts them, ids, times, coordinates and text varied, zlib \`{"records":[…]}\` in multipart with an \`event\` part: ${fmt(c.avg_compressed_bytes)} B compressed, ${fmt(c.avg_raw_bytes)} B raw, ${fmt(c.avg_events, 1)} records on average; ${fmt(100 * c.full_snapshot_share, 1)}% hold a full snapshot. After one pass the session ids get a suffix, so repeated segments still make new sessions.`, '');
    l.push('| concurrency | events/s | segments/s | MB/s compressed | p50 ms | p99 ms | server CPU (cores) | load generator CPU | server peak RSS MB | answers |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const x of r.levels) {
      l.push(`| ${x.concurrency} | ${fmt(x.events_per_sec)}${mode === 'replay' ? ' records' : ''} | ${fmt(x.segments_per_sec)} | ${fmt(x.mb_per_sec, 1)} | ${fmt(x.p50_ms, 1)} | ${fmt(x.p99_ms, 1)} | ${fmt(x.server_cpu_cores, 2)} | ${fmt(x.loadgen_cpu_cores, 2)} | ${fmt(x.server_peak_rss_mb)} | ${Object.entries(x.statuses).map(([k, v]) => `${k}×${v}`).join(' ')} |`);
    }
    const firstErr = r.levels.find((x) => x.first_error)?.first_error;
    if (firstErr) l.push('', `First non-202 answer: \`${firstErr.replace(/`/g, "'").slice(0, 300)}\``);
    const lim = ing.limit?.[mode];
    if (lim) l.push('', `Machine limit for the same payloads (internal/benchlimit: read, inflate, check JSON, append, fsync per batch, 64 in flight, no HTTP): ${fmt(lim.items_per_sec)} requests/s = ${mode === 'rum' ? fmt(lim.events_per_sec) + ' events/s' : fmt(lim.segments_per_sec) + ' segments/s'}, ${fmt(lim.mb_per_sec, 1)} MB/s compressed (${fmt(lim.raw_bytes / lim.seconds / 1e6, 0)} MB/s inflated), ${fmt(lim.items / Math.max(1, lim.fsyncs), 1)} requests per fsync.`);
    l.push(`Data directory after the ${mode} run: ${fmt(ing.dataBytes?.[mode] / 1e6, 1)} MB.`, '');
    if (ing.profiles?.[mode]) {
      l.push(`Where the server's time goes at concurrency ${ing.levels[ing.levels.length - 1]} (${ing.pprof ? 'pprof' : 'perf, self time by symbol'}):`, '', '```', ing.profiles[mode], '```', '');
    }
  }
  if (ing.errors?.length) l.push('Errors: ' + ing.errors.map((e) => `\`${e.split('\n')[0]}\``).join('; '), '');
  return l;
}

function sdkSection(sdk) {
  const l = ['## SDK overhead in Chromium', ''];
  l.push(`The heavy page e2e/bench/heavy.html: a 5,000-row table re-sorted every 15 s, a clock ticking every 100 ms, scrolling every 200 ms, a single-page navigation every 10 s (plus menu clicks), and a scripted user through CDP (mouse moves, clicks, typing into a form, a select, a checkbox, submits). ${sdk.seconds} s of activity per run${sdk.seconds < 60 ? ' (shortened from 60 s to keep `make bench` under 30 minutes)' : ''}, ${sdk.runs} runs per variant interleaved, a fresh browser and user-data-dir each run; medians. Metrics from CDP \`Performance.getMetrics\` (ScriptDuration, TaskDuration, JSHeapUsedSize) at the end of the activity; total blocking time from a long-task observer installed before any SDK. Overhead = variant − no SDK. Bytes sent are request bodies counted by the page's origin, which forwards them to \`reprise serve\`, including what each SDK flushes when the page is left.`, '');
  l.push('Variants: **none**; **reprise** (our SDK, replay 100%, default privacy); **rrweb** (`@rrweb/record` alone, bundled with esbuild, with the options our SDK passes it, records kept in memory and dropped every 5 s: no serialization, no network); **datadog** (`@datadog/browser-rum` 7.16.2 CDN bundle from node_modules, replay 100%, `mask-user-input`, default options otherwise, `proxy` to our server).', '');
  l.push('| variant | wall s (page ready) | script ms | task ms | TBT ms | heap MB | overhead script ms | overhead task ms | KB sent / min (replay, RUM) | requests (median) | answers |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, v] of Object.entries(sdk.variants)) {
    const m = v.median;
    const statuses = {};
    for (const r of v.runs) for (const [k, n] of Object.entries(r.statuses)) statuses[k] = (statuses[k] || 0) + n;
    const perPath = (re) => median(v.runs.map((r) => Object.entries(r.byPath || {}).filter(([p]) => re.test(p)).reduce((a, [, x]) => a + x.bytes, 0))) / (sdk.seconds / 60) / 1024;
    const split = name === 'none' || name === 'rrweb' ? '' : name === 'datadog' ? ' (Datadog proxy)' : ` (${fmt(perPath(/replay/))}, ${fmt(perPath(/rum$/))})`;
    l.push(`| ${name} | ${fmt(m.wallMs / 1000, 1)} (${fmt(m.readyMs / 1000, 1)}) | ${fmt(m.scriptMs)} | ${fmt(m.taskMs)} | ${fmt(m.tbtMs)} | ${fmt(m.heapMB, 1)} | ${fmt(v.overhead?.scriptMs)} | ${fmt(v.overhead?.taskMs)} | ${fmt(m.bytesPerMin / 1024)}${split} | ${fmt(median(v.runs.map((r) => r.requests)))} | ${Object.entries(statuses).map(([k, n]) => `${k}×${n}`).join(' ') || '–'} |`);
  }
  const b = sdk.bundles || {};
  l.push('', `Bundles, gzip -9: reprise.js ${fmt(b.reprise)} B; @rrweb/record alone ${fmt(b.rrweb)} B; datadog-rum.js ${fmt(b.datadog)} B (+ its recorder chunk ${fmt(b.datadogRecorderChunk)} B, loaded when replay starts).`, '');
  l.push('Per-run figures (script / task / TBT ms, KB sent):', '');
  for (const [name, v] of Object.entries(sdk.variants)) l.push(`- ${name}: ${v.runs.map((r) => `${fmt(r.scriptMs)} / ${fmt(r.taskMs)} / ${fmt(r.tbtMs)}, ${fmt(r.bytesSent / 1024)} KB`).join('; ')}`);
  const refusals = Object.entries(sdk.variants).flatMap(([n, v]) => v.runs.flatMap((r) => (r.refusals || []).map((e) => `${n}: ${e}`)));
  if (refusals.length) l.push('', 'Requests the server refused: ' + [...new Set(refusals)].slice(0, 5).map((e) => `\`${e.replace(/`/g, "'").replace(/\s+/g, ' ')}\``).join('; '));
  const pageErrors = Object.entries(sdk.variants).flatMap(([n, v]) => v.runs.flatMap((r) => r.pageErrors.map((e) => `${n}: ${e}`)));
  if (pageErrors.length) l.push('', 'Page errors: ' + [...new Set(pageErrors)].slice(0, 5).map((e) => `\`${e.slice(0, 200)}\``).join('; '));
  if (sdk.errors?.length) l.push('', 'Errors: ' + sdk.errors.map((e) => `\`${e}\``).join('; '));
  l.push('');
  return l;
}

function playerSection(p) {
  const l = ['## Player', ''];
  if (!p) return [...l, 'Not run in this invocation.', ''];
  if (p.skipped) return [...l, `Not measured: ${p.skipped}.`, ''];
  if (p.error) l.push(`scripts/bench-player.mjs failed: ${p.error}`, '');
  // scripts/bench-player.mjs prints Markdown, then its figures as JSON on the last line.
  const text = p.json ? p.output.split('\n').slice(0, -1).join('\n').trim() : p.output;
  if (text) l.push('From scripts/bench-player.mjs:', '', text, '');
  return l;
}

function storeSection(st) {
  const l = ['## Store', ''];
  if (st.skipped) return [...l, `Explorer latency not measured: ${st.skipped}.`, ''];
  if (st.error) return [...l, `Explorer latency not measured: ${st.error}`, ''];
  if (st.sessions < 1e6) {
    l.push(`**Measured at ${fmt(st.sessions)} sessions, not the 1,000,000 the issue asks for:** \`cmd/reprise-seed\` writes ${fmt(st.sessions / Math.max(1, st.seed?.seconds || 0))} sessions/s on this machine as it was, so a 1 M seed would take longer than the whole bench budget. \`node scripts/bench.mjs --only store\` (default 1,000,000) seeds once into /tmp and measures; later runs reuse the seed.`, '');
  }
  l.push(`${fmt(st.sessions)} sessions seeded once by \`cmd/reprise-seed\` (in ${fmt(st.seed?.seconds)} s, cached in ${st.dataDir}, ${fmt(st.dataBytes / 1e9, 2)} GB), then \`reprise serve\` on it; each query 20 times after 2 warm-ups, one at a time; time ranges end at the newest session (${st.rangeEnd}).`, '');
  l.push('| GET /api/v1/sessions | p50 ms | p95 ms | rows |', '| --- | --- | --- | --- |');
  for (const [name, q] of Object.entries(st.queries)) {
    l.push(q.error ? `| ${name} | error: ${q.error.replace(/\s+/g, ' ').replace(/\|/g, '/').slice(0, 200)} | | |` : `| ${name} | ${fmt(q.p50, 1)} | ${fmt(q.p95, 1)} | ${q.rows} |`);
  }
  l.push('');
  return l;
}

// ---------------------------------------------------------------- main
const lastFile = (part) => join(cacheDir, `last-${part}.json`);
const all = { machine: machine(), load: {} };
// With no part to run (--only none), the report is rewritten from the last results, under
// the machine details and commit of the run that measured them.
if (!['ingest', 'sdk', 'player', 'store'].some((p) => parts.includes(p)) && existsSync(lastFile('machine'))) {
  Object.assign(all, JSON.parse(readFileSync(lastFile('machine'), 'utf8')));
}
const started = Date.now();
const ran = [];
for (const part of ['ingest', 'sdk', 'player', 'store']) {
  if (!parts.includes(part)) {
    if (existsSync(lastFile(part))) all[part] = JSON.parse(readFileSync(lastFile(part), 'utf8'));
    continue;
  }
  all.load[part] = loadavg();
  process.stderr.write(`\n== bench ${part} (load ${all.load[part]}) ==\n`);
  const t0 = Date.now();
  ran.push(part);
  try {
    if (part === 'ingest') all.ingest = await runIngest({ seconds: Number(arg('ingest-seconds', 10)), levels: arg('levels', '1,4,16,64').split(',').map(Number), work: join(cacheDir, 'ingest') });
    if (part === 'sdk') all.sdk = await runSdk({ seconds: Number(arg('sdk-seconds', 40)), runs: Number(arg('sdk-runs', 3)) });
    if (part === 'player') all.player = await runPlayer();
    if (part === 'store') all.store = await runStore({ sessions: Number(arg('sessions', process.env.REPRISE_BENCH_SESSIONS || 1_000_000)) });
  } catch (err) {
    all[part] = { error: err.message, skipped: `failed: ${err.message.split('\n')[0]}` };
  }
  if (all[part]) {
    all[part].ranAt = new Date().toISOString();
    all[part].tookSeconds = (Date.now() - t0) / 1000;
    writeFileSync(lastFile(part), JSON.stringify(all[part]));
  }
  process.stderr.write(`== ${part} took ${((Date.now() - t0) / 1000).toFixed(0)} s ==\n`);
}
if (ran.length) writeFileSync(lastFile('machine'), JSON.stringify({ machine: all.machine, load: all.load }));
const partsIn = ['ingest', 'sdk', 'player', 'store'].filter((k) => all[k]?.tookSeconds);
const took = (k) => `${k} ${all[k].tookSeconds.toFixed(0)} s${ran.includes(k) ? '' : ` at ${all[k].ranAt}`}`;
const total = partsIn.reduce((a, k) => a + all[k].tookSeconds, 0) / 60;
const md = report(all) + (ran.length
  ? `\nTotal time of this run: ${((Date.now() - started) / 60000).toFixed(1)} min (${partsIn.map(took).join(', ')}${ran.length < partsIn.length ? '; parts not run now are from their last runs' : ''}).\n`
  : `\nRewritten from the last results of each part (${partsIn.map(took).join(', ')}): ${total.toFixed(1)} min of benchmarks.\n`);
const out = resolve(repoRoot, arg('out', 'BENCHMARKS.md'));
writeFileSync(out, md);
process.stderr.write(`\nwrote ${out}\n`);
console.log(md);
