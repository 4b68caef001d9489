import { describe, expect, it } from 'vitest';
import { itemsFromRecords, itemsFromRum, mergeItems, urlPath } from './items';
import type { ReplayEvent, RumEvent } from './types';

const inc = (t: number, data: object) => ({ type: 3, timestamp: t, data }) as unknown as ReplayEvent;

describe('itemsFromRum', () => {
  it('makes a row per view, action and error with a link to its detail page', () => {
    const rum: RumEvent[] = [
      { type: 'view', id: 'v1', date: 1, view_url: 'https://shop.test/cart?x=1#top' },
      { type: 'action', id: 'a1', date: 2, action: { type: 'click', target_name: 'Add to cart' } },
      { type: 'error', id: 'e/1', date: 3, error: { message: 'boom', kind: 'TypeError', source: 'source' } },
      { type: 'resource', id: 'r1', date: 4 },
    ];
    expect(itemsFromRum(rum)).toEqual([
      { id: 'view:v1', kind: 'view', at: 1, title: '/cart?x=1#top', detail: 'https://shop.test/cart?x=1#top', href: '/views/v1' },
      { id: 'action:a1', kind: 'action', at: 2, title: 'Click on “Add to cart”', detail: '', href: '/actions/a1' },
      { id: 'error:e/1', kind: 'error', at: 3, title: 'boom', detail: 'TypeError · source', href: '/errors/e%2F1' },
    ]);
  });
});

describe('itemsFromRecords', () => {
  it('turns typing into one row per field and burst', () => {
    const events = [inc(1000, { source: 5, id: 7, text: 'a' }), inc(1200, { source: 5, id: 7, text: 'ab' }), inc(1300, { source: 5, id: 9 }), inc(9000, { source: 5, id: 9 })];
    const rows = itemsFromRecords(events, { withClicks: false, withPages: false });
    expect(rows.map((r) => [r.kind, r.at])).toEqual([
      ['input', 1000],
      ['input', 1300],
      ['input', 9000],
    ]);
  });

  it('shows scrolls that move far enough, with their direction', () => {
    const events = [inc(1000, { source: 3, id: 1, y: 50 }), inc(1100, { source: 3, id: 1, y: 120 }), inc(5000, { source: 3, id: 1, y: 900 }), inc(9000, { source: 3, id: 1, y: 100 })];
    const rows = itemsFromRecords(events, { withClicks: false, withPages: false });
    expect(rows.map((r) => [r.at, r.title])).toEqual([
      [5000, 'Scrolled down'],
      [9000, 'Scrolled up'],
    ]);
  });

  it('adds recorded clicks and page loads only when the RUM events have none', () => {
    const events = [
      { type: 4, timestamp: 1, data: { href: 'https://a.test/x', width: 1, height: 1 } },
      { type: 4, timestamp: 2, data: { href: 'https://a.test/x', width: 1, height: 1 } },
      inc(3, { source: 2, type: 2, id: 4 }),
      inc(4, { source: 2, type: 1, id: 4 }),
    ] as ReplayEvent[];
    expect(itemsFromRecords(events, { withClicks: false, withPages: false })).toEqual([]);
    const rows = itemsFromRecords(events, { withClicks: true, withPages: true });
    expect(rows.map((r) => [r.kind, r.at, r.title])).toEqual([
      ['view', 1, '/x'],
      ['action', 3, 'Click'],
    ]);
  });

  it('survives malformed records', () => {
    const junk = [inc(1, null as any), inc(2, { source: 'x' }), { type: 3, timestamp: 3 } as any, inc(4, { source: 3, y: 'no' })];
    expect(() => itemsFromRecords(junk, { withClicks: true, withPages: true })).not.toThrow();
  });
});

describe('mergeItems', () => {
  it('keeps time order and drops ids already listed', () => {
    const a = [{ id: 'x', kind: 'view' as const, at: 5, title: 'x' }];
    const b = [
      { id: 'x', kind: 'view' as const, at: 5, title: 'x' },
      { id: 'y', kind: 'error' as const, at: 1, title: 'y' },
    ];
    expect(mergeItems(a, b).map((i) => i.id)).toEqual(['y', 'x']);
    expect(mergeItems(a, [a[0]])).toBe(a);
  });
});

describe('urlPath', () => {
  it('keeps path, query and fragment; leaves non-URLs alone', () => {
    expect(urlPath('https://h.test/a/b?c=1#d')).toBe('/a/b?c=1#d');
    expect(urlPath('not a url')).toBe('not a url');
  });
});
