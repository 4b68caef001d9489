// A pass-through HTTP proxy on 127.0.0.1 that counts what the browser uploads to the intake.
//
// Chromium's DevTools protocol does not report keepalive fetches and beacons as finished,
// nor the bodies of multipart (FormData with a Blob) requests, which is exactly how an SDK
// sends on page exit and how replay segments go out. Counting at the HTTP level sees every
// byte. The page is loaded through the proxy, so location.origin (the SDK's endpoint) is the
// proxy too.
import http from 'node:http';

/**
 * startIntakeCounter proxies everything to target (e.g. srv.url) and records each request
 * whose path starts with prefix: { path, body (bytes as sent, before any decompression),
 * status, at, encoding (Content-Encoding), type (Content-Type without parameters) }.
 * @returns {Promise<{url: string, intake: {requests: object[], lastAt: number, pending: number},
 *   stop: () => Promise<void>}>}
 */
export async function startIntakeCounter(target, { prefix = '/v1/write/' } = {}) {
  const to = new URL(target);
  const intake = { requests: [], lastAt: 0, pending: 0 };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://proxy').pathname;
    const counted = path.startsWith(prefix);
    let body = 0;
    if (counted) intake.pending++;
    const done = (status, failed) => {
      if (!counted) return;
      intake.pending--;
      intake.lastAt = Date.now();
      intake.requests.push({
        path, body, status, at: intake.lastAt,
        encoding: req.headers['content-encoding'] ?? '', type: (req.headers['content-type'] ?? '').split(';')[0],
        ...(failed ? { failed } : {}),
      });
    };
    const upstream = http.request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
        up.on('end', () => done(up.statusCode));
      },
    );
    upstream.on('error', (err) => {
      done(0, err.message);
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.on('data', (chunk) => {
      body += chunk.length;
    });
    req.pipe(upstream);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    intake,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
