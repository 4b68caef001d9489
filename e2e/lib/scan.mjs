// Looks for strings that must never be stored (typed passwords, form values) anywhere in a
// data directory: in every file's raw bytes, and inside every zlib, gzip or raw-deflate
// stream found in them, because replay segments are kept as the browser compressed them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import zlib from 'node:zlib';

/**
 * findNeedles returns the needles (case-insensitive) that occur in text.
 * @param {string} text
 * @param {string[]} needles
 */
export function findNeedles(text, needles) {
  const hay = text.toLowerCase();
  return needles.filter((n) => hay.includes(n.toLowerCase()));
}

// Inflating a stream that starts at offset i in buf. Z_SYNC_FLUSH makes zlib return what it
// decoded so far from a truncated or trailing-garbage stream instead of throwing.
function tryInflate(fn, buf, i) {
  try {
    const out = fn(buf.subarray(i), { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: 64 << 20 });
    return out.length > 0 ? out : null;
  } catch {
    return null;
  }
}

// gzipBodyOffset returns where the deflate data of the gzip member at i starts (RFC 1952), or -1.
function gzipBodyOffset(buf, i) {
  const flags = buf[i + 3];
  let p = i + 10;
  if (flags & 4) p += 2 + (buf[p] | (buf[p + 1] << 8)); // FEXTRA
  for (const bit of [8, 16]) {
    // FNAME, FCOMMENT: zero-terminated
    if (flags & bit) {
      while (p < buf.length && buf[p] !== 0) p++;
      p++;
    }
  }
  if (flags & 2) p += 2; // FHCRC
  return p < buf.length ? p : -1;
}

/**
 * decodedStreams yields every compressed stream that starts somewhere in buf, decoded:
 * zlib (RFC 1950 header check), gzip (1f 8b 08) and, at the offsets given in rawDeflateAt,
 * raw deflate. Streams nested inside decoded output are searched as well (depth-limited).
 * @param {Buffer} buf
 * @returns {Generator<{offset: number, kind: string, data: Buffer}>}
 */
export function* decodedStreams(buf, { depth = 2, rawDeflateAt = [] } = {}) {
  for (let i = 0; i + 2 <= buf.length; i++) {
    const b0 = buf[i];
    const b1 = buf[i + 1];
    let kind = null;
    let data = null;
    // zlib: CM=8 (deflate), CINFO<=7, and the header's 16-bit value is a multiple of 31.
    if ((b0 & 0x0f) === 8 && b0 >> 4 <= 7 && ((b0 << 8) | b1) % 31 === 0) {
      data = tryInflate(zlib.inflateSync, buf, i);
      kind = 'zlib';
    } else if (b0 === 0x1f && b1 === 0x8b && buf[i + 2] === 8) {
      // gunzip throws on bytes after the member (it expects another member), so the
      // deflate body after the gzip header is inflated raw instead.
      const body = gzipBodyOffset(buf, i);
      if (body > 0) data = tryInflate(zlib.inflateRawSync, buf, body);
      kind = 'gzip';
    }
    if (data) {
      yield { offset: i, kind, data };
      if (depth > 1) {
        for (const inner of decodedStreams(data, { depth: depth - 1 })) {
          yield { offset: i, kind: `${kind}>${inner.kind}`, data: inner.data };
        }
      }
    }
  }
  for (const i of rawDeflateAt) {
    const b0 = buf[i];
    if ((b0 & 0x0f) === 8 && ((b0 << 8) | buf[i + 1]) % 31 === 0) continue; // zlib, done above
    if (b0 === 0x1f && buf[i + 1] === 0x8b) continue; // gzip, done above
    const data = tryInflate(zlib.inflateRawSync, buf, i);
    if (data) yield { offset: i, kind: 'deflate', data };
  }
}

const blobMagic = Buffer.from('RPRSBLB1');

/**
 * blobPayloadOffsets walks a Reprise blob file (magic "RPRSBLB1", then frames of
 * length:uint32le crc:uint32le payload) and returns each payload's offset; [] for other files.
 */
export function blobPayloadOffsets(buf) {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(blobMagic)) return [];
  const out = [];
  for (let p = 8; p + 8 <= buf.length; ) {
    const len = buf.readUInt32LE(p);
    if (p + 8 + len > buf.length) break; // torn tail
    out.push(p + 8);
    p += 8 + len;
  }
  return out;
}

/** listFiles returns every regular file under dir, recursively. */
export function listFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/**
 * scanDataDir searches every file under dir, raw and decompressed, for the needles.
 * @returns {{files: number, bytes: number, streams: number, inflatedBytes: number,
 *            hits: {file: string, where: string, needle: string}[]}}
 *   segments counts blob-file frames; streams/inflatedBytes tell how much compressed data was
 *   actually opened, so a test can check that the scan saw the segments and did not pass by
 *   looking at nothing.
 */
export function scanDataDir(dir, needles) {
  const report = { files: 0, bytes: 0, segments: 0, streams: 0, inflatedBytes: 0, hits: [] };
  for (const file of listFiles(dir)) {
    const name = relative(dir, file);
    let buf;
    try {
      buf = readFileSync(file);
    } catch (err) {
      if (err.code === 'ENOENT') continue; // a temp file removed while we listed
      throw err;
    }
    report.files++;
    report.bytes += buf.length;
    // latin1 keeps every byte as one char, so ASCII needles match in binary files too;
    // utf8 catches needles with non-ASCII characters.
    for (const enc of ['latin1', 'utf8']) {
      for (const needle of findNeedles(buf.toString(enc), needles)) {
        report.hits.push({ file: name, where: `raw ${enc}`, needle });
      }
    }
    // Reprise's blob files (docs/format/segment.md) frame each segment; a payload may be raw
    // deflate, which has no header to find, so frames are walked and each payload tried.
    const payloads = blobPayloadOffsets(buf);
    report.segments += payloads.length;
    for (const s of decodedStreams(buf, { rawDeflateAt: payloads })) {
      report.streams++;
      report.inflatedBytes += s.data.length;
      for (const needle of findNeedles(s.data.toString('utf8'), needles)) {
        report.hits.push({ file: name, where: `${s.kind} stream at ${s.offset}`, needle });
      }
    }
  }
  // The same needle found both as latin1 and utf8 is one finding.
  const seen = new Set();
  report.hits = report.hits.filter((h) => {
    const k = `${h.file}|${h.where.startsWith('raw') ? 'raw' : h.where}|${h.needle}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return report;
}

/** fileSizes maps each file under dir to its size, for messages. */
export function fileSizes(dir) {
  return Object.fromEntries(listFiles(dir).map((f) => [relative(dir, f), statSync(f).size]));
}
