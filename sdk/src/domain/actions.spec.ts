import { afterEach, describe, expect, it } from 'vitest';
import { actionTargetName, trackClicks } from './actions';

const $ = (sel: string) => document.querySelector(sel) as HTMLElement;

describe('click action names', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('prefers aria-label, then text, then name, id and tag', () => {
    document.body.innerHTML = `
      <button id="a" aria-label="Close dialog"><svg id="icon"></svg></button>
      <button id="t">  Add
         to   cart </button>
      <div><span id="long">${'word '.repeat(40)}</span></div>
      <input id="n" type="text" name="email" value="ada@example.com">
      <input id="s" type="submit" value="Send">
      <div id="only-id"></div>
      <section></section>`;
    const d = 'mask-user-input' as const;
    expect(actionTargetName($('#icon'), d)).toBe('Close dialog'); // the control, not the inner svg
    expect(actionTargetName($('#t'), d)).toBe('Add to cart');
    const long = actionTargetName($('#long'), d);
    expect(long.length).toBe(100);
    expect(long.endsWith('…')).toBe(true);
    expect(actionTargetName($('#n'), d)).toBe('email'); // never the typed value
    expect(actionTargetName($('#s'), d)).toBe('Send');
    expect(actionTargetName($('#only-id'), d)).toBe('#only-id');
    expect(actionTargetName($('section'), d)).toBe('section');
  });

  it('does not use text that the replay masks or hides', () => {
    document.body.innerHTML = `
      <button id="m" data-reprise-privacy="mask" name="pay">Pay 120 € to Ada</button>
      <div class="reprise-hidden"><a id="h">Secret link</a></div>
      <button id="ma" class="reprise-mask" aria-label="Pay">Pay 120 €</button>`;
    expect(actionTargetName($('#m'), 'mask-user-input')).toBe('pay');
    expect(actionTargetName($('#h'), 'allow')).toBe('a');
    // Under mask the replay masks aria-label too: the name falls back to the id.
    expect(actionTargetName($('#ma'), 'allow')).toBe('#ma');
    document.body.innerHTML = '<button id="b">Visible label</button>';
    expect(actionTargetName($('#b'), 'mask')).toBe('#b'); // under mask: id, not the label text
    document.body.innerHTML = '<button id="lab" aria-label="Pay Ada">x</button><p class="acct"><button id="sel">Secret</button></p>';
    expect(actionTargetName($('#lab'), 'mask')).toBe('#lab');
    expect(actionTargetName($('#lab'), 'mask-user-input')).toBe('Pay Ada');
    // init's selector lists count like attributes.
    expect(actionTargetName($('#sel'), 'allow', { mask: ['.acct'] })).toBe('#sel');
    expect(actionTargetName($('#sel'), 'allow', { hidden: ['.acct'] })).toBe('button');
  });

  it('reports clicks through a document listener', () => {
    document.body.innerHTML = '<button id="b">Buy</button>';
    const names: string[] = [];
    const stop = trackClicks(document, 'mask-user-input', (n) => names.push(n));
    $('#b').click();
    stop();
    $('#b').click();
    expect(names).toEqual(['Buy']);
  });
});
