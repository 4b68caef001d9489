// Privacy: what the replay may show. The page-wide default level comes from init
// (`defaultPrivacyLevel`); an element overrides it for its subtree with
// data-reprise-privacy="allow|mask|mask-user-input|hidden", the classes reprise-mask,
// reprise-hidden (and reprise-allow, reprise-mask-user-input), or a CSS selector listed in
// init's `privacySelectors`. `hidden` anywhere above an element wins; otherwise the nearest
// explicit level wins (on one element: attribute, then class, then selector list).
//
//   allow            text and input values shown, except always-masked fields (passwords, …)
//   mask-user-input  text shown, every input value and checkbox/radio/select state masked
//                    (the default)
//   mask             text, input values and the attributes people read (title, alt,
//                    placeholder, aria-label, value, …) masked; images become placeholders
//   hidden           the element is not recorded at all: a same-sized placeholder is replayed
//
// rrweb only calls maskInputFn for inputs that maskInputOptions selects and maskTextFn for
// text under maskTextClass/maskTextSelector. So we select broadly (all inputs, and text under
// anything that could be masked) and let the two functions decide per element from the DOM.

export type PrivacyLevel = 'allow' | 'mask' | 'mask-user-input';
export type NodePrivacyLevel = PrivacyLevel | 'hidden';

export const PRIVACY_ATTRIBUTE = 'data-reprise-privacy';
export const HIDDEN_CLASS = 'reprise-hidden';
export const MASK_CLASS = 'reprise-mask';
export const MASK_USER_INPUT_CLASS = 'reprise-mask-user-input';
export const ALLOW_CLASS = 'reprise-allow';

export const PRIVACY_LEVELS: readonly PrivacyLevel[] = ['allow', 'mask', 'mask-user-input'];

export function isPrivacyLevel(v: unknown): v is PrivacyLevel {
  return typeof v === 'string' && (PRIVACY_LEVELS as readonly string[]).includes(v);
}

/** CSS selectors per level, from init's `privacySelectors`. */
export type PrivacySelectors = Partial<Record<NodePrivacyLevel, string[]>>;

const NODE_LEVELS: readonly NodePrivacyLevel[] = ['hidden', 'mask', 'mask-user-input', 'allow'];

/** checkPrivacySelectors returns an error message, or undefined when every selector parses. */
export function checkPrivacySelectors(v: unknown, doc: Document | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'privacySelectors must be an object of selector lists';
  for (const [k, list] of Object.entries(v as Record<string, unknown>)) {
    if (!(NODE_LEVELS as readonly string[]).includes(k)) return `privacySelectors.${k}: want one of ${NODE_LEVELS.join(', ')}`;
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s.trim() === '')) return `privacySelectors.${k} must be an array of CSS selectors`;
    for (const sel of list as string[]) {
      try {
        doc?.createDocumentFragment().querySelector(sel);
      } catch {
        return `privacySelectors.${k}: ${JSON.stringify(sel)} is not a valid CSS selector`;
      }
    }
  }
  return undefined;
}

// selectorOf joins a level's list into one selector for Element.matches ('' when none).
function selectorOf(selectors: PrivacySelectors | undefined, level: NodePrivacyLevel): string {
  const list = selectors?.[level];
  return list && list.length ? list.join(',') : '';
}

function matches(el: Element, selector: string): boolean {
  if (!selector) return false;
  try {
    return el.matches(selector);
  } catch {
    return false;
  }
}

/** ownPrivacyLevel is the level el itself declares (attribute, class, selector), if any. */
export function ownPrivacyLevel(el: Element, selectors?: PrivacySelectors): NodePrivacyLevel | undefined {
  const attr = el.getAttribute(PRIVACY_ATTRIBUTE);
  if (attr === 'hidden' || el.classList.contains(HIDDEN_CLASS) || matches(el, selectorOf(selectors, 'hidden'))) return 'hidden';
  if (attr && isPrivacyLevel(attr)) return attr;
  if (el.classList.contains(MASK_CLASS)) return 'mask';
  if (el.classList.contains(MASK_USER_INPUT_CLASS)) return 'mask-user-input';
  if (el.classList.contains(ALLOW_CLASS)) return 'allow';
  if (selectors) {
    for (const l of ['mask', 'mask-user-input', 'allow'] as const) {
      if (matches(el, selectorOf(selectors, l))) return l;
    }
  }
  return undefined;
}

