// Privacy: what the replay may show. The page-wide default level comes from init
// (`defaultPrivacyLevel`); an element overrides it for its subtree with
// data-reprise-privacy="allow|mask|mask-user-input|hidden" or the classes reprise-mask,
// reprise-hidden (and reprise-allow, reprise-mask-user-input). `hidden` anywhere above an
// element wins; otherwise the nearest explicit level wins.
//
//   allow            text and input values shown, except always-masked fields (passwords, …)
//   mask-user-input  text shown, every input value masked (the default)
//   mask             text and input values masked
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

function ownLevel(el: Element): NodePrivacyLevel | undefined {
  const attr = el.getAttribute(PRIVACY_ATTRIBUTE);
  if (attr === 'hidden' || el.classList.contains(HIDDEN_CLASS)) return 'hidden';
  if (attr && isPrivacyLevel(attr)) return attr;
  if (el.classList.contains(MASK_CLASS)) return 'mask';
  if (el.classList.contains(MASK_USER_INPUT_CLASS)) return 'mask-user-input';
  if (el.classList.contains(ALLOW_CLASS)) return 'allow';
  return undefined;
}

/** elementPrivacy is the effective level of el (a null element gets the default). */
export function elementPrivacy(el: Element | null | undefined, defaultLevel: PrivacyLevel): NodePrivacyLevel {
  let nearest: NodePrivacyLevel | undefined;
  for (let e: Element | null | undefined = el; e; e = e.parentElement) {
    const l = ownLevel(e);
    if (l === 'hidden') return 'hidden';
    if (l && !nearest) nearest = l;
  }
  return nearest ?? defaultLevel;
}

const SENSITIVE_AUTOCOMPLETE = /^(cc-|one-time-code|current-password|new-password)/;

/** isAlwaysMasked: fields masked at every level, `allow` included. */
export function isAlwaysMasked(el: Element | null | undefined): boolean {
  if (!el || el.tagName !== 'INPUT') return false;
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (type === 'password' || type === 'hidden') return true;
  const ac = (el.getAttribute('autocomplete') || '').toLowerCase().trim();
  return SENSITIVE_AUTOCOMPLETE.test(ac);
}

export const maskText = (text: string): string => text.replace(/\S/g, '*');

export function shouldMaskInput(el: Element | null | undefined, defaultLevel: PrivacyLevel): boolean {
  return isAlwaysMasked(el) || elementPrivacy(el, defaultLevel) !== 'allow';
}

export function shouldMaskText(el: Element | null | undefined, defaultLevel: PrivacyLevel): boolean {
  const l = elementPrivacy(el, defaultLevel);
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

export function recordPrivacyOptions(defaultLevel: PrivacyLevel): RecordPrivacyOptions {
  return {
    maskAllInputs: true,
    maskInputFn: (text, el) => (shouldMaskInput(el, defaultLevel) ? maskText(text) : text),
    maskTextClass: MASK_CLASS,
    // Under `mask` every text node may be masked; otherwise only text below a mask marker.
    maskTextSelector: defaultLevel === 'mask' ? '*' : `[${PRIVACY_ATTRIBUTE}="mask"]`,
    maskTextFn: (text, el) => (shouldMaskText(el, defaultLevel) ? maskText(text) : text),
    blockClass: HIDDEN_CLASS,
    blockSelector: `[${PRIVACY_ATTRIBUTE}="hidden"]`,
  };
}
