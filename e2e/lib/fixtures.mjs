// Fixture sessions for the player tests and the player benchmark, built in code: rrweb
// events (Meta, FullSnapshot, mutations, input) cut into segments the way the SDK cuts them,
// posted to the real intake (/v1/write/rum/replay as multipart, /v1/write/rum as NDJSON).
//
//   const s = shopSession({ start: Date.now() - 3600_000 });
//   await postSession(srv, s);           // s.id, s.start, s.end, s.marks (ms offsets)
//
// Every page carries a #tick element whose text is "tick N", N the whole seconds since the
// session's start, updated by a mutation each second: a test reads it inside the replay's
// iframe to know exactly which moment the player shows.
import { deflateSync } from 'node:zlib';

export const EventType = { FullSnapshot: 2, IncrementalSnapshot: 3, Meta: 4 };
export const Source = { Mutation: 0, MouseMove: 1, MouseInteraction: 2, Scroll: 3, Input: 5 };
export const MouseInteraction = { Click: 2 };

/**
 * createDocument serializes a page into rrweb's snapshot format. tree nodes are
 * ['tag', {attrs}, ...children] with strings as text. Returns the snapshot node and
 * `ids`: rrweb node id by DOM id attribute, and by DOM id + '#text' for the element's
 * first text child, so that mutations can name their targets.
 */
export function createDocument(nextId, { title, css = '', body }) {
  const ids = {};
  const ser = (n, parentDomId) => {
    if (typeof n === 'string') {
      const id = nextId();
      if (parentDomId && !ids[`${parentDomId}#text`]) ids[`${parentDomId}#text`] = id;
      return { type: 3, textContent: n, id };
    }
    const [tag, attrs = {}, ...children] = n;
    const id = nextId();
    if (attrs.id) ids[attrs.id] = id;
    return { type: 2, tagName: tag, attributes: { ...attrs }, childNodes: children.map((c) => ser(c, attrs.id)), id };
  };
  const docId = nextId();
  const doctype = { type: 1, name: 'html', publicId: '', systemId: '', id: nextId() };
  const html = ser(['html', { lang: 'en' }, ['head', {}, ['title', {}, title], ['style', { _cssText: css }]], ['body', {}, ...body]]);
  return { node: { type: 0, childNodes: [doctype, html], id: docId }, ids };
}

const idCounter = () => {
  let n = 0;
  return () => ++n;
};

const css =
  'body{font-family:sans-serif;margin:0;padding:24px;background:rgb(250, 250, 245)}' +
  '.hero{background:rgb(10, 20, 30);color:rgb(255, 255, 255);padding:16px}' +
  '#status{font-weight:bold}';

function page(nextId, { title, heading, tick, status, extra = [] }) {
  return createDocument(nextId, {
    title,
    css,
    body: [
      ['h1', { id: 'title', class: 'hero' }, heading],
      ['p', { id: 'tick' }, `tick ${tick}`],
      ['div', { id: 'status', style: 'color: rgb(200, 0, 0)' }, status],
      ['button', { id: 'buy' }, 'Buy now'],
      ['input', { id: 'email', type: 'email', value: '' }],
      // Recorded scripts must never run in the player (sandbox without allow-scripts).
      ['script', {}, 'window.parent.document.title = "pwned by a script"'],
      ['img', { id: 'trap', src: 'data:,', onerror: 'window.parent.document.title = "pwned by onerror"' }],
      ['div', { style: 'height: 2000px' }, 'long page'],
      ...extra,
    ],
  });
}

/**
 * shopSession: a 230 s session on two pages with clicks, typing, scrolling, an error, a
 * periodic full snapshot, and a 3-minute stretch with no input (ticks go on) from 35 s to
 * 220 s. Offsets of the moments tests look for are in `marks` (ms from the start).
 */
