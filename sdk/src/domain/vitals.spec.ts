import { describe, expect, it } from 'vitest';
import { vitalToMetrics } from './vitals';

describe('web vitals', () => {
  it('maps each metric onto the view field in the RUM schema units', () => {
    expect(vitalToMetrics({ name: 'LCP', value: 1234.5 })).toEqual({ largest_contentful_paint: 1_234_500_000 });
    expect(vitalToMetrics({ name: 'FCP', value: 800 })).toEqual({ first_contentful_paint: 800_000_000 });
    expect(vitalToMetrics({ name: 'INP', value: 72 })).toEqual({ interaction_to_next_paint: 72_000_000 });
    expect(vitalToMetrics({ name: 'TTFB', value: 35.2 })).toEqual({ first_byte: 35_200_000 });
    expect(vitalToMetrics({ name: 'CLS', value: 0.123456 })).toEqual({ cumulative_layout_shift: 0.1235 });
  });
});
