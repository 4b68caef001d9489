import { describe, expect, it } from 'vitest';
import { resourceType, toRawResource } from './resources';

describe('resources', () => {
  it('maps initiator types and extensions to resource types', () => {
    expect(resourceType('xmlhttprequest', 'https://x/api')).toBe('xhr');
    expect(resourceType('fetch', 'https://x/api')).toBe('fetch');
    expect(resourceType('script', 'https://x/a')).toBe('js');
    expect(resourceType('img', 'https://x/a')).toBe('image');
    expect(resourceType('css', 'https://x/f.woff2')).toBe('font');
    expect(resourceType('link', 'https://x/s.css?v=1')).toBe('css');
    expect(resourceType('link', 'https://x/app.js')).toBe('js');
    expect(resourceType('other', 'https://x/thing')).toBe('other');
    expect(resourceType('iframe', 'https://x/')).toBe('document');
  });

  it('converts a Resource Timing entry to nanoseconds and epoch ms', () => {
    const r = toRawResource({
      name: 'https://x/api/items',
      initiatorType: 'fetch',
      startTime: 100,
      duration: 12.5,
      transferSize: 300,
      encodedBodySize: 200,
      responseStatus: 404,
    } as unknown as PerformanceResourceTiming);
    expect(r).toMatchObject({ url: 'https://x/api/items', type: 'fetch', duration: 12_500_000, size: 300, status_code: 404 });
    expect(Math.abs(r.date - (performance.timeOrigin + 100))).toBeLessThanOrEqual(1);
  });
});
