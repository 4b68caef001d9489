// The privacy assertions of the end-to-end tests pass when the scanner finds nothing, so the
// scanner itself must be shown to find secrets wherever a store could put them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { scanDataDir } from './lib/scan.mjs';

test('scanDataDir finds secrets raw, in zlib/gzip streams inside blob files, and nested', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'reprise-scan-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'blobs'));
  const frame = (payload) => {
    // A made-up framing: 8-byte header, the compressed payload, 4-byte trailer.
    const head = Buffer.alloc(8, 0xab);
    return Buffer.concat([head, payload, Buffer.from([1, 2, 3, 4])]);
  };
  const records = JSON.stringify({ records: [{ type: 3, data: { source: 5, text: 'pw-Zebra-9981' } }] });
  const first = frame(zlib.deflateSync('{"records":[]}'));
  writeFileSync(join(dir, 'blobs', '000001.seg'), Buffer.concat([
    first,
    frame(zlib.deflateSync(records)),
    frame(zlib.gzipSync('quokka.e2e.41@lumen-demo.test')),
  ]));
  writeFileSync(join(dir, 'index.db'), Buffer.concat([Buffer.alloc(100), Buffer.from('Ring twice for Quokka 7731'), Buffer.alloc(50)]));
  writeFileSync(join(dir, 'nested.bin'), zlib.gzipSync(zlib.deflateSync('nested-Secret-xyz')));
  writeFileSync(join(dir, 'clean.bin'), zlib.deflateSync('nothing to see'));
  // A blob file as docs/format/segment.md lays it out, with a raw-deflate payload (no header).
  const raw = zlib.deflateRawSync('{"records":[{"text":"raw-deflated-Secret"}]}');
  const frameHead = Buffer.alloc(8);
  frameHead.writeUInt32LE(raw.length, 0);
  writeFileSync(join(dir, 'blobs', 'seg-000001.blob'), Buffer.concat([Buffer.from('RPRSBLB1'), frameHead, raw]));

  const r = scanDataDir(dir, ['pw-zebra-9981', 'quokka.e2e.41@lumen-demo.test', 'Quokka 7731', 'nested-secret-xyz', 'raw-deflated-secret', 'absent-needle']);
  const found = (needle) => r.hits.filter((h) => h.needle === needle).map((h) => `${h.file}: ${h.where}`);
  assert.deepEqual(found('pw-zebra-9981'), [`blobs/000001.seg: zlib stream at ${first.length + 8}`]);
  assert.equal(found('quokka.e2e.41@lumen-demo.test').length, 1);
  assert.match(found('quokka.e2e.41@lumen-demo.test')[0], /gzip stream/);
  assert.deepEqual(found('Quokka 7731'), ['index.db: raw latin1']);
  assert.match(found('nested-secret-xyz')[0], /nested\.bin: gzip>zlib stream at 0/);
  assert.deepEqual(found('raw-deflated-secret'), ['blobs/seg-000001.blob: deflate stream at 16']);
  assert.equal(r.segments, 1);
  assert.deepEqual(found('absent-needle'), []);
  assert.ok(r.streams >= 5, `streams=${r.streams}`);
  assert.equal(r.files, 5);
});
