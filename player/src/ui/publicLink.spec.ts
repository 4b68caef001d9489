// @vitest-environment happy-dom
import { describe as suite, expect, it, vi } from 'vitest';
import { createPublicLinkApi, describe, setupPublicLink, type PublicLinkApi, type ShareLink } from './publicLink';

const link = (over: Partial<ShareLink> = {}): ShareLink => ({
  id: 'a1',
  url: 'http://127.0.0.1:9529/share/tok',
  created: 1000,
  expires: Date.now() + 3600_000,
  status: 'active',
  ...over,
});

function page() {
  document.head.innerHTML = '<meta name="csrf-token" content="tok-123">';
  document.body.innerHTML = `
    <button id="rp-public" aria-expanded="false"></button>
    <div id="rp-public-panel" hidden>
      <select id="rp-public-ttl"><option value="24h" selected>1 day</option></select>
      <button id="rp-public-create"></button>
      <ul id="rp-public-list"></ul>
    </div>
    <div id="rp-toast"></div>`;
}

const flush = () => new Promise((r) => setTimeout(r, 0));

suite('public link control', () => {
  it('sends the CSRF token and the lifetime', async () => {
    const fetchFn = vi.fn(async () => new Response(JSON.stringify(link()), { status: 201 }));
    const api = createPublicLinkApi('s 1', 'tok-123', fetchFn as unknown as typeof fetch);
    await api.create('24h');
    const [url, init] = fetchFn.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/sessions/s%201/share');
    expect((init.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok-123');
    expect(init.body).toBe('{"expires_in":"24h"}');
  });

  it('reports the server error text', async () => {
    const fetchFn = async () => new Response('{"error":"missing or wrong CSRF token"}', { status: 403 });
    const api = createPublicLinkApi('s1', '', fetchFn as unknown as typeof fetch);
    await expect(api.revoke('x')).rejects.toThrow('missing or wrong CSRF token');
  });

  it('lists links as text, creates and revokes', async () => {
    page();
    let items = [link({ id: 'old', status: 'revoked' }), link({ id: '<img src=x onerror=alert(1)>', status: 'expired', expires: 1 })];
    const api: PublicLinkApi = {
      list: vi.fn(async () => items),
      create: vi.fn(async () => {
        const l = link({ id: 'new' });
        items = [l, ...items];
        return l;
      }),
      revoke: vi.fn(async (id: string) => {
        items = items.map((l) => (l.id === id ? { ...l, status: 'revoked' as const } : l));
      }),
    };
    setupPublicLink(document, 's1', api);
    const panel = document.getElementById('rp-public-panel')!;
    document.getElementById('rp-public')!.click();
    await flush();
    expect(panel.hidden).toBe(false);
    expect(document.querySelectorAll('#rp-public-list li')).toHaveLength(2);
    expect(document.querySelector('#rp-public-list img')).toBeNull();

    document.getElementById('rp-public-create')!.click();
    await flush();
    await flush();
    expect(api.create).toHaveBeenCalledWith('24h');
    const first = document.querySelector<HTMLLIElement>('#rp-public-list li')!;
    expect(first.dataset.id).toBe('new');
    expect(first.className).toBe('is-active');

    first.querySelector<HTMLButtonElement>('[data-action=revoke]')!.click();
    await flush();
    await flush();
    expect(api.revoke).toHaveBeenCalledWith('new');
    expect(document.querySelector<HTMLLIElement>('#rp-public-list li')!.className).toBe('is-revoked');
  });

  it('does nothing on a shared page (no control)', () => {
    document.body.innerHTML = '';
    expect(() => setupPublicLink(document, 's1')).not.toThrow();
  });

  it('describes expiry', () => {
    expect(describe(link({ status: 'revoked' }), Date.now())).toBe('Revoked');
    expect(describe(link({ expires: 5 }), 10)).toMatch(/^Expired /);
    expect(describe(link(), Date.now())).toMatch(/^Expires /);
  });
});
