import { afterEach, describe, expect, it, vi } from 'vitest';
import { trackRequestMethods } from './requestMethods';

describe('request methods for resources', () => {
  const realFetch = window.fetch;
  afterEach(() => {
    window.fetch = realFetch;
  });

  it('notes fetch and XHR methods by absolute URL and gives each back once', async () => {
    const fake = vi.fn(async () => new Response('ok'));
    window.fetch = fake as unknown as typeof fetch;
    const m = trackRequestMethods(window);
    await window.fetch('/api/items', { method: 'post' });
    await window.fetch(new URL('/api/items', location.href));
    const xhr = new XMLHttpRequest();
    xhr.open('DELETE', '/api/items/1');
    expect(fake).toHaveBeenCalledTimes(2); // the page's fetch still runs
    const abs = (p: string) => new URL(p, location.href).href;
    expect(m.take(abs('/api/items'))).toBe('POST');
    expect(m.take(abs('/api/items'))).toBe('GET');
    expect(m.take(abs('/api/items'))).toBeUndefined();
    expect(m.take(abs('/api/items/1'))).toBe('DELETE');
    m.stop();
    expect(window.fetch).toBe(fake);
    expect(XMLHttpRequest.prototype.open.toString()).not.toContain('note(');
  });

  it('stays bounded when nothing claims the notes', async () => {
    window.fetch = (async () => new Response('')) as unknown as typeof fetch;
    const m = trackRequestMethods(window);
    for (let i = 0; i < 2000; i++) await window.fetch(`/r/${i}`);
    // The oldest notes were dropped in bulk; the newest are still there.
    expect(m.take(new URL('/r/0', location.href).href)).toBeUndefined();
    expect(m.take(new URL('/r/1999', location.href).href)).toBe('GET');
    m.stop();
  });
});
