// Builds the multipart request for one segment (DESIGN 3.3): part `segment` holds the
// compressed `{"records":[…]}` (filename `<session>-<start>`), part `event` the metadata JSON.
// Same shape as Datadog's SDK, so one intake serves both.

import type { Payload } from '../../transport/httpRequest';
import type { SegmentMetadata } from './segments';

export function buildSegmentPayload(meta: SegmentMetadata, segment: Uint8Array, compressed: boolean): Payload {
  const form = new FormData();
  const type = compressed ? 'application/octet-stream' : 'application/json';
  const filename = `${meta.session.id}-${meta.start}`;
  // A File carries its name in every FormData implementation; Blob + filename is the fallback.
  if (typeof File === 'function') form.append('segment', new File([segment as BlobPart], filename, { type }));
  else form.append('segment', new Blob([segment as BlobPart], { type }), filename);
  const event = JSON.stringify(meta);
  form.append('event', new Blob([event], { type: 'application/json' }));
  return { body: form, bytes: segment.byteLength + event.length + 512 /* multipart framing */ };
}
