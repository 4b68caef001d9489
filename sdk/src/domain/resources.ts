// Resources from the Resource Timing API (buffered, so what loaded before init counts too).
// Requests to our own intake are skipped: reporting them would report themselves forever.

import { observeEntries } from '../browser/performanceObserver';
import { msToNs, perfToEpoch } from '../tools/time';

export interface RawResource {
  date: number;
  url: string;
  type: string;
  method?: string;
  status_code?: number;
  duration: number;
  size?: number;
}

const EXT_TYPES: Array<[RegExp, string]> = [
  [/\.(js|mjs)$/i, 'js'],
  [/\.css$/i, 'css'],
  [/\.(png|jpe?g|gif|svg|webp|avif|ico|bmp)$/i, 'image'],
  [/\.(woff2?|ttf|otf|eot)$/i, 'font'],
  [/\.(mp4|webm|mp3|ogg|wav|m3u8)$/i, 'media'],
];

export function resourceType(initiatorType: string, url: string): string {
  switch (initiatorType) {
    case 'xmlhttprequest':
      return 'xhr';
    case 'fetch':
    case 'beacon':
      return 'fetch';
    case 'script':
      return 'js';
    case 'img':
    case 'image':
    case 'input':
      return 'image';
    case 'css':
      // url() in a stylesheet: fonts and images; the extension tells which
      break;
    case 'link':
    case 'other':
      break;
    case 'video':
    case 'audio':
    case 'track':
      return 'media';
    case 'iframe':
    case 'frame':
      return 'document';
  }
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // relative or odd URL: test it as is
  }
  for (const [re, t] of EXT_TYPES) if (re.test(path)) return t;
  return initiatorType === 'link' ? 'css' : 'other';
}

export function toRawResource(e: PerformanceResourceTiming): RawResource {
  const size = e.transferSize || e.encodedBodySize || undefined;
  const status = (e as PerformanceResourceTiming & { responseStatus?: number }).responseStatus;
  return {
    date: perfToEpoch(e.startTime),
    url: e.name,
    type: resourceType(e.initiatorType, e.name),
    status_code: status || undefined,
    duration: msToNs(e.duration),
    size,
  };
}

export function trackResources(
  isIntake: (url: string) => boolean,
  onResource: (r: RawResource) => void,
  methodOf: (url: string) => string | undefined = () => undefined,
): () => void {
  return observeEntries('resource', (entries) => {
    for (const e of entries as PerformanceResourceTiming[]) {
      if (isIntake(e.name)) continue;
      const r = toRawResource(e);
      if (r.type === 'fetch' || r.type === 'xhr') r.method = methodOf(e.name) ?? 'GET';
      onResource(r);
    }
  });
}
