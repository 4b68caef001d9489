// What rrweb's own options cannot mask, masked in its records before they leave the recorder:
//
//   - under `mask`, the attributes a person reads (title, alt, placeholder, aria-label, value,
//     …) become '*' per character, and images become placeholders of the same size (no
//     src/srcset: the picture is not fetched by the player either; alt emptied);
//   - wherever input values are masked, checkbox and radio state is dropped (rrweb records
//     `checked` and `isChecked` as they are), and so is a value attribute the markup set;
//   - under `allow`, an <option> keeps its `selected` state (rrweb drops it for every select
//     once inputs are masked at all, and our maskInputFn decides per element instead);
//   - link hrefs (<a>, <area>) lose sensitive query parameter values, like every URL we send;
//   - placeholders (hidden elements, masked images) are laid out with `box-sizing:
//     border-box`, so the size rrweb measured (the border box) is the size the player shows.
//
// It runs on every record synchronously in rrweb's emit callback, when rrweb's mirror still
// maps each serialized node id to the live DOM node, so the level is decided per element
// exactly as for text and inputs.

import {
  isAlwaysMasked,
  maskText,
  ownPrivacyLevel,
  shouldMaskInput,
  type NodePrivacyLevel,
  type PrivacyLevel,
  type PrivacySelectors,
} from '../privacy';
import type { RecordLike } from './segments';

/** Attributes that carry text a person reads; masked under `mask`. */
export const MASKED_ATTRIBUTES = [
  'title',
  'alt',
  'placeholder',
  'aria-label',
  'aria-description',
  'aria-valuetext',
  'aria-roledescription',
  'label',
  'value',
];

/** Image sources dropped from a masked image. */
const IMAGE_SOURCES = ['src', 'srcset', 'sizes'];

/** How the player draws a placeholder: the measured box, hatched so it reads as "masked". */
export const PLACEHOLDER_STYLE =
  'box-sizing:border-box;background:repeating-linear-gradient(45deg,#e2e8f0 0 6px,#f1f5f9 6px 12px)';

// rrweb's record and node type numbers (@rrweb/types), kept local: the SDK does not import
// rrweb outside recorder.ts.
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const SOURCE_MUTATION = 0;
const SOURCE_INPUT = 5;
const ELEMENT_NODE = 2;

type Attributes = Record<string, string | number | boolean | null | undefined>;

interface SerializedNode {
  type: number;
  id: number;
  tagName?: string;
  attributes?: Attributes;
  childNodes?: SerializedNode[];
}

export interface RecordPrivacyDeps {
  defaultLevel: PrivacyLevel;
  selectors?: PrivacySelectors;
  redactUrl: (url: string) => string;
  /** The live DOM node of a serialized id (rrweb's mirror). */
  getNode: (id: number) => Node | null;
}

