// Package ddreplay converts Datadog browser session replay records into rrweb
// events, so that replays sent by @datadog/browser-rum (or SDKs forked from
// it, such as Guance's) play in Reprise's rrweb player.
//
// Two record formats exist. SDK 7.x sends the Change format: full snapshots
// and DOM mutations as compact edit lists (record type 12 and full snapshots
// with "format":1) whose strings live in a table and whose node ids are
// implicit, so decoding needs state carried across the segments of a view.
// Older SDKs (≤ 6.x) and Guance's fork send the V1 format, which is close to
// rrweb's. docs/datadog.md has the mapping table.
//
// Conversion happens when a replay is read, not at ingest: most recordings
// are never watched.
package ddreplay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Limits that bound the memory one view's conversion can take, whatever the
// input. They sit far above what real pages produce (Datadog's own string
// table is capped at 1,000,000 entries).
const (
	maxNodes        = 250_000   // live nodes in one view's virtual DOM
	maxDepth        = 1_500     // tree depth
	maxAttrsPerNode = 512       // attributes on one element
	maxAttrs        = 2_000_000 // attributes in one view's virtual DOM
	maxStrings      = 2_000_000 // string table entries
	maxStringBytes  = 64 << 20  // bytes held by the string table and literals
	maxSheets       = 100_000   // style sheets per full snapshot scope
	maxAliases      = 100_000   // V1 shadow-root ids folded into their hosts
	maxOutputBytes  = 128 << 20 // rough size of the events one Convert call produces
)

// ErrNoFullSnapshot is returned for Change records that arrive before the full
// snapshot that starts their view, or after an earlier error discarded the
// view's state: without the string table and node ids they cannot be decoded.
var ErrNoFullSnapshot = errors.New("change record without a preceding full snapshot")

// Datadog record types. 6, 7 and 8 collide with rrweb's Plugin, Asset and
// Annotation and must never be passed through unchanged.
const (
	ddFullSnapshot        = 2
	ddIncrementalSnapshot = 3
	ddMeta                = 4
	ddFocus               = 6
	ddViewEnd             = 7
	ddVisualViewport      = 8
	ddFrustration         = 9
	ddChange              = 12
)

// rrweb event types.
const (
	rrFullSnapshot        = 2
	rrIncrementalSnapshot = 3
	rrMeta                = 4
	rrCustom              = 5
)

// ViewConverter converts the Datadog replay segments of ONE view, fed in
// index_in_view order. It is not safe for concurrent use.
type ViewConverter struct {
	change *changeState // nil until a Change-format full snapshot is seen
	v1     v1State
}

// NewViewConverter returns a converter with empty state, ready for the
// view's first segment.
func NewViewConverter() *ViewConverter {
	return &ViewConverter{}
}

// Convert takes one decompressed segment (`{"records":[…], …metadata}` JSON
// object, or a bare records array) and returns rrweb events (JSON, with
// "type", "data", "timestamp").
//
// On error it returns the events of the records before the bad one together
// with the error. The Change-format state is then discarded, so later Change
// records of the view fail with ErrNoFullSnapshot until a new full snapshot
// arrives: the caller should mark the rest of the view missing.
func (c *ViewConverter) Convert(segment []byte) ([]json.RawMessage, error) {
	records, err := parseSegment(segment)
	if err != nil {
		return nil, err
	}
	b := &budget{left: maxOutputBytes}
	var out []json.RawMessage
	for i, raw := range records {
		events, err := c.convertRecord(raw, b)
		if err != nil {
			c.change = nil
			return out, fmt.Errorf("record %d: %w", i, err)
		}
		out = append(out, events...)
	}
	return out, nil
}

// parseSegment returns the raw records of a segment in either accepted shape.
func parseSegment(segment []byte) ([]json.RawMessage, error) {
	trimmed := bytes.TrimSpace(segment)
	if len(trimmed) == 0 {
		return nil, errors.New("empty segment")
	}
	var records []json.RawMessage
	switch trimmed[0] {
	case '[':
		if err := json.Unmarshal(trimmed, &records); err != nil {
			return nil, fmt.Errorf("decode records array: %w", err)
		}
	case '{':
		var seg struct {
			Records []json.RawMessage `json:"records"`
		}
		if err := json.Unmarshal(trimmed, &seg); err != nil {
			return nil, fmt.Errorf("decode segment: %w", err)
		}
		if seg.Records == nil {
			return nil, errors.New("segment has no records")
		}
		records = seg.Records
	default:
		return nil, errors.New("segment is neither a JSON object nor an array")
	}
	return records, nil
}

