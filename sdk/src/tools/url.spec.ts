import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACTED_QUERY_PARAMS, redactUrl } from './url';

describe('query parameter redaction', () => {
  it('redacts listed parameters, keeping names, order, the path and the hash', () => {
    expect(redactUrl('https://x.test/p?token=abc&page=2&token=def#top', { redactQueryParams: ['token'] })).toBe(
      'https://x.test/p?token=REDACTED&page=2&token=REDACTED#top',
    );
    expect(redactUrl('https://x.test/p?a%20b=1&c', { redactQueryParams: ['a b', 'c'] })).toBe('https://x.test/p?a%20b=REDACTED&c');
  });

  it('keeps only allowed parameters with an allow list', () => {
    expect(redactUrl('/p?page=2&email=a@b.c&q=shoes', { allowedQueryParams: ['page', 'q'] })).toBe('/p?page=2&email=REDACTED&q=shoes');
    expect(redactUrl('/p?page=2', { allowedQueryParams: [] })).toBe('/p?page=REDACTED');
  });

  it('leaves URLs alone without rules or query', () => {
    expect(redactUrl('https://x.test/p?token=a', {})).toBe('https://x.test/p?token=a');
    expect(redactUrl('https://x.test/p#a?b=c', { redactQueryParams: ['x'] })).toBe('https://x.test/p#a?b=c');
  });

  it("redacts a hash router's query too", () => {
    expect(redactUrl('https://x.test/app?b=1#/search?b=2&q=x', { redactQueryParams: ['b'] })).toBe(
      'https://x.test/app?b=REDACTED#/search?b=REDACTED&q=x',
    );
  });

  it('never throws on odd input (fuzzed)', () => {
    const alphabet = '?&=#%2Ftoken\u00e9 a';
    let state = 7;
    const rand = () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state / 0x7fffffff;
    };
    for (let i = 0; i < 20_000; i++) {
      let s = 'https://x.test/p?token=1';
      const n = Math.floor(rand() * 12);
      for (let j = 0; j < n; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
      const out = redactUrl(s, { redactQueryParams: ['token'] });
      expect(out).not.toMatch(/[?&]token=1(&|#|$)/);
    }
  });

  it('redacts by word, ignoring case, with the default list', () => {
    const rules = { redactQueryParams: [...DEFAULT_REDACTED_QUERY_PARAMS] };
    expect(redactUrl('/cb?access_token=a&csrfToken=b&API_KEY=c&sessionId=d&page=2&q=shoes&reset_code=e&Email=f', rules)).toBe(
      '/cb?access_token=REDACTED&csrfToken=REDACTED&API_KEY=REDACTED&sessionId=REDACTED&page=2&q=shoes&reset_code=REDACTED&Email=REDACTED',
    );
    expect(redactUrl('/p?password=x&auth=y&sig=z&signature=w', rules)).toBe('/p?password=REDACTED&auth=REDACTED&sig=z&signature=REDACTED');
    // An empty list turns redaction off.
    expect(redactUrl('/p?token=a', { redactQueryParams: [] })).toBe('/p?token=a');
  });
});