/** elementPrivacy is the effective level of el (a null element gets the default). */
export function elementPrivacy(
  el: Element | null | undefined,
  defaultLevel: PrivacyLevel,
  selectors?: PrivacySelectors,
): NodePrivacyLevel {
  let nearest: NodePrivacyLevel | undefined;
  for (let e: Element | null | undefined = el; e; e = e.parentElement) {
    const l = ownPrivacyLevel(e, selectors);
    if (l === 'hidden') return 'hidden';
    if (l && !nearest) nearest = l;
  }
  return nearest ?? defaultLevel;
}

// autocomplete tokens of fields that hold secrets or contact data. The attribute may carry a
// section and a hint first ("section-pay billing cc-number"), so every token is checked.
const SENSITIVE_AUTOCOMPLETE = /^(cc-|one-time-code$|current-password$|new-password$|email$|tel($|-))/;
const SENSITIVE_TYPES = ['password', 'hidden', 'email', 'tel'];

/** isAlwaysMasked: fields masked at every level, `allow` included: passwords, emails, phone
 * numbers, and fields whose autocomplete says card data, a one-time code, a password, an
 * email or a phone number. */
export function isAlwaysMasked(el: Element | null | undefined): boolean {
  if (!el) return false;
  const tag = el.tagName;
  if (tag !== 'INPUT' && tag !== 'SELECT' && tag !== 'TEXTAREA') return false;
  if (tag === 'INPUT' && SENSITIVE_TYPES.includes((el.getAttribute('type') || '').toLowerCase())) return true;
  const ac = (el.getAttribute('autocomplete') || '').toLowerCase().trim();
  return ac !== '' && ac.split(/\s+/).some((t) => SENSITIVE_AUTOCOMPLETE.test(t));
}

export const maskText = (text: string): string => text.replace(/\S/g, '*');

export function shouldMaskInput(el: Element | null | undefined, defaultLevel: PrivacyLevel, selectors?: PrivacySelectors): boolean {
  return isAlwaysMasked(el) || elementPrivacy(el, defaultLevel, selectors) !== 'allow';
}

export function shouldMaskText(el: Element | null | undefined, defaultLevel: PrivacyLevel, selectors?: PrivacySelectors): boolean {
  const l = elementPrivacy(el, defaultLevel, selectors);
  return l === 'mask' || l === 'hidden';
}

/** The subset of rrweb's record options that privacy controls. */
export interface RecordPrivacyOptions {
  maskAllInputs: true;
  maskInputFn: (text: string, element: HTMLElement) => string;
  maskTextClass: string;
  maskTextSelector: string;
  maskTextFn: (text: string, element: HTMLElement | null) => string;
  blockClass: string;
  blockSelector: string;
}

export function recordPrivacyOptions(defaultLevel: PrivacyLevel, selectors?: PrivacySelectors): RecordPrivacyOptions {
  const list = (base: string, level: NodePrivacyLevel) => [base, ...(selectors?.[level] ?? [])].join(',');
  return {
    maskAllInputs: true,
    maskInputFn: (text, el) => (shouldMaskInput(el, defaultLevel, selectors) ? maskText(text) : text),
    maskTextClass: MASK_CLASS,
    // Under `mask` every text node may be masked; otherwise only text below a mask marker.
    maskTextSelector: defaultLevel === 'mask' ? '*' : list(`[${PRIVACY_ATTRIBUTE}="mask"]`, 'mask'),
    maskTextFn: (text, el) => (shouldMaskText(el, defaultLevel, selectors) ? maskText(text) : text),
    blockClass: HIDDEN_CLASS,
    blockSelector: list(`[${PRIVACY_ATTRIBUTE}="hidden"]`, 'hidden'),
  };
}
