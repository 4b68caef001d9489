// Query parameters often carry secrets (tokens, emails, reset codes). Before a URL leaves the
// browser (view.url, view.referrer, resource.url, the replay's Meta href) it goes through
// redactUrl: with an allow list, only listed parameters keep their value; with a redact list,
// listed parameters lose theirs. Parameter names stay, so a person can still see the route.

export interface UrlRedaction {
  allowedQueryParams?: string[];
  redactQueryParams?: string[];
}

export const REDACTED = 'REDACTED';

export function redactUrl(url: string, rules: UrlRedaction): string {
  const { allowedQueryParams: allowed, redactQueryParams: redact } = rules;
  if (!allowed && (!redact || redact.length === 0)) return url;
  // A `?` inside the fragment (`#/route?x=1`) is not the query string.
  const hashStart = url.indexOf('#');
  const q = url.indexOf('?');
  if (q < 0 || (hashStart >= 0 && hashStart < q)) return url;
  const hashAt = url.indexOf('#', q);
  const query = url.slice(q + 1, hashAt < 0 ? undefined : hashAt);
  const rest = hashAt < 0 ? '' : url.slice(hashAt);
  const parts = query.split('&').map((pair) => {
    if (pair === '') return pair;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      // A malformed escape: compare the raw name.
    }
    const keep = allowed ? allowed.includes(name) : !redact!.includes(name);
    return keep || eq < 0 ? pair : `${rawName}=${REDACTED}`;
  });
  return `${url.slice(0, q)}?${parts.join('&')}${rest}`;
}
