import { afterEach, describe, expect, it } from 'vitest';
import { createRecordPrivacy, PLACEHOLDER_STYLE } from './recordPrivacy';
import type { PrivacyLevel, PrivacySelectors } from '../privacy';
import { redactUrl } from '../../tools/url';

// A stand-in for rrweb's mirror: ids are given to elements through data-id.
function setup(html: string, level: PrivacyLevel, selectors?: PrivacySelectors) {
  document.body.innerHTML = html;
  const byId = new Map<number, Node>();
  document.querySelectorAll('[data-id]').forEach((el) => byId.set(Number(el.getAttribute('data-id')), el));
  const apply = createRecordPrivacy({
    defaultLevel: level,
    selectors,
    redactUrl: (u) => redactUrl(u, { redactQueryParams: ['token'] }),
    getNode: (id) => byId.get(id) ?? null,
  });
  return apply;
}

// el builds a serialized element node as rrweb would.
const el = (id: number, tagName: string, attributes: Record<string, unknown>, childNodes: unknown[] = []) => ({
  type: 2,
  id,
  tagName,
  attributes,
  childNodes,
});
const snapshot = (node: unknown) => ({ type: 2, timestamp: 1, data: { node: { type: 0, id: 0, childNodes: [node] }, initialOffset: { top: 0, left: 0 } } });
const nodeOf = (r: ReturnType<typeof snapshot>) => (r.data.node.childNodes[0] as ReturnType<typeof el>);

const PAGE = `
  <div data-id="1" title="Profile of Ada">
    <img data-id="2" src="/a.png?sig=1" srcset="/a2.png 2x" alt="Portrait of Ada" style="width:40px;height:30px">
    <input data-id="3" placeholder="Your name" aria-label="Name">
    <input data-id="4" type="checkbox" checked>
    <button data-id="5" value="save-1" aria-label="Save">Save</button>
    <a data-id="6" href="/next?token=abc&page=2">next</a>
    <select data-id="7"><option data-id="8" value="SE">Sweden</option><option data-id="9" value="PT" selected>Portugal</option></select>
    <input data-id="10" type="text" value="markup value">
  </div>`;

function pageSnapshot() {
  return snapshot(
    el(1, 'div', { title: 'Profile of Ada' }, [
      el(2, 'img', { src: '/a.png?sig=1', srcset: '/a2.png 2x', alt: 'Portrait of Ada', style: 'width:40px;height:30px' }),
      el(3, 'input', { placeholder: 'Your name', 'aria-label': 'Name' }),
      el(4, 'input', { type: 'checkbox', checked: true }),
      el(5, 'button', { value: 'save-1', 'aria-label': 'Save' }),
      el(6, 'a', { href: '/next?token=abc&page=2' }),
      el(7, 'select', { value: '**' }, [el(8, 'option', { value: 'SE' }), el(9, 'option', { value: 'PT' })]),
      el(10, 'input', { type: 'text', value: 'markup value' }),
    ]),
  );
}

