// Compresses whole segments with CompressionStream('deflate') (zlib format, what the collector
// inflates) in a Web Worker, so a large full snapshot never costs the page a frame. The worker
// is inlined as source text and started from a Blob URL: the SDK stays one file.
//
// Protocol (typed below): the page posts {id, action:'compress', data}; the worker answers
// {id, type:'compressed', result, rawBytes} (result transferred, not copied) or
// {id, type:'error', message}, and says {type:'ready'} once it runs.
//
// Fallbacks, in order: when the Worker cannot start (CSP without `worker-src blob:`, old
// browser) or dies, CompressionStream on the page (native code, async); without
// CompressionStream, the segment is sent uncompressed (the collector sniffs the zlib header).

export type CompressionRequest = { id: number; action: 'compress'; data: string };
export type CompressionResponse =
  | { type: 'ready' }
  | { id: number; type: 'compressed'; result: ArrayBuffer; rawBytes: number }
  | { id: number; type: 'error'; message: string };

export interface Compressed {
  bytes: Uint8Array;
  compressed: boolean;
  rawBytes: number;
}

export interface Compressor {
  compress(data: string): Promise<Compressed>;
  /** mode says where compression currently happens. */
  mode(): 'worker' | 'page' | 'none';
  stop(): void;
}

// Plain ES2017 so it runs as written in any worker; kept tiny on purpose.
export const WORKER_SOURCE = `self.onmessage=function(e){var m=e.data;if(!m||m.action!=="compress")return;
try{var raw=new TextEncoder().encode(m.data);var cs=new CompressionStream("deflate");var w=cs.writable.getWriter();
w.write(raw);w.close();new Response(cs.readable).arrayBuffer().then(function(b){
self.postMessage({id:m.id,type:"compressed",result:b,rawBytes:raw.length},[b])},function(err){
self.postMessage({id:m.id,type:"error",message:String(err)})})}catch(err){self.postMessage({id:m.id,type:"error",message:String(err)})}};
self.postMessage({type:"ready"});`;

export function hasCompressionStream(): boolean {
  return typeof CompressionStream === 'function';
}

/** deflateOnPage compresses with CompressionStream in this thread. */
export async function deflateOnPage(data: string): Promise<Compressed> {
  const raw = new TextEncoder().encode(data);
  const cs = new CompressionStream('deflate');
  const w = cs.writable.getWriter();
  void w.write(raw);
  void w.close();
  const buf = await new Response(cs.readable).arrayBuffer();
  return { bytes: new Uint8Array(buf), compressed: true, rawBytes: raw.length };
}

export function uncompressed(data: string): Compressed {
  const bytes = new TextEncoder().encode(data);
  return { bytes, compressed: false, rawBytes: bytes.length };
}

interface WorkerLike {
  postMessage(m: CompressionRequest): void;
  terminate(): void;
  addEventListener(type: 'message' | 'error', fn: (e: any) => void): void;
}

/** startBlobWorker starts the inlined worker, or returns undefined if the page forbids it. */
export function startBlobWorker(): { worker: WorkerLike; url: string } | undefined {
  if (typeof Worker !== 'function' || typeof Blob !== 'function' || typeof URL?.createObjectURL !== 'function') {
    return undefined;
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  try {
    return { worker: new Worker(url), url };
  } catch {
    URL.revokeObjectURL(url);
    return undefined;
  }
}

export function createCompressor(deps: {
  startWorker?: () => { worker: WorkerLike; url?: string } | undefined;
  pageCompress?: ((data: string) => Promise<Compressed>) | undefined;
} = {}): Compressor {
  const pageCompress = 'pageCompress' in deps ? deps.pageCompress : hasCompressionStream() ? deflateOnPage : undefined;
  const fallback = (data: string): Promise<Compressed> =>
    pageCompress ? pageCompress(data).catch(() => uncompressed(data)) : Promise.resolve(uncompressed(data));

  let started: { worker: WorkerLike; url?: string } | undefined;
  let broken = false;
  let nextId = 1;
  const pending = new Map<number, { data: string; resolve: (c: Compressed) => void }>();

  const breakWorker = () => {
    if (broken) return;
    broken = true;
    stopWorker();
    // Whatever the worker still held is redone on the fallback path: nothing is lost.
    for (const [, p] of pending) void fallback(p.data).then(p.resolve);
    pending.clear();
  };
  const stopWorker = () => {
    if (!started) return;
    try {
      started.worker.terminate();
    } catch {
      // already gone
    }
    if (started.url) URL.revokeObjectURL(started.url);
    started = undefined;
  };

  const ensureWorker = (): WorkerLike | undefined => {
    if (broken) return undefined;
    if (started) return started.worker;
    if (!hasCompressionStream() && !deps.startWorker) {
      broken = true; // the worker would need CompressionStream too
      return undefined;
    }
    try {
      started = (deps.startWorker ?? startBlobWorker)();
    } catch {
      started = undefined;
    }
    if (!started) {
      broken = true;
      return undefined;
    }
    started.worker.addEventListener('error', breakWorker);
    started.worker.addEventListener('message', (e: MessageEvent<CompressionResponse>) => {
      const m = e.data;
      if (!m || m.type === 'ready') return;
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.type === 'compressed') p.resolve({ bytes: new Uint8Array(m.result), compressed: true, rawBytes: m.rawBytes });
      else void fallback(p.data).then(p.resolve);
    });
    return started.worker;
  };

  return {
    compress(data) {
      const w = ensureWorker();
      if (!w) return fallback(data);
      return new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, { data, resolve });
        try {
          w.postMessage({ id, action: 'compress', data });
        } catch {
          breakWorker();
        }
      });
    },
    mode: () => (!broken ? 'worker' : pageCompress ? 'page' : 'none'),
    stop() {
      stopWorker();
      pending.clear();
      broken = true;
    },
  };
}
