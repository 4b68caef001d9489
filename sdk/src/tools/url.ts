// Query parameters often carry secrets (tokens, emails, reset codes). Before a URL leaves the
// browser (view.url, view.referrer, resource.url, the replay's Meta href and recorded link
// hrefs) it goes through redactUrl: with an allow list, only listed parameters keep their
// value; with a redact list, a parameter whose name contains a listed word (ignoring case:
// `token` catches access_token and csrfToken) loses its value. By default the redact list is
// DEFAULT_REDACTED_QUERY_PARAMS. Parameter names stay, so a person can still see the route.

export interface UrlRedaction {
  allowedQueryParams?: string[];
  redactQueryParams?: string[];
}

export const REDACTED = 'REDACTED';

/** Words that make a query parameter sensitive unless init says otherwise. */
export const DEFAULT_REDACTED_QUERY_PARAMS: readonly string[] = [
  'token',
  'key',
  'secret',
  'password',
  'passwd',
  'pwd',
  'session',
  'auth',
  'signature',
  'code',
  'otp',
  'email',
  'ssn',
];

export function redactUrl(url: string, rules: UrlRedaction): string {
  const { allowedQueryParams: allowed, redactQueryParams: redact } = rules;
  if (!allowed && (!redact || redact.length === 0)) return url;
  // Hash routers keep a query in the fragment (`#/search?token=…`): redact both.
  const hashAt = url.indexOf('#');
  if (hashAt < 0) return redactQuery(url, rules);
  return `${redactQuery(url.slice(0, hashAt), rules)}#${redactQuery(url.slice(hashAt + 1), rules)}`;
}

// redactQuery redacts the query of `path?query` (no fragment).
function redactQuery(s: string, { allowedQueryParams: allowed, redactQueryParams: redact }: UrlRedaction): string {
  const q = s.indexOf('?');
  if (q < 0) return s;
  const parts = s
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      if (pair === '') return pair;
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: compare the raw name.
      }
      const lower = name.toLowerCase();
      const keep = allowed ? allowed.includes(name) : !(redact ?? []).some((w) => w !== '' && lower.includes(w.toLowerCase()));
      return keep || eq < 0 ? pair : `${rawName}=${REDACTED}`;
    });
  return `${s.slice(0, q)}?${parts.join('&')}`;
}
