// Ingest bench: `reprise serve` against cmd/reprise-load over loopback at rising
// concurrency, for RUM batches and for replay segments, and the machine-limit baseline
// (reprise-load -limit) on the same payloads in the same run. Alone:
//   node scripts/bench-ingest.mjs [--seconds 10] [--levels 1,4,16,64]
// prints the JSON result; scripts/bench.mjs puts it in BENCHMARKS.md.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { authHeaders, repoRoot, reproBin, startReprise } from '../e2e/bench/lib.mjs';

export const ingestTargets = { limitShare: 0.5, eventsPerSec: 20000, segmentsPerSec: 1000 };

/** dirBytes is the on-disk size of a directory tree (du), 0 if it is gone. */
export function dirBytes(dir) {
  try {
    return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split(/\s/)[0]);
  } catch {
    return 0;
  }
}

/** serverFlags lists the flags `reprise serve --help` knows, to use --pprof only if present. */
export function serverFlags() {
  let help = '';
  try {
    help = execFileSync(reproBin, ['serve', '--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    help = `${err.stdout || ''}${err.stderr || ''}`;
  }
  return new Set([...help.matchAll(/-(-?[a-z][a-z0-9-]*)/g)].map((m) => m[1].replace(/^-/, '')));
}

function buildLoad(work) {
  const bin = join(work, 'reprise-load');
  execFileSync('go', ['build', '-o', bin, './cmd/reprise-load'], { cwd: repoRoot, stdio: 'inherit' });
  return bin;
}

// runLoad runs reprise-load and resolves with its JSON report; onStderr sees its progress
// lines (e.g. "level 64 start", used to profile the server during the highest level).
function runLoad(bin, args, onStderr = () => {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; process.stderr.write(c); onStderr(String(c)); });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`reprise-load ${args.join(' ')} exited ${code}:\n${err}`));
      try {
        resolve(JSON.parse(out));
      } catch (e) {
        reject(new Error(`reprise-load printed no JSON: ${e.message}\n${out}`));
      }
    });
  });
}

/** profile asks the server's pprof endpoint for a CPU profile and returns `go tool pprof -top`. */
async function profile(url, seconds, file) {
  try {
    const res = await fetch(`${url}/debug/pprof/profile?seconds=${seconds}`, { headers: authHeaders, redirect: 'manual', signal: AbortSignal.timeout((seconds + 20) * 1000) });
    if (res.status !== 200) return `pprof: HTTP ${res.status} ${res.headers.get('location') || ''}`;
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    // Self time says which functions burn the CPU; cumulative time says which stage calls them.
    const top = (extra, n) => execFileSync('go', ['tool', 'pprof', '-top', `-nodecount=${n}`, ...extra, reproBin, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n').filter((l) => l.trim() && !/^(File|Build ID|Type|Time):/.test(l)).join('\n');
    return `${top([], 15)}\n\n${top(['-cum'], 25)}`;
  } catch (err) {
    return `pprof failed: ${err.message}`;
  }
}

/**
 * perfProfile samples the server with Linux perf for `seconds` (the server has no --pprof
 * flag yet) and returns the top symbols by self time, or null when perf is missing.
 */
function perfProfile(pid, seconds, file) {
  return new Promise((resolve) => {
    const rec = spawn('perf', ['record', '-e', 'cpu-clock', '-F', '499', '-g', '-p', String(pid), '-o', file, '--', 'sleep', String(seconds)], { stdio: 'ignore' });
    rec.on('error', () => resolve(null));
    rec.on('exit', (code) => {
      if (code !== 0) return resolve(`perf record exited ${code}`);
      try {
        const rep = execFileSync('perf', ['report', '-i', file, '--stdio', '--no-children', '--sort', 'symbol', '-g', 'none', '--percent-limit', '1.5'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 });
        resolve(rep.split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.replace(/\s+-\s+-\s*$/, '').trimEnd()).slice(0, 25).join('\n'));
      } catch (err) {
        resolve(`perf report failed: ${err.message.split('\n')[0]}`);
      }
    });
  });
}

/**
 * runIngest runs both modes against fresh servers and the limit for each; returns
 * { rum, replay, limit: { rum, replay }, profiles, dataBytes }.
 */
export async function runIngest({ seconds = 10, levels = [1, 4, 16, 64], work } = {}) {
  work ||= mkdtempSync(join(tmpdir(), 'reprise-bench-ingest-'));
  mkdirSync(work, { recursive: true });
  const bin = buildLoad(work);
  const flags = serverFlags();
  const pprof = flags.has('pprof');
  const result = { seconds, levels, pprof, profiles: {}, limit: {}, dataBytes: {}, errors: [] };
  for (const mode of ['rum', 'replay']) {
    const dataDir = mkdtempSync(join(work, `data-${mode}-`));
    let srv;
    try {
      srv = await startReprise({ dataDir, args: pprof ? ['--pprof'] : [] });
      const top = levels[levels.length - 1];
      const profSeconds = Math.max(2, seconds - 3);
      let prof = null;
      const load = runLoad(bin, ['-url', srv.url, '-mode', mode, '-levels', levels.join(','), '-duration', `${seconds}s`, '-pid', String(srv.pid)], (line) => {
        // Profile the highest level, from a second after it starts.
        if (prof || !line.includes(`level ${top} start`)) return;
        prof = new Promise((r) => setTimeout(r, 1000)).then(() =>
          pprof ? profile(srv.url, profSeconds, join(work, `cpu-${mode}.pprof`)) : perfProfile(srv.pid, profSeconds, join(work, `perf-${mode}.data`)));
      });
      result[mode] = await load;
      const profTop = await prof;
      if (profTop) result.profiles[mode] = profTop;
    } catch (err) {
      result.errors.push(`${mode}: ${err.message}`);
    } finally {
      await srv?.stop();
      result.dataBytes[mode] = dirBytes(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    }
    try {
      result.limit[mode] = (await runLoad(bin, ['-limit', '-mode', mode, '-duration', `${seconds}s`, '-limit-dir', work])).limit;
    } catch (err) {
      result.errors.push(`limit ${mode}: ${err.message}`);
    }
  }
  return result;
}

/** best is the level with the highest acknowledged throughput for a mode. */
export function bestLevel(report, key) {
  return (report?.levels || []).reduce((a, b) => (!a || b[key] > a[key] ? b : a), null);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : def;
  };
  const res = await runIngest({
    seconds: Number(arg('seconds', 10)),
    levels: arg('levels', '1,4,16,64').split(',').map(Number),
  });
  console.log(JSON.stringify(res, null, 2));
}
