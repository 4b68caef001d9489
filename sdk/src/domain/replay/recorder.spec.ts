import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORDER_VERSION, startRecorder } from './recorder';

describe('rrweb recorder', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('names the exact @rrweb/record version installed', () => {
    const pkg = JSON.parse(readFileSync('node_modules/@rrweb/record/package.json', 'utf8'));
    expect(RECORDER_VERSION).toBe(`@rrweb/record@${pkg.version}`);
  });

  it('returns undefined instead of throwing where rrweb cannot run (happy-dom lacks what it polyfills)', () => {
    // Real recording is checked in Chromium (sdk/src/chromium.spec.ts).
    expect(() => startRecorder({ privacyLevel: 'mask', emit: () => {} })).not.toThrow();
  });
});
