// Click actions. The target's name is what a person would call the thing they clicked: its
// aria-label, else its text (collapsed, at most 100 characters), else its name, id or tag.
// Text that the replay masks is never used as a name, so privacy settings hold here too.

import { listen } from '../browser/listen';
import { elementPrivacy, type PrivacyLevel } from './privacy';

export const MAX_TARGET_NAME = 100;

// Clicks land on the innermost element (an <svg> in a button); name the control instead.
const INTERACTIVE = 'button,a,[role="button"],[role="link"],[role="menuitem"],[role="tab"],input,select,textarea,label,summary';

function truncate(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > MAX_TARGET_NAME ? `${t.slice(0, MAX_TARGET_NAME - 1)}…` : t;
}

export function actionTargetName(target: Element, defaultLevel: PrivacyLevel): string {
  const el = target.closest(INTERACTIVE) ?? target;
  const level = elementPrivacy(el, defaultLevel);
  if (level === 'hidden') return el.tagName.toLowerCase();
  const aria = el.getAttribute('aria-label');
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

export function trackClicks(doc: Document, defaultLevel: PrivacyLevel, onClick: (name: string) => void): () => void {
  return listen<MouseEvent>(doc, 'click', (e) => {
    const t = e.target;
    if (!t || !(t as Element).tagName) return;
    onClick(actionTargetName(t as Element, defaultLevel));
  });
}
