import { afterEach, describe, expect, it } from 'vitest';
import { elementPrivacy, isAlwaysMasked, recordPrivacyOptions, shouldMaskInput } from './privacy';

function html(s: string): HTMLElement {
  document.body.innerHTML = s;
  return document.body;
}
const $ = (sel: string) => document.querySelector(sel) as HTMLElement;

describe('privacy levels', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('maps the default level to rrweb options', () => {
    const input = recordPrivacyOptions('mask-user-input');
    expect(input).toMatchObject({
      maskAllInputs: true,
      maskTextClass: 'reprise-mask',
      maskTextSelector: '[data-reprise-privacy="mask"]',
      blockClass: 'reprise-hidden',
      blockSelector: '[data-reprise-privacy="hidden"]',
    });
    expect(recordPrivacyOptions('mask').maskTextSelector).toBe('*');
    expect(recordPrivacyOptions('allow').maskTextSelector).toBe('[data-reprise-privacy="mask"]');
  });

  it('mask-user-input: inputs masked, text kept', () => {
    html('<p id="t">Hello</p><input id="i" value="secret"><input id="p" type="password">');
    const o = recordPrivacyOptions('mask-user-input');
    expect(o.maskInputFn('secret', $('#i'))).toBe('******');
    expect(o.maskTextFn('Hello world', $('#t'))).toBe('Hello world');
  });

  it('mask: text and inputs masked, whitespace kept', () => {
    html('<p id="t">Hello</p><input id="i">');
    const o = recordPrivacyOptions('mask');
    expect(o.maskTextFn('Hello world', $('#t'))).toBe('***** *****');
    expect(o.maskInputFn('abc', $('#i'))).toBe('***');
  });

  it('allow: inputs shown except passwords and other always-masked fields', () => {
    html(`<input id="i"><input id="p" type="password"><input id="cc" autocomplete="cc-number">
          <input id="h" type="hidden">`);
    const o = recordPrivacyOptions('allow');
    expect(o.maskInputFn('visible', $('#i'))).toBe('visible');
    expect(o.maskInputFn('hunter2', $('#p'))).toBe('*******');
    expect(o.maskInputFn('4111', $('#cc'))).toBe('****');
    expect(o.maskInputFn('tok', $('#h'))).toBe('***');
    expect(isAlwaysMasked($('#p'))).toBe(true);
  });

  it('per-element attributes and classes override the default for the subtree', () => {
    html(`
      <div data-reprise-privacy="allow"><input id="allowed"><input id="pw" type="password">
        <div data-reprise-privacy="mask"><span id="masked">x</span>
          <span data-reprise-privacy="allow"><b id="reallowed">y</b></span></div></div>
      <div class="reprise-mask"><i id="byclass">z</i></div>
      <section data-reprise-privacy="hidden"><div data-reprise-privacy="allow"><em id="hid">h</em></div></section>
      <div class="reprise-hidden"><em id="hidclass">h</em></div>
      <div data-reprise-privacy="bogus"><em id="bogus">b</em></div>`);
    const d = 'mask-user-input' as const;
    expect(elementPrivacy($('#allowed'), d)).toBe('allow');
    expect(elementPrivacy($('#masked'), d)).toBe('mask');
    expect(elementPrivacy($('#reallowed'), d)).toBe('allow');
    expect(elementPrivacy($('#byclass'), d)).toBe('mask');
    expect(elementPrivacy($('#hid'), d)).toBe('hidden'); // hidden above wins over a nearer allow
    expect(elementPrivacy($('#hidclass'), d)).toBe('hidden');
    expect(elementPrivacy($('#bogus'), d)).toBe(d);
    expect(shouldMaskInput($('#allowed'), d)).toBe(false);
    expect(shouldMaskInput($('#pw'), d)).toBe(true); // passwords even under allow
    const o = recordPrivacyOptions(d);
    expect(o.maskTextFn('secret', $('#masked'))).toBe('******');
    expect(o.maskTextFn('public', $('#reallowed'))).toBe('public');
    expect(o.maskTextFn('x', null)).toBe('x');
  });
});
