// What the end-to-end tests do around a recorded session: leave the page so the SDK flushes,
// sum up what it uploaded (counted by proxy.mjs), and wait until the query API shows the
// session complete.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * apiGet fetches a path from the server with its API token and returns readResponse's
 * { status, headers, text, json }.
 */
export async function apiGet(srv, path) {
  // The query API needs a login or an API token (internal/auth); server.mjs configures one.
  const headers = srv.apiToken ? { Authorization: `Bearer ${srv.apiToken}` } : {};
  return readResponse(await fetch(srv.url + path, { headers, signal: AbortSignal.timeout(10000) }));
}

/**
 * readResponse reads a fetch Response's body and returns { status, headers, text, json } (json
 * undefined when the body is not JSON): the server's errors are JSON, but a test must still
 * see what came back when they are not.
 */
export async function readResponse(res) {
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * leavePage navigates away (the page gets pagehide, where the SDK flushes what it holds),
 * waits until the intake (startIntakeCounter's) has been quiet for quietMs with nothing in
 * flight, then closes the page.
 */
export async function leavePage(page, intake, { quietMs = 1500, maxMs = 10000 } = {}) {
  await page.goto('about:blank');
  const start = Date.now();
  while (Date.now() - start < maxMs) {
    await sleep(250);
    if (intake.pending <= 0 && Date.now() - Math.max(intake.lastAt, start) > quietMs) break;
  }
  await page.close();
}

/** uploadSummary describes what the SDK sent, in bytes per minute of the visit. */
export function uploadSummary(intake, fromMs, toMs) {
  const minutes = (toMs - fromMs) / 60000;
  const sum = (p) => intake.requests.filter((r) => !p || r.path === p).reduce((a, r) => a + r.body, 0);
  const encodings = (p) => [...new Set(intake.requests.filter((r) => r.path === p).map((r) => r.encoding || 'none'))].join(',') || '-';
  return (
    `SDK upload: ${sum()} bytes in ${intake.requests.length} requests over ${(minutes * 60).toFixed(1)} s ` +
    `= ${Math.round(sum() / minutes)} bytes/min ` +
    `(rum ${Math.round(sum('/v1/write/rum') / minutes)} B/min, replay ${Math.round(sum('/v1/write/rum/replay') / minutes)} B/min; ` +
    `rum Content-Encoding: ${encodings('/v1/write/rum')})`
  );
}

/**
 * waitForSession polls the query API until a session of app matches accept(session) and its
 * replay reaches untilTs (ms since epoch; 0: any events), then returns the session with its
 * replay events as session.events.
 */
export async function waitForSession(srv, { app = 'demo', accept = () => true, untilTs = 0, timeout = 30000 } = {}) {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    const list = await apiGet(srv, `/api/v1/sessions?app=${encodeURIComponent(app)}&limit=50`);
    last = `GET /api/v1/sessions: ${list.status} ${list.text.slice(0, 500)}`;
    for (const s of list.json?.sessions ?? []) {
      if (!s.has_replay || !accept(s)) continue;
      const replay = await apiGet(srv, `/api/v1/sessions/${encodeURIComponent(s.id)}/replay`);
      last = `GET /api/v1/sessions/${s.id}/replay: ${replay.status} ${replay.text.slice(0, 500)}`;
      const events = replay.json?.events ?? [];
      if (events.length && events[events.length - 1].timestamp >= untilTs) return { ...s, events };
    }
    if (Date.now() > deadline) throw new Error(`waitForSession: no complete session of app ${app} within ${timeout} ms; last: ${last}`);
    await sleep(500);
  }
}
