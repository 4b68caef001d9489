// First-party cookie access, behind a tiny interface so the session manager can be tested
// with an in-memory store and shared across tabs through document.cookie in the browser.

export interface CookieStore {
  get(name: string): string | undefined;
  /** set writes the cookie to expire at expiresAt (ms since the epoch). */
  set(name: string, value: string, expiresAt: number): void;
  remove(name: string): void;
}

export function createDocumentCookieStore(doc: Document): CookieStore {
  const secure = typeof location !== 'undefined' && location.protocol === 'https:' ? ';Secure' : '';
  return {
    get(name) {
      const prefix = `${name}=`;
      for (const part of doc.cookie.split(';')) {
        const c = part.trim();
        if (c.startsWith(prefix)) return c.slice(prefix.length);
      }
      return undefined;
    },
    set(name, value, expiresAt) {
      doc.cookie = `${name}=${value};expires=${new Date(expiresAt).toUTCString()};path=/;SameSite=Lax${secure}`;
    },
    remove(name) {
      doc.cookie = `${name}=;expires=${new Date(0).toUTCString()};path=/;SameSite=Lax${secure}`;
    },
  };
}

/** createMemoryCookieStore is a CookieStore for tests and for pages where cookies are off. */
export function createMemoryCookieStore(now: () => number = Date.now): CookieStore {
  const jar = new Map<string, { value: string; expiresAt: number }>();
  return {
    get(name) {
      const c = jar.get(name);
      if (!c || c.expiresAt <= now()) return undefined;
      return c.value;
    },
    set(name, value, expiresAt) {
      jar.set(name, { value, expiresAt });
    },
    remove(name) {
      jar.delete(name);
    },
  };
}

/** cookiesWork checks that a cookie written can be read back (not in sandboxed iframes, file:, …). */
export function cookiesWork(store: CookieStore): boolean {
  try {
    const name = '_reprise_test';
    store.set(name, '1', Date.now() + 60_000);
    const ok = store.get(name) === '1';
    store.remove(name);
    return ok;
  } catch {
    return false;
  }
}
