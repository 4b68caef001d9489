// Captures the replay corpus of the load generator (cmd/reprise-load/testdata): rrweb records
// from @rrweb/record on the bench page (small table, real input), masked as our SDK masks by
// default. Run: node e2e/bench/capture-corpus.mjs [seconds]. Output is a gzipped JSON array of
// records; the load generator slices it into segments and varies ids, times and text.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRrwebRecord, drive, launchChromium, repoRoot, startPageServer } from './lib.mjs';

const seconds = Number(process.argv[2]) || 30;
const out = join(repoRoot, 'cmd', 'reprise-load', 'testdata', 'rrweb-bench-page.json.gz');
const tmp = mkdtempSync(join(tmpdir(), 'reprise-corpus-'));
await buildRrwebRecord(tmp);
const pages = await startPageServer({
  files: { '/assets/': tmp },
  snippets: {
    rrweb: '<script src="/assets/rrweb-record.js"></script><script>window.__events = []; rrwebRecord({ emit: function (e) { window.__events.push(e); }, maskAllInputs: true });</script>',
  },
});
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(`${pages.url}/bench/heavy/orders?variant=rrweb&rows=20`);
  await drive(page, seconds * 1000);
  const events = await page.evaluate(() => window.__events);
  const json = JSON.stringify(events);
  // Stored gzipped: a fixture, not a megabyte snapshot in the repository.
  const gz = gzipSync(json, { level: 9 });
  writeFileSync(out, gz);
  console.log(`wrote ${events.length} records (${json.length} bytes, ${gz.length} gzipped) to ${out}`);
} finally {
  await browser.close();
  await pages.close();
  rmSync(tmp, { recursive: true, force: true });
}