type record struct {
	Type      int             `json:"type"`
	Timestamp float64         `json:"timestamp"`
	Format    *int            `json:"format"`
	Data      json.RawMessage `json:"data"`
}

func (c *ViewConverter) convertRecord(raw json.RawMessage, b *budget) ([]json.RawMessage, error) {
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("decode record: %w", err)
	}
	ts := rec.Timestamp
	switch rec.Type {
	case ddMeta:
		return convertMeta(rec.Data, ts)
	case ddFullSnapshot:
		// Format 1 is Change; 0 or absent is V1. The data's shape decides
		// when the two disagree: an array can only be a Change list.
		if (rec.Format != nil && *rec.Format == 1) || isJSONArray(rec.Data) {
			st := newChangeState()
			events, err := st.fullSnapshot(rec.Data, ts, b)
			if err != nil {
				return nil, fmt.Errorf("change full snapshot: %w", err)
			}
			c.change = st
			return events, nil
		}
		events, err := c.v1.fullSnapshot(rec.Data, ts, b)
		if err != nil {
			return nil, fmt.Errorf("v1 full snapshot: %w", err)
		}
		return events, nil
	case ddChange:
		if c.change == nil {
			return nil, ErrNoFullSnapshot
		}
		events, err := c.change.incremental(rec.Data, ts, b)
		if err != nil {
			return nil, fmt.Errorf("change record: %w", err)
		}
		return events, nil
	case ddIncrementalSnapshot:
		return c.incremental(rec.Data, ts, b)
	case ddFocus:
		var d struct {
			HasFocus bool `json:"has_focus"`
		}
		if err := json.Unmarshal(rec.Data, &d); err != nil {
			return nil, fmt.Errorf("decode focus: %w", err)
		}
		return one(customEvent("dd_focus", map[string]bool{"has_focus": d.HasFocus}, ts))
	case ddViewEnd:
		// Kept as a marker: it is the view's boundary, useful to a player.
		return one(customEvent("dd_view_end", struct{}{}, ts))
	case ddFrustration:
		if !json.Valid(rec.Data) || len(rec.Data) == 0 {
			return nil, nil
		}
		if err := b.spend(len(rec.Data)); err != nil {
			return nil, err
		}
		return one(customEvent("dd_frustration", rec.Data, ts))
	default:
		// VisualViewport (pinch zoom) has no rrweb equivalent; unknown types
		// from newer SDKs are dropped rather than guessed at.
		return nil, nil
	}
}

func convertMeta(data json.RawMessage, ts float64) ([]json.RawMessage, error) {
	var m struct {
		Href   string  `json:"href"`
		Width  float64 `json:"width"`
		Height float64 `json:"height"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("decode meta: %w", err)
	}
	return one(event(rrMeta, m, ts))
}

func isJSONArray(b json.RawMessage) bool {
	t := bytes.TrimSpace(b)
	return len(t) > 0 && t[0] == '['
}

// event encodes one rrweb event.
func event(typ int, data any, ts float64) (json.RawMessage, error) {
	b, err := json.Marshal(struct {
		Type      int     `json:"type"`
		Data      any     `json:"data"`
		Timestamp float64 `json:"timestamp"`
	}{typ, data, ts})
	if err != nil {
		return nil, fmt.Errorf("encode event: %w", err)
	}
	return b, nil
}

func customEvent(tag string, payload any, ts float64) (json.RawMessage, error) {
	return event(rrCustom, struct {
		Tag     string `json:"tag"`
		Payload any    `json:"payload"`
	}{tag, payload}, ts)
}

func one(ev json.RawMessage, err error) ([]json.RawMessage, error) {
	if err != nil {
		return nil, err
	}
	return []json.RawMessage{ev}, nil
}

// budget bounds how much output one Convert call can produce: a few bytes of
// input can reference a large string many times.
type budget struct{ left int }

func (b *budget) spend(n int) error {
	b.left -= n
	if b.left < 0 {
		return fmt.Errorf("output exceeds %d bytes", maxOutputBytes)
	}
	return nil
}
