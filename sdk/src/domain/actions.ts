// Click actions. The target's name is what a person would call the thing they clicked: its
// aria-label, else its text (collapsed, at most 100 characters), else its name, id or tag.
// Text and attributes that the replay masks are never used as a name, so privacy settings
// hold here too: under `mask` an element is named by its name, id or tag; under `hidden` by
// its tag.

import { listen } from '../browser/listen';
import { elementPrivacy, type PrivacyLevel, type PrivacySelectors } from './privacy';

export const MAX_TARGET_NAME = 100;

// Clicks land on the innermost element (an <svg> in a button); name the control instead.
const INTERACTIVE = 'button,a,[role="button"],[role="link"],[role="menuitem"],[role="tab"],input,select,textarea,label,summary';

function truncate(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > MAX_TARGET_NAME ? `${t.slice(0, MAX_TARGET_NAME - 1)}…` : t;
}

export function actionTargetName(target: Element, defaultLevel: PrivacyLevel, selectors?: PrivacySelectors): string {
  const el = target.closest(INTERACTIVE) ?? target;
  const level = elementPrivacy(el, defaultLevel, selectors);
  if (level === 'hidden') return el.tagName.toLowerCase();
  // Under `mask` the replay masks aria-label like text, so neither names the action.
  const aria = level === 'mask' ? null : el.getAttribute('aria-label');
  if (aria && aria.trim()) return truncate(aria);
  if (level !== 'mask') {
    let text = '';
    if (el.tagName === 'INPUT') {
      const type = (el.getAttribute('type') || '').toLowerCase();
      // Only buttons' values are labels; other inputs' values are user data.
      if (type === 'button' || type === 'submit' || type === 'reset') text = (el as HTMLInputElement).value;
    } else if (el.tagName !== 'SELECT' && el.tagName !== 'TEXTAREA') {
      text = (el as HTMLElement).innerText ?? el.textContent ?? '';
      if (!text) text = el.textContent ?? '';
    }
    const t = truncate(text);
    if (t) return t;
  }
  const name = el.getAttribute('name');
  if (name) return truncate(name);
  if (el.id) return `#${truncate(el.id)}`;
  return el.tagName.toLowerCase();
}

export function trackClicks(
  doc: Document,
  defaultLevel: PrivacyLevel,
  onClick: (name: string) => void,
  selectors?: PrivacySelectors,
): () => void {
  return listen<MouseEvent>(doc, 'click', (e) => {
    const t = e.target;
    if (!t || !(t as Element).tagName) return;
    onClick(actionTargetName(t as Element, defaultLevel, selectors));
  });
}
