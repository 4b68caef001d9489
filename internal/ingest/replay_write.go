package ingest

import (
	"errors"
	"fmt"
	"mime"
	"net/http"

	"github.com/reprise-rum/reprise/internal/auth"
	"github.com/reprise-rum/reprise/internal/replay"
	"github.com/reprise-rum/reprise/internal/respond"
	"github.com/reprise-rum/reprise/internal/store"
)

// segmentResult is the answer to a replay upload.
type segmentResult struct {
	Accepted int `json:"accepted"`
	Dropped  int `json:"dropped,omitempty"`
}

// Replay serves POST /v1/write/rum/replay: one segment as multipart form
// data, stored exactly as received once it proves to inflate to records.
func (h *Handler) Replay(w http.ResponseWriter, r *http.Request) {
	if !h.replayEnabled {
		h.ReplayDisabled(w, r)
		return
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		h.rejectSegment(w, r, errorf(http.StatusUnsupportedMediaType, fmt.Sprintf("content type %q: want multipart/form-data with a segment part", r.Header.Get("Content-Type"))))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.limits.MaxBodyBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		h.rejectSegment(w, r, errorf(http.StatusBadRequest, "multipart: "+err.Error()))
		return
	}
	up, err := decodeReplayForm(mr)
	if err != nil {
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			err = errorf(http.StatusBadRequest, err.Error())
		}
		h.rejectSegment(w, r, err)
		return
	}
	if !up.hasSegment {
		if up.hasImage || up.meta.Type == "resource" {
			// Datadog's experimental canvas uploads: acknowledged so the SDK
			// does not retry, but not kept.
			h.stats.ResourcesDropped.Add(1)
			respond.JSON(w, http.StatusAccepted, segmentResult{Dropped: 1})
			return
		}
		h.rejectSegment(w, r, errorf(http.StatusBadRequest, "missing segment part"))
		return
	}
	meta, err := up.meta.toMeta()
	if err != nil {
		h.rejectSegment(w, r, err)
		return
	}
	if err := auth.CheckIntakeApp(r.Context(), meta.AppID); err != nil {
		h.rejectSegment(w, r, errorf(http.StatusForbidden, err.Error()))
		return
	}
	if err := h.segmentPolicy.Check(meta.AppID, meta.PrivacyLevel); err != nil {
		// 403, not 5xx/429: the SDK must not retry a segment that will never
		// be accepted.
		h.rejectSegment(w, r, errorf(http.StatusForbidden, err.Error()))
		return
	}
	if err := h.checkSegment(&meta, up.segment); err != nil {
		h.rejectSegment(w, r, err)
		return
	}
	if err := h.segments.AppendSegment(r.Context(), meta, up.segment); err != nil {
		h.fail(w, r, fmt.Errorf("append segment of session %s: %w", meta.SessionID, err))
		return
	}
	h.stats.SegmentsAccepted.Add(1)
	respond.JSON(w, http.StatusAccepted, segmentResult{Accepted: 1})
}

func (h *Handler) rejectSegment(w http.ResponseWriter, r *http.Request, err error) {
	h.stats.SegmentsRejected.Add(1)
	h.fail(w, r, err)
}

// checkSegment inflates the segment (bounded while inflating), checks that it
// holds records, and completes the metadata from what it holds: encoding,
// size, record count, and start/end/full-snapshot when the client left them
// out.
func (h *Handler) checkSegment(meta *store.SegmentMeta, data []byte) error {
	enc, err := replay.SniffEncoding(data)
	if err != nil {
		return errorf(http.StatusBadRequest, "segment: "+err.Error())
	}
	raw, err := replay.Decompress(enc, data, h.limits.MaxDecompressedBytes)
	if err != nil {
		if errors.Is(err, replay.ErrTooLarge) {
			return err
		}
		return errorf(http.StatusBadRequest, "segment: "+err.Error())
	}
	// Checked and counted in one pass, without decoding the records: the
	// bytes are stored as sent and decoded only when someone watches.
	check, err := replay.CheckSegment(raw)
	if err != nil {
		return errorf(http.StatusBadRequest, "segment: "+err.Error())
	}
	if check.Records == 0 {
		return errorf(http.StatusBadRequest, "segment has no records")
	}
	if check.Records > h.limits.MaxRecordsPerSegment {
		return errorf(http.StatusRequestEntityTooLarge, fmt.Sprintf("segment has %d records, more than limits.max_records_per_segment (%d)", check.Records, h.limits.MaxRecordsPerSegment))
	}
	meta.Encoding = enc
	meta.RawSize = int64(len(raw))
	meta.RecordsCount = check.Records
	if meta.Start == 0 || meta.End == 0 {
		s := check.Summary
		meta.Start, meta.End = s.Start, s.End
		meta.HasFullSnapshot = meta.HasFullSnapshot || s.HasFullSnapshot
	}
	if meta.Start == 0 {
		return errorf(http.StatusBadRequest, "segment has no start time and its records no timestamps")
	}
	if meta.End < meta.Start {
		meta.End = meta.Start
	}
	return nil
}
