// The player's public-link control (the globe beside "Sharing link"): create a
// signed link that anyone can open without signing in, copy it, list this
// session's links and revoke them. The server side is internal/auth
// (share.go, share_api.go); state-changing requests carry the page's CSRF
// token. The panel is absent on pages opened through a public link.
import { createToast } from './controls';

export interface ShareLink {
  id: string;
  url: string;
  created: number; // ms since epoch
  expires: number;
  status: 'active' | 'expired' | 'revoked';
}

export interface PublicLinkApi {
  list(): Promise<ShareLink[]>;
  create(expiresIn: string): Promise<ShareLink>;
  revoke(id: string): Promise<void>;
}

/** createPublicLinkApi talks to /api/v1/sessions/{id}/share(s) with the page's CSRF token. */
export function createPublicLinkApi(sessionId: string, csrf: string, fetchFn: typeof fetch = fetch): PublicLinkApi {
  const base = `/api/v1/sessions/${encodeURIComponent(sessionId)}`;
  const send = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const res = await fetchFn(base + path, {
      method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) {
      let msg = `HTTP ${res.status}`;
      try {
        msg = ((await res.json()) as { error?: string }).error || msg;
      } catch {
        // not JSON
      }
      throw new Error(msg);
    }
    return res;
  };
  return {
    list: async () => ((await (await send('GET', '/shares')).json()) as { shares: ShareLink[] }).shares,
    create: async (expiresIn) => (await (await send('POST', '/share', { expires_in: expiresIn })).json()) as ShareLink,
    revoke: async (id) => {
      await send('DELETE', `/shares/${encodeURIComponent(id)}`);
    },
  };
}

/** describe says when a link stops (or stopped) working, for the list. */
export function describe(link: ShareLink, now: number): string {
  const when = new Date(link.expires).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  if (link.status === 'revoked') return 'Revoked';
  if (link.status === 'expired' || link.expires <= now) return `Expired ${when}`;
  return `Expires ${when}`;
}

/** setupPublicLink wires the control if the page has it (logged-in pages only). */
export function setupPublicLink(doc: Document, sessionId: string, api?: PublicLinkApi): void {
  const button = doc.getElementById('rp-public') as HTMLButtonElement | null;
  const panel = doc.getElementById('rp-public-panel');
  const csrf = doc.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
  if (!button || !panel) return;
  const links = api ?? createPublicLinkApi(sessionId, csrf);
  const list = panel.querySelector<HTMLUListElement>('#rp-public-list')!;
  const ttl = panel.querySelector<HTMLSelectElement>('#rp-public-ttl')!;
  const create = panel.querySelector<HTMLButtonElement>('#rp-public-create')!;
  const toastEl = doc.getElementById('rp-toast');
  const toast = toastEl ? createToast(toastEl) : () => {};
  let error: HTMLElement | null = null;

  const showError = (msg: string) => {
    error ??= panel.appendChild(doc.createElement('p'));
    error.className = 'rp-public-error';
    error.textContent = msg;
  };
  const clearError = () => {
    error?.remove();
    error = null;
  };

  // Every value from the server goes in as text, never as markup.
  const render = (items: ShareLink[]) => {
    list.replaceChildren(
      ...items.map((l) => {
        const li = doc.createElement('li');
        li.className = `is-${l.status}`;
        li.dataset.id = l.id;
        const when = doc.createElement('span');
        when.className = 'rp-public-when';
        when.textContent = describe(l, Date.now());
        li.append(when);
        if (l.status === 'active') {
          const copy = doc.createElement('button');
          copy.type = 'button';
          copy.textContent = 'Copy';
          copy.addEventListener('click', async () => toast((await copyText(l.url)) ? 'Public link copied' : `Copy this link: ${l.url}`));
          const revoke = doc.createElement('button');
          revoke.type = 'button';
          revoke.textContent = 'Revoke';
          revoke.dataset.action = 'revoke';
          revoke.addEventListener('click', async () => {
            try {
              await links.revoke(l.id);
              toast('Public link revoked');
              await refresh();
            } catch (err) {
              showError(`Could not revoke: ${(err as Error).message}`);
            }
          });
          li.append(copy, revoke);
        }
        return li;
      }),
    );
  };
  const refresh = async () => {
    try {
      render(await links.list());
      clearError();
    } catch (err) {
      showError(`Could not load the links: ${(err as Error).message}`);
    }
  };

  button.addEventListener('click', () => {
    const open = panel.hidden;
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) void refresh();
  });
  create.addEventListener('click', async () => {
    create.disabled = true;
    try {
      const link = await links.create(ttl.value);
      panel.dataset.url = link.url;
      toast((await copyText(link.url)) ? `Public link copied · ${describe(link, Date.now()).toLowerCase()}` : `Copy this link: ${link.url}`);
      await refresh();
    } catch (err) {
      showError(`Could not create a link: ${(err as Error).message}`);
    } finally {
      create.disabled = false;
    }
  });
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
