// Debian's Chromium through playwright-core, set up so it never reaches the internet, plus
// helpers that read the DOM that the replay player rebuilt inside its iframe.
//
//   const b = await launch();
//   const page = await b.newPage();
//   ...
//   const text = await replayText(page);             // innerText of the replayed <body>
//   await waitForReplay(page, (doc) => ..., { timeout })
//   await b.close();
import { chromium } from 'playwright-core';
import { sessionCookies } from './server.mjs';

export const chromiumPath = process.env.REPRISE_CHROMIUM || '/usr/bin/chromium';

// Flags from DESIGN.md §7: root needs --no-sandbox; the rest stop Chromium phoning home.
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/**
 * launch starts headless Chromium. Playwright's launch() gives the browser a fresh temporary
 * --user-data-dir of its own and deletes it on close (it refuses one passed in args).
 * @param {object} [opts]
 * @param {boolean} [opts.headless] default true (REPRISE_E2E_HEADED=1 shows the window)
 * @returns {Promise<{browser: import('playwright-core').Browser,
 *   newPage: (contextOptions?: object & {loggedIn?: boolean}) => Promise<import('playwright-core').Page>,
 *   close: () => Promise<void>}>}
 */
export async function launch(opts = {}) {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: opts.headless ?? process.env.REPRISE_E2E_HEADED !== '1',
    args: chromiumArgs,
  });
  const newPage = async ({ loggedIn = true, ...contextOptions } = {}) => {
    // One context per page: separate cookies/storage, so each page starts a new RUM session.
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      permissions: ['clipboard-read', 'clipboard-write'],
      ...contextOptions,
    });
    // Signed in to the server(s) startServer started (server.mjs), unless asked not to.
    if (loggedIn) {
      const cookies = sessionCookies();
      if (cookies.length) await context.addCookies(cookies);
    }
    const page = await context.newPage();
    // Closing the page alone would leave its context open until the browser closes.
    page.once('close', () => context.close().catch(() => {}));
    return page;
  };
  return { browser, newPage, close: () => browser.close() };
}

/** Where the player puts rrweb's Replayer iframe (player/src, internal/web/templates/replay.html). */
// rrweb's Replayer puts its iframe in .replayer-wrapper; #replayer is an older convention.
export const replayIframeSelector = process.env.REPRISE_REPLAY_IFRAME || '.replayer-wrapper iframe, #replayer iframe';

/**
 * replayFrame waits for the player's iframe and returns its Playwright Frame.
 * @param {import('playwright-core').Page} page
 */
export async function replayFrame(page, { selector = replayIframeSelector, timeout = 15000 } = {}) {
  const handle = await page.waitForSelector(selector, { state: 'attached', timeout });
  const frame = await handle.contentFrame();
  if (!frame) throw new Error(`replayFrame: ${selector} has no content frame`);
  return frame;
}

/**
 * replayEval runs fn(document, arg) inside the replayed document and returns its result.
 * fn (a function, or its source as a string) must be self-contained and arg JSON-serializable. Playwright
 * evaluates through the DevTools protocol, which works in the player's iframe even though it
 * is sandboxed without allow-scripts, and is not blocked by the player page's CSP.
 */
export async function replayEval(page, fn, arg, { selector = replayIframeSelector, timeout = 15000 } = {}) {
  const frame = await replayFrame(page, { selector, timeout });
  return frame.evaluate(`(${fn.toString()})(document, ${JSON.stringify(arg ?? null)})`);
}

/** replayText returns the innerText of the replayed document's body ('' before the first snapshot). */
export async function replayText(page, opts) {
  return replayEval(page, (doc) => doc.body?.innerText ?? '', null, opts);
}

/**
 * waitForReplay polls until fn(document, arg) returns a truthy value inside the replay and
 * returns that value; on timeout it throws with the replay's current text to show what was there.
 */
export async function waitForReplay(page, fn, arg, { timeout = 15000, interval = 100, selector = replayIframeSelector } = {}) {
  const deadline = Date.now() + timeout;
  let lastErr;
  for (;;) {
    try {
      const v = await replayEval(page, fn, arg, { selector, timeout: Math.max(1000, deadline - Date.now()) });
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, interval));
  }
  let text = '';
  try {
    text = await replayText(page, { selector, timeout: 1000 });
  } catch {}
  throw new Error(`waitForReplay: condition not met within ${timeout} ms${lastErr ? ` (last error: ${lastErr.message})` : ''}\nreplay text: ${text.slice(0, 2000)}`);
}

/** waitForReplayText waits until the replayed body's text contains s. */
export function waitForReplayText(page, s, opts) {
  return waitForReplay(page, (doc, s) => (doc.body?.innerText ?? '').includes(s), s, opts);
}
