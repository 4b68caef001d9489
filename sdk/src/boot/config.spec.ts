import { describe, expect, it } from 'vitest';
import { buildConfig, resolveEndpoint, type Config } from './config';

describe('init options', () => {
  it('defaults the endpoint to the SDK script origin, then the page origin', () => {
    expect(resolveEndpoint(undefined, 'http://127.0.0.1:9529/sdk/reprise.js', 'https://shop.test')).toBe('http://127.0.0.1:9529');
    expect(resolveEndpoint(undefined, undefined, 'https://shop.test')).toBe('https://shop.test');
    expect(resolveEndpoint('https://rum.test/base/', 'http://x/sdk.js', 'https://shop.test')).toBe('https://rum.test/base');
  });

  it('fills defaults and builds the intake URLs', () => {
    const c = buildConfig({ applicationId: 'shop', clientToken: 'pub 1' }, 'http://127.0.0.1:9529/sdk/reprise.js', 'https://shop.test') as Config;
    expect(c).toMatchObject({
      endpoint: 'http://127.0.0.1:9529',
      rumUrl: 'http://127.0.0.1:9529/v1/write/rum?client_token=pub+1',
      replayUrl: 'http://127.0.0.1:9529/v1/write/rum/replay?client_token=pub+1',
      sessionSampleRate: 100,
      sessionReplaySampleRate: 100,
      defaultPrivacyLevel: 'mask-user-input',
      trackResources: true,
      trackLongTasks: true,
    });
    expect((buildConfig({ applicationId: 'a' }, undefined, 'https://s.test') as Config).rumUrl).toBe('https://s.test/v1/write/rum');
    // Sensitive query parameters are redacted unless init says otherwise.
    expect(c.redactQueryParams).toEqual(expect.arrayContaining(['token', 'key', 'password', 'session']));
    expect((buildConfig({ applicationId: 'a', redactQueryParams: [] }, undefined, 'https://s.test') as Config).redactQueryParams).toEqual([]);
  });

  it('explains what is wrong', () => {
    const bad = (o: object) => buildConfig(o as never, undefined, 'https://s.test');
    expect(bad({})).toBe('applicationId is required');
    expect(bad({ applicationId: 'a', sessionSampleRate: 101 })).toMatch(/sessionSampleRate/);
    expect(bad({ applicationId: 'a', sessionReplaySampleRate: '50' })).toMatch(/sessionReplaySampleRate/);
    expect(bad({ applicationId: 'a', defaultPrivacyLevel: 'hidden' })).toMatch(/defaultPrivacyLevel/);
    expect(bad({ applicationId: 'a', redactQueryParams: 'token' })).toMatch(/redactQueryParams/);
    expect(bad({ applicationId: 'a', privacySelectors: { mask: ['[bad'] } })).toMatch(/privacySelectors.mask/);
    expect(bad({ applicationId: 'a', privacySelectors: { nope: ['.a'] } })).toMatch(/privacySelectors.nope/);
  });
});