export function createRecordPrivacy(d: RecordPrivacyDeps): (r: RecordLike) => void {
  const elementOf = (id: number): Element | null => {
    const n = d.getNode(id);
    return n && n.nodeType === 1 ? (n as Element) : null;
  };

  // applyAttributes rewrites attrs (a node's whole map, or the changed ones of an attribute
  // mutation: null there means removed) for the element el (null if unknown: the default level).
  const applyAttributes = (tagName: string, attrs: Attributes, el: Element | null, isSnapshot: boolean) => {
    const tag = tagName.toLowerCase();
    // Most elements (a table's rows and cells) have nothing any level would change: skip the
    // level lookup for them. A 5,000-row re-sort or snapshot is tens of thousands of these.
    if (!SPECIAL_TAGS.has(tag) && !('rr_width' in attrs) && !hasMaskedAttribute(attrs)) return;
    const level = el ? levelOf(el) : d.defaultLevel;

    if ((tag === 'a' || tag === 'area') && typeof attrs.href === 'string') attrs.href = d.redactUrl(attrs.href);

    if (level === 'hidden') {
      // rrweb's blocked element: class and measured size only.
      if ('rr_width' in attrs) attrs.style = PLACEHOLDER_STYLE;
      return;
    }

    const inputMasked = el ? isAlwaysMasked(el) || level !== 'allow' : d.defaultLevel !== 'allow';
    if (tag === 'input' || tag === 'textarea' || tag === 'select') {
      const type = String(el?.getAttribute('type') ?? attrs.type ?? '').toLowerCase();
      if (inputMasked) {
        if ('checked' in attrs) {
          if (isSnapshot) delete attrs.checked;
          else attrs.checked = null;
        }
        if (typeof attrs.value === 'string' && type !== 'submit' && type !== 'button' && type !== 'reset' && type !== 'checkbox' && type !== 'radio') {
          attrs.value = maskText(attrs.value);
        }
      }
    }
    if (tag === 'option' && isSnapshot && level === 'allow' && el) {
      const select = el.closest('select');
      if ((el as HTMLOptionElement).selected && !(select && isAlwaysMasked(select))) attrs.selected = true;
    }

    if (level !== 'mask') return;
    for (const name of MASKED_ATTRIBUTES) {
      const v = attrs[name];
      if (typeof v === 'string') attrs[name] = maskText(v);
    }
    if (tag === 'img') {
      for (const name of IMAGE_SOURCES) {
        if (name in attrs) {
          if (isSnapshot) delete attrs[name];
          else attrs[name] = null;
        }
      }
      // An empty alt: the player draws the hatched box alone, not a broken-image icon with
      // masked alt text beside it.
      if ('alt' in attrs) attrs.alt = '';
      if (isSnapshot && el) {
        const r = el.getBoundingClientRect();
        attrs.rr_width = `${r.width}px`;
        attrs.rr_height = `${r.height}px`;
        attrs.style = PLACEHOLDER_STYLE;
      }
    }
  };

  const walk = (n: SerializedNode) => {
    if (n.type === ELEMENT_NODE && n.attributes && n.tagName) {
      applyAttributes(n.tagName, n.attributes, elementOf(n.id), true);
    }
    if (n.childNodes) for (const c of n.childNodes) walk(c);
  };

  // Levels of the elements seen while one record is processed: siblings share their ancestors,
  // so each ancestor chain is walked once per record instead of once per element. Cleared
  // after every record, as the page may change in between.
  const levels = new Map<Element, NodePrivacyLevel>();
  const levelOf = (el: Element): NodePrivacyLevel => {
    const known = levels.get(el);
    if (known) return known;
    const own = ownPrivacyLevel(el, d.selectors);
    let level: NodePrivacyLevel;
    if (own === 'hidden') level = 'hidden';
    else {
      const parent = el.parentElement;
      const inherited = parent ? levelOf(parent) : d.defaultLevel;
      level = inherited === 'hidden' ? 'hidden' : (own ?? inherited);
    }
    levels.set(el, level);
    return level;
  };

  return (r: RecordLike) => {
    try {
      applyRecord(r);
    } finally {
      levels.clear();
    }
  };

  function applyRecord(r: RecordLike) {
    const data = (r as { data?: any }).data;
    if (!data) return;
    if (r.type === FULL_SNAPSHOT && data.node) {
      walk(data.node as SerializedNode);
      return;
    }
    if (r.type !== INCREMENTAL) return;
    if (data.source === SOURCE_MUTATION) {
      for (const add of data.adds ?? []) if (add?.node) walk(add.node as SerializedNode);
      for (const m of data.attributes ?? []) {
        const el = elementOf(m.id);
        if (el && m.attributes) applyAttributes(el.tagName, m.attributes as Attributes, el, false);
      }
    } else if (data.source === SOURCE_INPUT && 'isChecked' in data) {
      const el = elementOf(data.id);
      if (!el || shouldMaskInput(el, d.defaultLevel, d.selectors)) data.isChecked = false;
    }
  }
}

/** Tags whose attributes are rewritten at some level whatever attributes they carry. */
const SPECIAL_TAGS = new Set(['a', 'area', 'input', 'textarea', 'select', 'option', 'img']);

function hasMaskedAttribute(attrs: Attributes): boolean {
  for (const name of MASKED_ATTRIBUTES) if (typeof attrs[name] === 'string') return true;
  return false;
}
