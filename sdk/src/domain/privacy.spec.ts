import { afterEach, describe, expect, it } from 'vitest';
import { checkPrivacySelectors, elementPrivacy, isAlwaysMasked, recordPrivacyOptions, shouldMaskInput } from './privacy';

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

  it('always masks passwords, emails, phone numbers, card and one-time-code fields', () => {
    html(`<input id="pw" type="password"><input id="em" type="email"><input id="tel" type="TEL">
          <input id="cc" autocomplete="cc-number"><input id="exp" autocomplete="section-pay billing cc-exp">
          <input id="otp" autocomplete="one-time-code"><input id="acem" autocomplete="email">
          <input id="actel" autocomplete="shipping tel-national"><select id="ccsel" autocomplete="cc-exp-month"></select>
          <input id="plain" type="text" autocomplete="name"><input id="telling" autocomplete="telling">
          <textarea id="ta"></textarea><div id="div" autocomplete="email"></div>`);
    for (const id of ['pw', 'em', 'tel', 'cc', 'exp', 'otp', 'acem', 'actel', 'ccsel']) {
      expect(isAlwaysMasked($(`#${id}`)), id).toBe(true);
      expect(recordPrivacyOptions('allow').maskInputFn('abc 1', $(`#${id}`)), id).toBe('*** *');
    }
    for (const id of ['plain', 'telling', 'ta', 'div']) expect(isAlwaysMasked($(`#${id}`)), id).toBe(false);
    expect(recordPrivacyOptions('allow').maskInputFn('visible', $('#plain'))).toBe('visible');
  });

  it('inherits levels from selector lists given in init', () => {
    html(`<div class="acct"><p id="a">x</p><input id="ai"><div data-reprise-privacy="allow"><input id="back"></div></div>
          <div id="chat"><div class="reprise-allow"><p id="c">y</p></div></div>
          <div class="pub"><input id="pi"></div><div class="acct pub"><p id="both">z</p></div>`);
    const sel = { mask: ['.acct'], hidden: ['#chat'], allow: ['.pub'] };
    const d = 'mask-user-input' as const;
    expect(elementPrivacy($('#a'), d, sel)).toBe('mask');
    expect(elementPrivacy($('#back'), d, sel)).toBe('allow'); // a nearer attribute wins
    expect(elementPrivacy($('#c'), d, sel)).toBe('hidden'); // hidden above wins
    expect(elementPrivacy($('#pi'), d, sel)).toBe('allow');
    expect(elementPrivacy($('#both'), d, sel)).toBe('mask'); // on one element, mask beats allow
    expect(elementPrivacy($('#a'), d)).toBe(d); // without the lists: the default
    const o = recordPrivacyOptions(d, sel);
    expect(o.maskTextSelector).toBe('[data-reprise-privacy="mask"],.acct');
    expect(o.blockSelector).toBe('[data-reprise-privacy="hidden"],#chat');
    expect(o.maskTextFn('secret', $('#a'))).toBe('******');
    expect(o.maskInputFn('typed', $('#pi'))).toBe('typed');
    expect(o.maskInputFn('typed', $('#ai'))).toBe('*****');
  });

  it('checks selector lists', () => {
    expect(checkPrivacySelectors(undefined, document)).toBeUndefined();
    expect(checkPrivacySelectors({ mask: ['.a', '#b > c'], hidden: [] }, document)).toBeUndefined();
    expect(checkPrivacySelectors({ secret: ['.a'] }, document)).toMatch(/privacySelectors.secret/);
    expect(checkPrivacySelectors({ mask: '.a' }, document)).toMatch(/array/);
    expect(checkPrivacySelectors({ mask: ['..bad['] }, document)).toMatch(/not a valid CSS selector/);
    expect(checkPrivacySelectors(['.a'], document)).toMatch(/object/);
  });
});
