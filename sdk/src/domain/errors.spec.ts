import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleError, errorFrom, trackErrors, type RawError } from './errors';

describe('errors', () => {
  afterEach(() => vi.restoreAllMocks());

  it('describes thrown values', () => {
    const e = errorFrom(new RangeError('too far'), 'source');
    expect(e).toMatchObject({ message: 'too far', type: 'RangeError', source: 'source' });
    expect(e.stack).toContain('too far');
    expect(errorFrom('plain string', 'source')).toEqual({ message: 'plain string', source: 'source' });
    expect(errorFrom({ code: 7 }, 'source').message).toBe('{"code":7}');
    expect(errorFrom(undefined, 'source', 'Script error').message).toBe('Script error');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(errorFrom(cyclic, 'source').message).toBe('[object Object]');
  });

  it('formats console.error arguments and keeps an Error argument\'s stack', () => {
    const err = new TypeError('bad');
    const e = consoleError(['failed to load', 3, err]);
    expect(e).toMatchObject({ message: 'failed to load 3 TypeError: bad', type: 'TypeError', source: 'console' });
    expect(e.stack).toContain('bad');
  });

  it('collects window errors, unhandled rejections and console.error, and unhooks on stop', () => {
    const got: RawError[] = [];
    const original = console.error;
    const quiet = vi.fn();
    console.error = quiet;
    const stop = trackErrors(window, (e) => got.push(e));
    window.dispatchEvent(new ErrorEvent('error', { message: 'boom', error: new Error('boom') }));
    const rejection = new Event('unhandledrejection') as Event & { reason?: unknown };
    rejection.reason = new Error('nope');
    window.dispatchEvent(rejection);
    console.error('logged', 1);
    expect(quiet).toHaveBeenCalledWith('logged', 1); // the page's console still gets it
    stop();
    expect(console.error).toBe(quiet);
    console.error = original;
    expect(got.map((e) => [e.source, e.message])).toEqual([
      ['source', 'boom'],
      ['source', 'nope'],
      ['console', 'logged 1'],
    ]);
  });

  it('does not report itself when reporting logs an error', () => {
    const original = console.error;
    console.error = () => {};
    let n = 0;
    const stop = trackErrors(window, () => {
      n++;
      console.error('inside the reporter');
    });
    console.error('once');
    stop();
    console.error = original;
    expect(n).toBe(1);
  });
});
