// The one file that imports rrweb's recorder (@rrweb/record, not the `rrweb` package, which
// would pull in the replayer and postcss). Everything else sees startRecorder().

import { record } from '@rrweb/record';
import { callMonitored, monitor } from '../../tools/monitor';
import { recordPrivacyOptions, type PrivacyLevel, type PrivacySelectors } from '../privacy';
import { createRecordPrivacy } from './recordPrivacy';
import type { RecordLike } from './segments';

/** Written into every segment's metadata; a test checks it against node_modules. */
export const RECORDER_VERSION = '@rrweb/record@2.1.6';

/** A full snapshot every 5 minutes, so seeking in a long view starts near its target. */
export const CHECKOUT_EVERY_MS = 5 * 60 * 1000;

export interface Recorder {
  takeFullSnapshot(): void;
  stop(): void;
}

export function startRecorder(opts: {
  privacyLevel: PrivacyLevel;
  privacySelectors?: PrivacySelectors;
  redactUrl?: (url: string) => string;
  emit: (r: RecordLike) => void;
}): Recorder | undefined {
  // Masking rrweb's options cannot express (attributes, images, checkbox state, link hrefs),
  // applied in the emit callback while rrweb's mirror still maps ids to live nodes.
  const applyPrivacy = createRecordPrivacy({
    defaultLevel: opts.privacyLevel,
    selectors: opts.privacySelectors,
    redactUrl: opts.redactUrl ?? ((u) => u),
    getNode: (id) => record.mirror.getNode(id) as Node | null,
  });
  // record() throws in browsers (or test DOMs) it does not support: then there is no replay,
  // and RUM goes on.
  const stop = callMonitored(() => record({
    ...recordPrivacyOptions(opts.privacyLevel, opts.privacySelectors),
    emit: monitor((e) => {
      // A record that cannot be made private is not sent at all.
      applyPrivacy(e as RecordLike);
      opts.emit(e as RecordLike);
    }),
    checkoutEveryNms: CHECKOUT_EVERY_MS,
    // rrweb waits for `load` by default: with slow images the first seconds would be lost.
    recordAfter: 'DOMContentLoaded',
    // Inline stylesheets so a replay keeps its styles after the site redeploys.
    inlineStylesheet: true,
    collectFonts: false,
    recordCanvas: false,
    // Thin out the noisiest sources; replays stay smooth at these rates. Input is recorded at
    // every keystroke (masked as configured) so a replay shows typing as it happened.
    sampling: { mousemove: 50, scroll: 150, media: 800 },
    slimDOMOptions: { script: true, comment: true, headFavicon: true, headMetaDescKeywords: true },
    errorHandler: () => true, // rrweb's own errors must not reach the page
  }));
  if (!stop) return undefined;
  return {
    takeFullSnapshot: monitor(() => record.takeFullSnapshot(true)),
    stop: monitor(() => {
      stop();
      // rrweb's stop leaves its module-level node map (id ↔ DOM node) full until the next
      // record(): clear it so stop() really frees the page's nodes.
      record.mirror.reset();
    }),
  };
}