describe('record privacy', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('mask: masks readable attributes and turns images into same-size placeholders', () => {
    const apply = setup(PAGE, 'mask');
    const r = pageSnapshot();
    apply(r);
    const root = nodeOf(r);
    const [img, input, checkbox, button, link] = root.childNodes as ReturnType<typeof el>[];
    expect(root.attributes.title).toBe('******* ** ***');
    expect(img.attributes).not.toHaveProperty('src');
    expect(img.attributes).not.toHaveProperty('srcset');
    expect(img.attributes.alt).toBe(''); // a clean box, no broken-image icon
    expect(img.attributes.style).toBe(PLACEHOLDER_STYLE);
    expect(img.attributes).toHaveProperty('rr_width');
    expect(img.attributes).toHaveProperty('rr_height');
    expect(input.attributes).toEqual({ placeholder: '**** ****', 'aria-label': '****' });
    expect(checkbox.attributes).toEqual({ type: 'checkbox' }); // state dropped
    expect(button.attributes).toEqual({ value: '******', 'aria-label': '****' });
    expect(link.attributes.href).toBe('/next?token=REDACTED&page=2');
  });

  it('mask-user-input: attributes kept, input state and markup values masked', () => {
    const apply = setup(PAGE, 'mask-user-input');
    const r = pageSnapshot();
    apply(r);
    const [img, input, checkbox, button, link, select, text] = nodeOf(r).childNodes as ReturnType<typeof el>[];
    expect(img.attributes.src).toBe('/a.png?sig=1');
    expect(input.attributes.placeholder).toBe('Your name');
    expect(checkbox.attributes).toEqual({ type: 'checkbox' });
    expect(button.attributes.value).toBe('save-1'); // a button's value is its label, not input
    expect(link.attributes.href).toBe('/next?token=REDACTED&page=2');
    expect((select.childNodes as ReturnType<typeof el>[])[1].attributes).toEqual({ value: 'PT' }); // no selected
    expect(text.attributes.value).toBe('****** *****');
  });

  it('allow: checkbox state and the selected option kept', () => {
    const apply = setup(PAGE, 'allow');
    const r = pageSnapshot();
    apply(r);
    const [, , checkbox, , , select, text] = nodeOf(r).childNodes as ReturnType<typeof el>[];
    expect(checkbox.attributes.checked).toBe(true);
    expect((select.childNodes as ReturnType<typeof el>[])[1].attributes.selected).toBe(true);
    expect((select.childNodes as ReturnType<typeof el>[])[0].attributes).not.toHaveProperty('selected');
    expect(text.attributes.value).toBe('markup value');
  });

  it('hidden placeholders get a border-box layout', () => {
    const apply = setup('<div data-id="1" data-reprise-privacy="hidden"></div>', 'allow');
    const r = snapshot(el(1, 'div', { rr_width: '100px', rr_height: '20px' }));
    apply(r);
    expect(nodeOf(r).attributes).toEqual({ rr_width: '100px', rr_height: '20px', style: PLACEHOLDER_STYLE });
  });

  it('per element: mask inside allow, selector lists', () => {
    const apply = setup('<div data-id="1"><p data-id="2" class="acct" title="Ada"></p><p data-id="3" title="Bo"></p></div>', 'allow', { mask: ['.acct'] });
    const r = snapshot(el(1, 'div', {}, [el(2, 'p', { class: 'acct', title: 'Ada' }), el(3, 'p', { title: 'Bo' })]));
    apply(r);
    const [a, b] = nodeOf(r).childNodes as ReturnType<typeof el>[];
    expect(a.attributes.title).toBe('***');
    expect(b.attributes.title).toBe('Bo');
  });

  it('levels follow the nearest marker below a hidden one, and the page as it is at each record', () => {
    const apply = setup(
      '<section data-id="1" data-reprise-privacy="mask"><div data-id="2" data-reprise-privacy="allow"><p data-id="3" title="Ada"></p></div><p data-id="4" title="Bo"></p></section>',
      'allow',
    );
    const tree = () => snapshot(el(1, 'section', {}, [el(2, 'div', {}, [el(3, 'p', { title: 'Ada' })]), el(4, 'p', { title: 'Bo' })]));
    const first = tree();
    apply(first);
    const [div, bo] = nodeOf(first).childNodes as ReturnType<typeof el>[];
    expect((div.childNodes[0] as ReturnType<typeof el>).attributes.title).toBe('Ada');
    expect(bo.attributes.title).toBe('**');
    // The allow marker goes away: the next record sees the section's mask, not a cached allow.
    document.querySelector('[data-id="2"]')!.removeAttribute('data-reprise-privacy');
    const second = tree();
    apply(second);
    const [div2] = nodeOf(second).childNodes as ReturnType<typeof el>[];
    expect((div2.childNodes[0] as ReturnType<typeof el>).attributes.title).toBe('***');
  });

  it('mutations: added nodes, attribute changes and checkbox input events', () => {
    const apply = setup(PAGE, 'mask');
    const m = {
      type: 3,
      timestamp: 2,
      data: {
        source: 0,
        texts: [],
        removes: [],
        adds: [{ parentId: 1, nextId: null, node: el(2, 'img', { src: '/b.png', alt: 'Bob' }) }],
        attributes: [
          { id: 3, attributes: { placeholder: 'New hint', style: { color: 'red' } } },
          { id: 2, attributes: { src: '/c.png' } },
          { id: 6, attributes: { href: '/x?token=t' } },
          { id: 4, attributes: { checked: '' } },
        ],
      },
    };
    apply(m);
    expect(m.data.adds[0].node.attributes).not.toHaveProperty('src');
    expect(m.data.adds[0].node.attributes.alt).toBe('');
    expect(m.data.attributes[0].attributes).toEqual({ placeholder: '*** ****', style: { color: 'red' } });
    expect(m.data.attributes[1].attributes).toEqual({ src: null });
    expect(m.data.attributes[2].attributes).toEqual({ href: '/x?token=REDACTED' });
    expect(m.data.attributes[3].attributes).toEqual({ checked: null });

    const input = { type: 3, timestamp: 3, data: { source: 5, id: 4, text: 'on', isChecked: true } };
    apply(input);
    expect(input.data.isChecked).toBe(false);
    const allow = setup(PAGE, 'allow');
    const input2 = { type: 3, timestamp: 3, data: { source: 5, id: 4, text: 'on', isChecked: true } };
    allow(input2);
    expect(input2.data.isChecked).toBe(true);
    // An unknown node: masked, whatever the level.
    const input3 = { type: 3, timestamp: 3, data: { source: 5, id: 99, text: 'on', isChecked: true } };
    allow(input3);
    expect(input3.data.isChecked).toBe(false);
  });

  it('leaves other records alone', () => {
    const apply = setup(PAGE, 'mask');
    const meta = { type: 4, timestamp: 1, data: { href: 'https://x/?token=a', width: 1, height: 1 } };
    apply(meta);
    expect(meta.data.href).toBe('https://x/?token=a'); // the Meta href is redacted by replay.ts
    apply({ type: 3, timestamp: 1 } as never); // no data: no throw
  });
});