export function shopSession({ start = Date.now() - 3600_000, id = `player-${Math.random().toString(36).slice(2, 10)}`, user = 'Ada Player' } = {}) {
  const nextId = idCounter();
  const records = [];
  const at = (s) => start + Math.round(s * 1000);
  const views = [
    { id: `${id}-v1`, url: 'https://shop.test/', name: '/', from: 0 },
    { id: `${id}-v2`, url: 'https://shop.test/checkout', name: '/checkout', from: 30 },
  ];
  let doc = null;
  const snapshot = (s, href, opts) => {
    doc = page(nextId, opts);
    records.push({ type: EventType.Meta, data: { href, width: 1024, height: 640 }, timestamp: at(s) });
    records.push({ type: EventType.FullSnapshot, data: { node: doc.node, initialOffset: { top: 0, left: 0 } }, timestamp: at(s) });
  };
  const text = (s, domId, value) =>
    records.push({ type: EventType.IncrementalSnapshot, data: { source: Source.Mutation, texts: [{ id: doc.ids[`${domId}#text`], value }], attributes: [], removes: [], adds: [] }, timestamp: at(s) });
  const click = (s, domId) => {
    records.push({ type: EventType.IncrementalSnapshot, data: { source: Source.MouseMove, positions: [{ x: 120, y: 150, id: doc.ids[domId], timeOffset: 0 }] }, timestamp: at(s - 0.3) });
    records.push({ type: EventType.IncrementalSnapshot, data: { source: Source.MouseInteraction, type: MouseInteraction.Click, id: doc.ids[domId], x: 120, y: 150 }, timestamp: at(s) });
  };
  let status = 'Status: idle';
  snapshot(0, views[0].url, { title: 'Home', heading: 'Welcome home', tick: 0, status });
  const script = [
    [5, () => click(5, 'buy')],
    [5.1, () => text(5.1, 'status', (status = 'Status: added to cart'))],
    [8, () => records.push({ type: 3, data: { source: Source.Input, id: doc.ids.email, text: '*', isChecked: false }, timestamp: at(8) })],
    [8.5, () => records.push({ type: 3, data: { source: Source.Input, id: doc.ids.email, text: '**', isChecked: false }, timestamp: at(8.5) })],
    [12, () => records.push({ type: 3, data: { source: Source.Scroll, id: 1, x: 0, y: 400 }, timestamp: at(12) })],
    [12.5, () => records.push({ type: 3, data: { source: Source.Scroll, id: 1, x: 0, y: 800 }, timestamp: at(12.5) })],
    [16, () => records.push({ type: 3, data: { source: Source.Scroll, id: 1, x: 0, y: 0 }, timestamp: at(16) })],
    [20, () => text(20, 'status', (status = 'Status: error'))],
    [30, () => snapshot(30, views[1].url, { title: 'Checkout', heading: 'Checkout', tick: 30, status: (status = 'Status: checkout') })],
    [35, () => click(35, 'buy')],
    [35.1, () => text(35.1, 'status', (status = 'Status: paying'))],
    // The SDK's periodic full snapshot: same page, no user input.
    [120, () => snapshot(120, views[1].url, { title: 'Checkout', heading: 'Checkout', tick: 120, status })],
    [220, () => click(220, 'buy')],
    [220.2, () => text(220.2, 'status', (status = 'Status: paid'))],
  ];
  const endS = 230;
  const steps = [];
  for (let s = 1; s <= endS; s++) steps.push([s, () => text(s, 'tick', `tick ${s}`)]);
  steps.push(...script);
  // Stable: a tick and a script step at the same second keep this order (snapshot first).
  steps.sort((a, b) => a[0] - b[0]);
  for (const [, fn] of steps) fn();
  records.sort((a, b) => a.timestamp - b.timestamp);

  const rum = [
    ...views.map((v, i) => rumEvent(id, v, at(v.from), 'view', { view: { id: v.id, url: v.url, name: v.name, time_spent: ((i ? endS : 30) - v.from) * 1e9 }, usr: { id: 'u-1', name: user } })),
    rumEvent(id, views[0], at(5), 'action', { action: { id: `${id}-a1`, type: 'click', target: { name: 'Buy now' } } }),
    rumEvent(id, views[0], at(20), 'error', { error: { id: `${id}-e1`, message: 'Payment widget crashed', source: 'source', type: 'TypeError', stack: 'TypeError: boom\n  at pay (shop.js:1:1)' } }),
    rumEvent(id, views[1], at(35), 'action', { action: { id: `${id}-a2`, type: 'click', target: { name: 'Pay' } } }),
    rumEvent(id, views[1], at(220), 'action', { action: { id: `${id}-a3`, type: 'click', target: { name: 'Pay again' } } }),
  ];
  return {
    id,
    start,
    end: at(endS),
    views,
    records,
    rum,
    segments: cutSegments(records, { viewOf: (t) => (t < at(30) ? views[0].id : views[1].id), segmentMs: 10_000 }),
    marks: { click: 5000, input: 8000, scroll: 12000, error: 20000, checkout: 30000, pay: 35000, checkpoint: 120000, idleFrom: 35000, idleTo: 220000, paid: 220200, end: endS * 1000 },
  };
}

