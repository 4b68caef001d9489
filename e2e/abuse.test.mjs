// Issue 6, hostile clients against the real binary: zip bombs, a 1 GB declared length, slow
// clients (slowloris), deeply nested JSON, 100k tiny events, wrong content types, and more
// concurrent uploads than the server takes. Each gets a clear JSON error with the right status,
// the server keeps serving others, its memory stays bounded, and /metrics counts every refusal
// by reason.
//
// Run: make build && node --test e2e/abuse.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startServer } from './lib/server.mjs';
import { apiGet, readResponse } from './lib/session.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const maxInflight = 8;

let srv;

/** post sends a body to the server and returns readResponse's { status, headers, text, json }. */
async function post(path, body, headers = {}) {
  return readResponse(await fetch(srv.url + path, { method: 'POST', body, headers, signal: AbortSignal.timeout(30000) }));
}

/** openSocket connects to the server; collect gathers what it answers until it closes. */
function openSocket() {
  return new Promise((resolve, reject) => {
    const sock = connect(srv.port, '127.0.0.1', () => resolve(sock));
    sock.on('error', reject);
  });
}

function collect(sock, timeoutMs, { oneResponse = false } = {}) {
  return new Promise((resolve) => {
    let data = '';
    const start = Date.now();
    const done = (why) => resolve({ data, why, ms: Date.now() - start });
    sock.on('data', (d) => {
      data += d.toString();
      // Every answer here is one JSON line after the headers.
      if (oneResponse && /\r\n\r\n.*\n$/s.test(data)) done('response');
    });
    sock.on('close', () => done('closed'));
    sock.on('error', () => done('error'));
    setTimeout(() => done('timeout'), timeoutMs);
  });
}

async function metrics() {
  const res = await apiGet(srv, '/metrics');
  assert.equal(res.status, 200, res.text.slice(0, 200));
  return res.text;
}

function metric(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(name + (labels ? `{${labels}}` : ' ')));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
}

// 1 GiB of zeros as 1024 gzip members of 1 MiB each: about 1 MB on the wire.
const bomb = Buffer.concat(Array(1024).fill(gzipSync(Buffer.alloc(1 << 20))));

function segmentForm(segment) {
  const form = new FormData();
  form.append('segment', new Blob([segment], { type: 'application/octet-stream' }), 'bomb');
  const meta = { application: { id: 'abuse' }, session: { id: 'abuse-s' }, view: { id: 'abuse-v' }, start: Date.now(), end: Date.now(), format: 'rrweb' };
  form.append('event', new Blob([JSON.stringify(meta)], { type: 'application/json' }), 'blob');
  return form;
}

