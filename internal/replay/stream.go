package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/reprise-rum/reprise/internal/store"
)

// Converter turns one view's Datadog segments, fed in index_in_view order,
// into rrweb events (internal/ddreplay's ViewConverter). On error it may
// return the events converted before the failure.
type Converter interface {
	Convert(segment []byte) ([]json.RawMessage, error)
}

// Missing is a segment the stream had to leave out, and why. The rest of the
// session still plays.
type Missing struct {
	Segment string `json:"segment"`
	ViewID  string `json:"view_id,omitempty"`
	Start   int64  `json:"start"`
	End     int64  `json:"end"`
	Reason  string `json:"reason"`
}

// Streamer reads a session's stored segments and emits rrweb events.
type Streamer struct {
	Reader store.Reader
	// NewConverter makes a converter for one view of Datadog-format
	// segments; nil leaves such segments out as missing.
	NewConverter         func() Converter
	MaxDecompressedBytes int64
	Logger               *slog.Logger
}

// Emitter receives the stream: Event for each rrweb event in order, Flush
// after each segment so the client can start playing before the end.
type Emitter interface {
	Event(json.RawMessage) error
	Flush()
}

// Stream emits the session's rrweb events from the last full snapshot at or
// before from (ms since epoch; 0 = the start) up to to (0 = the end). Events
// before from are included: the player needs them to rebuild the page at
// from. Only one segment is held in memory at a time. It returns the
// segments it had to leave out; an error means the stream itself failed
// (store unreachable, client gone).
func (s *Streamer) Stream(ctx context.Context, sessionID string, from, to int64, out Emitter) ([]Missing, error) {
	segs, err := s.Reader.Segments(ctx, sessionID, 0, 0)
	if err != nil {
		return nil, fmt.Errorf("list segments of session %s: %w", sessionID, err)
	}
	segs = Window(segs, from, to)

	views := map[string]*viewState{}
	missing := []Missing{}
	for _, seg := range segs {
		if err := ctx.Err(); err != nil {
			return missing, err
		}
		events, reason := s.segmentEvents(ctx, seg, views)
		if reason != "" {
			missing = append(missing, Missing{Segment: seg.ID, ViewID: seg.ViewID, Start: seg.Start, End: seg.End, Reason: reason})
		}
		for _, ev := range events {
			if to > 0 && timestamp(ev) > to {
				continue
			}
			if err := out.Event(ev); err != nil {
				return missing, err
			}
		}
		out.Flush()
	}
	return missing, nil
}

// Window picks the segments a replay of [from, to] needs: from the last
// segment with a full snapshot starting at or before from (or the first
// segment), to the last segment starting at or before to. segs must be in
// the store's order (by start).
func Window(segs []store.SegmentMeta, from, to int64) []store.SegmentMeta {
	first := 0
	for i, seg := range segs {
		if seg.HasFullSnapshot && seg.Start <= from {
			first = i
		}
	}
	last := len(segs)
	if to > 0 {
		for last > first && segs[last-1].Start > to {
			last--
		}
	}
	return segs[first:last]
}

// viewState tracks the Datadog decoding state of one view.
type viewState struct {
	conv      Converter
	lastIndex int
	broken    bool // a segment was lost or failed: wait for a full snapshot
}

// segmentEvents reads one segment; a non-empty reason means it is (partly)
// missing.
func (s *Streamer) segmentEvents(ctx context.Context, seg store.SegmentMeta, views map[string]*viewState) ([]json.RawMessage, string) {
	if seg.Format == FormatDatadog && s.NewConverter == nil {
		return nil, "Datadog record conversion is not available in this build"
	}
	raw, err := s.read(ctx, seg)
	if err != nil {
		if s.Logger != nil {
			s.Logger.Warn("replay: segment unreadable", "session", seg.SessionID, "segment", seg.ID, "err", err)
		}
		if seg.Format == FormatDatadog {
			if st := views[seg.ViewID]; st != nil {
				st.broken = true
			}
		}
		return nil, err.Error()
	}
	recs, err := Records(raw)
	if err != nil {
		return nil, err.Error()
	}
	if seg.Format != FormatDatadog {
		return recs, ""
	}

	st := views[seg.ViewID]
	switch {
	case st == nil:
		st = &viewState{conv: s.NewConverter()}
		views[seg.ViewID] = st
	case seg.HasFullSnapshot:
		st.broken = false
	case seg.IndexInView != st.lastIndex+1:
		// Datadog's string table and node ids carry across a view's
		// segments: after a gap, later records would decode to garbage.
		st.broken = true
	}
	st.lastIndex = seg.IndexInView
	if st.broken {
		return nil, fmt.Sprintf("an earlier segment of view %s is missing or unreadable; Datadog records cannot be decoded until the next full snapshot", seg.ViewID)
	}
	events, err := st.conv.Convert(recordsArray(recs))
	if err != nil {
		st.broken = true // the converter dropped its state; see ddreplay.Convert
		return events, "convert Datadog records: " + err.Error()
	}
	return events, ""
}

// read returns the segment's decompressed bytes, bounded.
func (s *Streamer) read(ctx context.Context, seg store.SegmentMeta) ([]byte, error) {
	rc, err := s.Reader.OpenSegment(ctx, seg)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, errors.New("segment bytes are gone (blob file missing)")
		}
		return nil, fmt.Errorf("open segment: %w", err)
	}
	defer rc.Close()
	zr, err := NewReader(seg.Encoding, rc)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	raw, err := ReadLimited(zr, s.MaxDecompressedBytes)
	if err != nil {
		return nil, fmt.Errorf("segment is corrupt: %w", err)
	}
	return raw, nil
}

// recordsArray joins records into one JSON array, the shape the converter
// accepts whatever shape (object, array, NDJSON) the segment arrived in.
func recordsArray(recs []json.RawMessage) []byte {
	return append(append([]byte{'['}, bytes.Join(bytesOf(recs), []byte{','})...), ']')
}

func bytesOf(recs []json.RawMessage) [][]byte {
	out := make([][]byte, len(recs))
	for i, r := range recs {
		out[i] = r
	}
	return out
}

// timestamp reads an event's "timestamp" (ms since epoch), 0 if absent.
func timestamp(ev json.RawMessage) int64 {
	var t struct {
		Timestamp float64 `json:"timestamp"`
	}
	if json.Unmarshal(ev, &t) != nil {
		return 0
	}
	return int64(t.Timestamp)
}