/** rumEvent builds one RUM event in the schema of DESIGN 3.2. */
export function rumEvent(sessionId, view, date, type, fields = {}) {
  return {
    type,
    date,
    application: { id: 'player-e2e' },
    session: { id: sessionId, type: 'user', has_replay: true },
    view: { id: view.id, url: view.url, referrer: '', ...(fields.view ?? {}) },
    _dd: { document_version: 1, format_version: 2 },
    source: 'browser',
    ...Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'view')),
  };
}

/**
 * cutSegments groups records into segments as the SDK does: a new segment at every full
 * snapshot (with its Meta) and whenever segmentMs have passed since the segment's start.
 */
export function cutSegments(records, { viewOf, segmentMs = 10_000 }) {
  const segments = [];
  let cur = null;
  const indexInView = new Map();
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const startsSnapshot = r.type === EventType.Meta && records[i + 1]?.type === EventType.FullSnapshot;
    const view = viewOf(r.timestamp);
    if (!cur || startsSnapshot || r.timestamp - cur.start >= segmentMs || view !== cur.viewId) {
      const idx = indexInView.get(view) ?? 0;
      indexInView.set(view, idx + 1);
      cur = { viewId: view, start: r.timestamp, end: r.timestamp, records: [], hasFullSnapshot: false, indexInView: idx };
      segments.push(cur);
    }
    cur.records.push(r);
    cur.end = r.timestamp;
    if (r.type === EventType.FullSnapshot) cur.hasFullSnapshot = true;
  }
  return segments;
}

/** segmentForm builds the multipart body of one segment (DESIGN 3.3). */
export function segmentForm(sessionId, seg, { appId = 'player-e2e', compress = true } = {}) {
  const raw = Buffer.from(JSON.stringify({ records: seg.records }));
  const data = compress ? deflateSync(raw) : raw;
  const meta = {
    application: { id: appId },
    session: { id: sessionId },
    view: { id: seg.viewId },
    start: seg.start,
    end: seg.end,
    records_count: seg.records.length,
    has_full_snapshot: seg.hasFullSnapshot,
    index_in_view: seg.indexInView,
    source: 'browser',
    creation_reason: seg.indexInView === 0 ? 'init' : 'segment_duration_limit',
    raw_segment_size: raw.length,
    format: 'rrweb',
    recorder_version: 'rrweb@2.1.6',
  };
  const form = new FormData();
  form.append('segment', new Blob([data], { type: 'application/octet-stream' }), `${sessionId}-${seg.start}`);
  form.append('event', new Blob([JSON.stringify(meta)], { type: 'application/json' }), 'blob');
  return { form, data };
}

/** postSegment sends one segment; resolves to the compressed bytes as sent (to find them on disk). */
export async function postSegment(srv, sessionId, seg, opts) {
  const { form, data } = segmentForm(sessionId, seg, opts);
  const res = await fetch(`${srv.url}/v1/write/rum/replay`, { method: 'POST', body: form });
  if (res.status !== 202) throw new Error(`POST segment ${seg.start}: ${res.status} ${await res.text()}`);
  return data;
}

/** postRum sends RUM events as one NDJSON batch. */
export async function postRum(srv, events) {
  const res = await fetch(`${srv.url}/v1/write/rum`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  if (res.status !== 202) throw new Error(`POST rum: ${res.status} ${await res.text()}`);
}

/**
 * postSession sends a fixture's RUM events and segments (a few at a time) and resolves
 * to the compressed bytes of each segment, in order.
 */
export async function postSession(srv, s, { concurrency = 8 } = {}) {
  await postRum(srv, s.rum);
  const sent = new Array(s.segments.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < s.segments.length) {
        const i = next++;
        sent[i] = await postSegment(srv, s.id, s.segments[i]);
      }
    }),
  );
  return sent;
}

/**
 * corruptSegment flips bytes in the middle of a stored segment (found by its compressed
 * bytes as sent) in the server's blob files, so that its checksum no longer matches: the
 * replay API must then report it missing. Returns the file it changed.
 */
export async function corruptSegment(dataDir, sent) {
  const { readdir, open } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const dir = join(dataDir, 'segments');
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.blob'))) {
    const fh = await open(join(dir, name), 'r+');
    try {
      const buf = await fh.readFile();
      const at = buf.indexOf(sent);
      if (at < 0) continue;
      const mid = at + Math.floor(sent.length / 2);
      await fh.write(Buffer.from([buf[mid] ^ 0xff, buf[mid + 1] ^ 0xff]), 0, 2, mid);
      await fh.sync();
      return name;
    } finally {
      await fh.close();
    }
  }
  throw new Error('corruptSegment: the segment bytes are in no blob file');
}