describe('abuse: hostile clients against the real server', { timeout: 180000 }, () => {
  before(async () => {
    srv = await startServer({
      args: ['--read-header-timeout', '1s', '--read-timeout', '3s', '--max-inflight-requests', String(maxInflight)],
    });
  });

  after(async () => {
    await srv?.stop();
  });

  it('refuses zip bombs while inflating, with bounded memory', async () => {
    const results = await Promise.all([
      post('/v1/write/rum', bomb, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' }),
      post('/v1/write/rum', bomb, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' }),
      post('/v1/write/rum/replay', segmentForm(bomb)),
      post('/v1/write/rum/replay', segmentForm(bomb)),
    ]);
    for (const r of results) {
      assert.equal(r.status, 413, r.text);
      assert.match(r.json.error, /max_decompressed_bytes/);
    }
    // Four bombs of 1 GiB each, at once: the server never held more than the limits allow.
    const mem = metric(await metrics(), 'reprise_go_memory_total_bytes');
    console.log(`abuse: 4 concurrent 1 GiB zip bombs refused; Go runtime memory ${(mem / 2 ** 20).toFixed(0)} MiB`);
    assert.ok(mem < 1024 * 2 ** 20, `server memory ${mem} bytes after the bombs`);
  });

  it('answers a 1 GB declared length with 413 at once', async () => {
    const sock = await openSocket();
    const answer = collect(sock, 5000);
    sock.write(`POST /v1/write/rum HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${2 ** 30}\r\n\r\n{"type":`);
    const { data, ms } = await answer;
    sock.destroy();
    assert.match(data, /^HTTP\/1\.1 413 /, data);
    assert.match(data, /max_body_bytes/);
    assert.ok(ms < 2000, `answered after ${ms} ms`);
  });

  it('cuts off slow clients and keeps serving others', async () => {
    // 100 connections trickle their headers a byte at a time (slowloris).
    const socks = await Promise.all(Array.from({ length: 100 }, () => openSocket()));
    const ends = socks.map((s) => collect(s, 10000));
    for (const s of socks) s.write('POST /v1/write/rum HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => socks.forEach((s) => !s.destroyed && s.write('X')), 200);
    try {
      const t0 = Date.now();
      const health = await fetch(srv.url + '/healthz', { signal: AbortSignal.timeout(5000) });
      assert.equal(health.status, 200);
      assert.ok(Date.now() - t0 < 1000, 'healthz slow while 100 slow clients hang on');
      const results = await Promise.all(ends);
      const cut = results.filter((r) => r.why === 'closed' || r.why === 'error');
      const slowest = Math.max(...results.map((r) => r.ms));
      console.log(`abuse: ${cut.length}/100 slowloris connections cut off, the last after ${slowest} ms (read_header_timeout 1s)`);
      assert.equal(cut.length, 100, 'some slow clients were never cut off');
      assert.ok(slowest < 5000, `a slow client held on for ${slowest} ms`);
    } finally {
      clearInterval(trickle);
      socks.forEach((s) => s.destroy());
    }
    // A slow body is cut off too, after read_timeout.
    const sock = await openSocket();
    const end = collect(sock, 10000);
    sock.write('POST /v1/write/rum HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n{');
    const drip = setInterval(() => !sock.destroyed && sock.write(' '), 200);
    const r = await end;
    clearInterval(drip);
    sock.destroy();
    assert.ok(r.why !== 'timeout' && r.ms < 6000, `slow body held on for ${r.ms} ms (${r.why})`);
  });

  it('rejects deep nesting, huge batches and wrong content types with JSON errors', async () => {
    const deep = '{"type":"view","date":1,"context":' + '['.repeat(100000) + ']'.repeat(100000) + '}';
    let r = await post('/v1/write/rum', deep, { 'Content-Type': 'text/plain' });
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.errors[0].error, /max_json_depth/);

    const tiny = Array.from({ length: 100000 }, (_, i) => `{"type":"action","date":${1700000000000 + i}}`).join('\n');
    r = await post('/v1/write/rum', tiny, { 'Content-Type': 'text/plain' });
    assert.equal(r.status, 413, r.text);
    assert.match(r.json.error, /max_events_per_batch/);

    for (const [path, type] of [
      ['/v1/write/rum', 'text/html'],
      ['/v1/write/rum', 'application/xml'],
      ['/v1/write/rum/replay', 'application/json'],
      ['/v1/write/rum/replay', 'text/plain'],
    ]) {
      r = await post(path, '{"type":"view","date":1}', { 'Content-Type': type });
      assert.equal(r.status, 415, `${path} ${type}: ${r.text}`);
      assert.ok(r.json?.error, r.text);
    }
    // A bad event among good ones is dropped alone.
    const now = Date.now();
    const mixed = [`{"type":"view","date":${now},"session":{"id":"abuse-mixed"},"view":{"id":"v1","url":"https://x.test/"}}`, '{"type":"nope"}', 'not json'].join('\n');
    r = await post('/v1/write/rum', mixed, { 'Content-Type': 'text/plain' });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.accepted, 1);
    assert.equal(r.json.rejected, 2);
    assert.deepEqual(r.json.errors.map((e) => e.line), [2, 3]);
  });

  it('answers 429 with Retry-After past the in-flight limit, and recovers', async () => {
    // Hold every intake slot with uploads that have not finished sending.
    const body = `{"type":"view","date":${Date.now()},"session":{"id":"abuse-held"},"view":{"id":"vh","url":"https://x.test/"}}`;
    const held = await Promise.all(Array.from({ length: maxInflight }, () => openSocket()));
    const answers = held.map((s) => collect(s, 15000, { oneResponse: true }));
    for (const s of held) s.write(`POST /v1/write/rum HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
    await sleep(300);
    const r = await post('/v1/write/rum', body, { 'Content-Type': 'text/plain' });
    assert.equal(r.status, 429, r.text);
    assert.ok(Number(r.headers.get('retry-after')) > 0, 'no Retry-After');
    // The held uploads finish and are accepted; then new ones get in again.
    for (const s of held) s.write(body.slice(5));
    for (const a of await Promise.all(answers)) assert.match(a.data, /^HTTP\/1\.1 202 /, a.data);
    const again = await post('/v1/write/rum', body, { 'Content-Type': 'text/plain' });
    assert.equal(again.status, 202, again.text);
  });

  it('counts every refusal by reason in /metrics, and still serves', async () => {
    const text = await metrics();
    const rejects = (handler, reason) => metric(text, 'reprise_intake_rejects_total', `handler="${handler}",reason="${reason}"`) ?? 0;
    assert.ok(rejects('rum', 'too_large') >= 3, 'too_large');
    assert.ok(rejects('replay', 'too_large') >= 2, 'replay too_large');
    assert.ok(rejects('rum', 'malformed') >= 1, 'malformed');
    assert.ok(rejects('rum', 'unsupported_type') >= 2, 'unsupported_type');
    assert.ok(rejects('rum', 'overloaded') >= 1, 'overloaded');
    assert.ok(metric(text, 'reprise_ingest_events_rejected_total') >= 2);
    assert.equal(metric(text, 'reprise_intake_inflight_requests'), 0);
    assert.ok(metric(text, 'reprise_store_size_bytes') > 0);
    const ready = await fetch(srv.url + '/readyz');
    assert.equal(ready.status, 200);
  });
});
