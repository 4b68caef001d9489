// Starts the real `bin/reprise serve` for end-to-end tests: a free port on 127.0.0.1, a fresh
// data directory, and a wait on /healthz, so a test talks to exactly what a user runs.
//
//   const srv = await startServer({ demo: true });
//   // srv.url = 'http://127.0.0.1:PORT', srv.dataDir = '/tmp/reprise-e2e-XXXX'
//   await srv.stop();
//
// The UI and query API need a login (internal/auth): every server gets a known admin password
// and API token, and startServer signs in through the login form (over HTTP) so that
// browser.mjs's newPage() starts logged in and session.mjs's apiGet() sends the API token.
// `startServer({ login: false })` skips that; `newPage({ loggedIn: false })` is anonymous.
//
// Build first: `node scripts/build.mjs && go build -o bin/reprise ./cmd/reprise` (make build).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binary = process.env.REPRISE_BIN || join(repoRoot, 'bin', 'reprise');

/** The admin password and API token every e2e server starts with (unless opts.env overrides). */
export const e2ePassword = 'e2e-admin-password';
export const e2eApiToken = 'e2e-api-token-0123456789abcdef';

// Session cookies of the servers started here, for browser.mjs's newPage(). Cookies ignore
// the port, so the most recently started server's login wins on 127.0.0.1.
const logins = new Map(); // url → cookie value

/** sessionCookies returns Playwright cookies that log a new browser context in. */
export function sessionCookies() {
  return [...logins].map(([url, value]) => ({ name: 'reprise_session', value, url }));
}

/**
 * loginOverHttp signs in through the login form as a browser would (GET the form for its
 * CSRF token and cookie, POST it) and returns the session cookie's value.
 */
export async function loginOverHttp(url, password) {
  const form = await fetch(`${url}/login`, { signal: AbortSignal.timeout(10000) });
  const html = await form.text();
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  const formCookie = (form.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('reprise_login='));
  if (!csrf || !formCookie) throw new Error(`loginOverHttp: no login form at ${url}/login (status ${form.status})`);
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: formCookie, Origin: url },
    body: new URLSearchParams({ csrf_token: csrf, password, next: '/' }).toString(),
    signal: AbortSignal.timeout(10000),
  });
  const session = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('reprise_session='));
  if (res.status !== 303 || !session) throw new Error(`loginOverHttp: login answered ${res.status}: ${await res.text()}`);
  return session.slice('reprise_session='.length);
}

// Every child still running when this process ends is killed, so a failed or interrupted
// test never leaves a server holding a port (the test runner starts one process per file).
const running = new Set();
// Temp data directories to delete at exit when a test never called stop().
const tempDirs = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

/** freePort asks the kernel for an unused port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * startServer runs `reprise serve` and resolves once /healthz answers 200.
 * @param {object} [opts]
 * @param {boolean} [opts.demo]        pass --demo (serves the demo site at /demo/)
 * @param {object}  [opts.env]         extra environment variables (REPRISE_* etc.)
 * @param {string[]} [opts.args]       extra command-line arguments after `serve ...`
 * @param {string}  [opts.dataDir]     use this data directory instead of a fresh temp one
 * @param {boolean} [opts.keepDataDir] keep the data directory after stop() (default: keep it only
 *                                     if REPRISE_E2E_KEEP=1 or the caller passed dataDir)
 * @param {number}  [opts.timeoutMs]   how long to wait for /healthz (default 15 s)
 * @param {number}  [opts.port]        listen on this port instead of a free one (restarts)
 * @param {boolean} [opts.login]       sign in after start (default true); see sessionCookies()
 * @returns {Promise<{url: string, port: number, dataDir: string, output: () => string,
 *                    stop: () => Promise<void>, password: string, apiToken: string,
 *                    sessionCookie: string|undefined, pid: number}>}  (pid: for /proc, e.g. the benches)
 */
export async function startServer(opts = {}) {
  if (!existsSync(binary)) {
    throw new Error(`startServer: ${binary} not found; run: node scripts/build.mjs && go build -o bin/reprise ./cmd/reprise`);
  }
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir || mkdtempSync(join(tmpdir(), 'reprise-e2e-'));
  const keep = opts.keepDataDir ?? (!ownDir || process.env.REPRISE_E2E_KEEP === '1');
  if (!keep) tempDirs.add(dataDir);
  // Another process can take the port between freePort() and the server's listen: retry.
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    // A fixed port (opts.port) lets a test restart a server where its pages still point.
    const port = opts.port ?? (await freePort());
    try {
      const env = { REPRISE_ADMIN_PASSWORD: e2ePassword, REPRISE_API_TOKENS: e2eApiToken, ...opts.env };
      const srv = await spawnServer({ ...opts, env, port, dataDir });
      const url = `http://127.0.0.1:${port}`;
      const password = env.REPRISE_ADMIN_PASSWORD;
      const apiToken = (env.REPRISE_API_TOKENS || '').split(',')[0].trim();
      let sessionCookie;
      if (opts.login !== false && password) {
        try {
          sessionCookie = await loginOverHttp(url, password);
        } catch (err) {
          await srv.kill();
          throw err;
        }
        logins.set(url, sessionCookie);
      }
      const stop = async () => {
        logins.delete(url);
        await srv.kill();
        if (!keep) {
          rmSync(dataDir, { recursive: true, force: true });
          tempDirs.delete(dataDir);
        }
      };
      return { url, port, dataDir, output: srv.output, stop, password, apiToken, sessionCookie, pid: srv.pid };
    } catch (err) {
      lastErr = err;
      if (!/address already in use/i.test(String(err.message))) break;
    }
  }
  if (!keep) rmSync(dataDir, { recursive: true, force: true });
  throw lastErr;
}

async function spawnServer({ demo, env, args = [], port, dataDir, timeoutMs = 15000 }) {
  const argv = ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir];
  if (demo) argv.push('--demo');
  argv.push(...args);
  const child = spawn(binary, argv, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  // Keep the server's output (bounded) for error messages and for tests that read it,
  // e.g. a generated admin password printed at first start.
  let out = '';
  const collect = (chunk) => {
    out += chunk.toString();
    if (out.length > 1 << 20) out = out.slice(-(1 << 19));
    if (process.env.REPRISE_E2E_VERBOSE === '1') process.stderr.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  const exitPromise = new Promise((res) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      res();
    });
    child.on('error', (err) => {
      exited = { code: -1, signal: null, err };
      running.delete(child);
      res();
    });
  });

  const kill = async () => {
    if (exited) return;
    // SIGTERM first: a graceful shutdown flushes the store, which the tests then inspect.
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exitPromise;
    clearTimeout(timer);
  };

  const deadline = Date.now() + timeoutMs;
  const health = `http://127.0.0.1:${port}/healthz`;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`reprise serve exited early (code ${exited.code}, signal ${exited.signal}${exited.err ? `, ${exited.err.message}` : ''}):\n${out}`);
    }
    try {
      const res = await fetch(health, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return { kill, output: () => out, pid: child.pid };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await kill();
  throw new Error(`reprise serve did not answer ${health} within ${timeoutMs} ms:\n${out}`);
}
