package main

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"
)

// The replay corpus: rrweb records captured from @rrweb/record on the bench page with real
// input (e2e/bench/capture-corpus.mjs). Segments are cut from it and varied, so the bytes
// compress like real recordings do, not like repeated or random filler.
//
//go:embed testdata/*.json.gz
var testdata embed.FS

// rrweb event types (@rrweb/types EventType) that segment cutting cares about.
const (
	rrwebFullSnapshot = 2
	rrwebIncremental  = 3
	rrwebMeta         = 4
)

// record is one rrweb event, decoded only as far as cutting and varying need.
type record map[string]any

func (r record) typ() int {
	t, _ := r["type"].(float64)
	return int(t)
}

func (r record) timestamp() int64 {
	t, _ := r["timestamp"].(float64)
	return int64(t)
}

// recording is one captured record stream, with each record's JSON size precomputed for
// cutting.
type recording struct {
	recs  []record
	sizes []int
}

// loadRecords reads every captured recording in testdata.
func loadRecords() ([]recording, error) {
	names, err := testdata.ReadDir("testdata")
	if err != nil {
		return nil, fmt.Errorf("read corpus dir: %w", err)
	}
	var out []recording
	for _, n := range names {
		if !strings.HasSuffix(n.Name(), ".json.gz") {
			continue
		}
		f, err := testdata.Open("testdata/" + n.Name())
		if err != nil {
			return nil, fmt.Errorf("open corpus %s: %w", n.Name(), err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("gunzip corpus %s: %w", n.Name(), err)
		}
		var recs []record
		err = json.NewDecoder(zr).Decode(&recs)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("decode corpus %s: %w", n.Name(), err)
		}
		if len(recs) == 0 {
			return nil, fmt.Errorf("corpus %s: no records", n.Name())
		}
		rec := recording{recs: recs, sizes: make([]int, len(recs))}
		for i, r := range recs {
			raw, err := json.Marshal(r)
			if err != nil {
				return nil, fmt.Errorf("corpus %s record %d: %w", n.Name(), i, err)
			}
			rec.sizes[i] = len(raw)
		}
		out = append(out, rec)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no corpus in testdata")
	}
	return out, nil
}

// Segment is one replay segment ready to send: compressed records and their metadata.
type Segment struct {
	Data     []byte       // zlib-compressed {"records":[...]}, as our SDK sends it
	Meta     SegmentEvent // the multipart "event" part
	MetaJSON []byte
}

// SegmentEvent is the "event" part of a replay upload (DESIGN.md §3.3).
type SegmentEvent struct {
	Application    idField `json:"application"`
	Session        idField `json:"session"`
	View           idField `json:"view"`
	Start          int64   `json:"start"`
	End            int64   `json:"end"`
	RecordsCount   int     `json:"records_count"`
	HasFullSnap    bool    `json:"has_full_snapshot"`
	IndexInView    int     `json:"index_in_view"`
	Source         string  `json:"source"`
	CreationReason string  `json:"creation_reason"`
	RawSegmentSize int     `json:"raw_segment_size"`
	Format         string  `json:"format"`
}

type idField struct {
	ID string `json:"id"`
}

// segmentLimits mirror how replay SDKs cut segments: a few seconds of records or ~60 KB of
// raw JSON, whichever comes first (Datadog's SDK flushes at 60 KB raw or view change).
const (
	segmentMaxSpanMS = 5000
	segmentMaxRaw    = 60 << 10
)

// SegmentBuilder cuts varied segments out of the captured recordings.
type SegmentBuilder struct {
	recs  []recording
	rng   *rand.Rand
	appID string
	now   int64 // ms since epoch: where the synthetic sessions end
}

// NewSegmentBuilder returns a builder seeded for reproducible corpora.
func NewSegmentBuilder(recs []recording, appID string, now int64, seed uint64) *SegmentBuilder {
	return &SegmentBuilder{recs: recs, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), appID: appID, now: now}
}

// Session builds the segments of one synthetic session: its first segment starts with the
// recording's Meta and FullSnapshot records; the rest are incremental windows taken from a
// random place in the recording, re-timed to follow on, with ids, coordinates and text
// varied so no two segments compress alike.
func (b *SegmentBuilder) Session(sessionID string, segments int) ([]Segment, error) {
	src := b.recs[b.rng.IntN(len(b.recs))]
	if firstIncremental(src.recs) >= len(src.recs) {
		return nil, fmt.Errorf("corpus recording has no incremental records")
	}
	viewID := newUUID(b.rng)
	t := b.now - int64(segments)*segmentMaxSpanMS - int64(b.rng.IntN(3_600_000))
	var out []Segment
	pos := 0
	for i := 0; i < segments; i++ {
		var recs []record
		if i == 0 {
			recs = b.cut(src, 0)
		} else {
			// Incremental records only: start past the first full snapshot.
			if pos == 0 || pos >= len(src.recs) {
				pos = firstIncremental(src.recs) + b.rng.IntN(max(1, len(src.recs)/2))
			}
			recs = b.cut(src, pos)
			if len(recs) == 0 {
				pos = 0
				i--
				continue
			}
		}
		pos += len(recs)
		seg, err := b.encode(recs, sessionID, viewID, i, &t)
		if err != nil {
			return nil, err
		}
		out = append(out, seg)
	}
	return out, nil
}

func firstIncremental(src []record) int {
	for i, r := range src {
		if r.typ() == rrwebIncremental {
			return i
		}
	}
	return len(src)
}

// cut takes records from src[pos:] until the segment limits would be passed.
func (b *SegmentBuilder) cut(src recording, pos int) []record {
	if pos >= len(src.recs) {
		return nil
	}
	first := src.recs[pos].timestamp()
	size := 0
	end := pos
	content := false
	for end < len(src.recs) {
		r := src.recs[end]
		if end > pos && (r.timestamp()-first > segmentMaxSpanMS || size+src.sizes[end] > segmentMaxRaw) {
			break
		}
		// A new Meta + full snapshot starts a new segment (the SDK cuts at every view);
		// the page-load records before the first one stay with it.
		if content && r.typ() == rrwebMeta {
			break
		}
		content = content || r.typ() == rrwebFullSnapshot || r.typ() == rrwebIncremental
		size += src.sizes[end]
		end++
	}
	return src.recs[pos:end]
}

// encode re-times and varies a copy of recs, then compresses it.
func (b *SegmentBuilder) encode(recs []record, sessionID, viewID string, index int, t *int64) (Segment, error) {
	base := recs[0].timestamp()
	start := *t
	out := make([]any, len(recs))
	hasFull := false
	for i, r := range recs {
		c := b.vary(map[string]any(r)).(map[string]any)
		ts := start + (r.timestamp() - base)
		c["timestamp"] = ts
		out[i] = c
		*t = ts
		if r.typ() == rrwebFullSnapshot {
			hasFull = true
		}
	}
	end := *t
	*t += 100 + int64(b.rng.IntN(900)) // the gap before the next segment
	raw, err := json.Marshal(map[string]any{"records": out})
	if err != nil {
		return Segment{}, fmt.Errorf("marshal segment: %w", err)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(raw); err != nil {
		return Segment{}, fmt.Errorf("deflate segment: %w", err)
	}
	if err := zw.Close(); err != nil {
		return Segment{}, fmt.Errorf("deflate segment: %w", err)
	}
	reason := "segment_duration_limit"
	switch {
	case index == 0:
		reason = "init"
	case len(raw) > segmentMaxRaw:
		reason = "segment_bytes_limit"
	}
	ev := SegmentEvent{
		Application: idField{b.appID}, Session: idField{sessionID}, View: idField{viewID},
		Start: start, End: end, RecordsCount: len(recs), HasFullSnap: hasFull, IndexInView: index,
		Source: "browser", CreationReason: reason, RawSegmentSize: len(raw), Format: "rrweb",
	}
	meta, err := json.Marshal(ev)
	if err != nil {
		return Segment{}, fmt.Errorf("marshal segment event: %w", err)
	}
	return Segment{Data: z.Bytes(), Meta: ev, MetaJSON: meta}, nil
}

// vary deep-copies a decoded JSON value, jittering coordinates and rewriting digits in
// text, so that segments cut from the same recording differ the way real ones do.
func (b *SegmentBuilder) vary(v any) any {
	switch x := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(x))
		for k, e := range x {
			switch f, isNum := e.(float64); {
			case isNum && (k == "x" || k == "y"):
				c[k] = max(0, f+float64(b.rng.IntN(41)-20))
			case k == "textContent" || k == "text" || k == "value":
				if s, ok := e.(string); ok {
					c[k] = b.digits(s)
				} else {
					c[k] = b.vary(e)
				}
			default:
				c[k] = b.vary(e)
			}
		}
		return c
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = b.vary(e)
		}
		return c
	default:
		return v
	}
}

func (b *SegmentBuilder) digits(s string) string {
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	r := []byte(s)
	for i, c := range r {
		if c >= '0' && c <= '9' {
			r[i] = byte('0' + b.rng.IntN(10))
		}
	}
	return string(r)
}

// segmentBody writes the multipart/form-data body of one replay upload, shaped as
// Datadog's SDK (and ours) sends it: a "segment" file part and an "event" JSON part.
// sessionSuffix, when not empty, is appended to the session id so a replayed corpus
// still makes new sessions.
func segmentBody(w io.Writer, seg *Segment, boundary, sessionSuffix string) (contentType string, err error) {
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(boundary); err != nil {
		return "", fmt.Errorf("multipart boundary: %w", err)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="segment"; filename="`+seg.Meta.Session.ID+`-`+strconv.Itoa(seg.Meta.IndexInView)+`"`)
	h.Set("Content-Type", "application/octet-stream")
	p, err := mw.CreatePart(h)
	if err != nil {
		return "", fmt.Errorf("multipart segment: %w", err)
	}
	if _, err := p.Write(seg.Data); err != nil {
		return "", fmt.Errorf("multipart segment: %w", err)
	}
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="event"; filename="blob"`)
	h.Set("Content-Type", "application/json")
	if p, err = mw.CreatePart(h); err != nil {
		return "", fmt.Errorf("multipart event: %w", err)
	}
	meta := seg.MetaJSON
	if sessionSuffix != "" {
		ev := seg.Meta
		ev.Session.ID += sessionSuffix
		if meta, err = json.Marshal(ev); err != nil {
			return "", fmt.Errorf("marshal segment event: %w", err)
		}
	}
	if _, err := p.Write(meta); err != nil {
		return "", fmt.Errorf("multipart event: %w", err)
	}
	if err := mw.Close(); err != nil {
		return "", fmt.Errorf("multipart close: %w", err)
	}
	return mw.FormDataContentType(), nil
}

// newUUID returns a random version-4 UUID from rng (reproducible, unlike crypto/rand).
func newUUID(rng *rand.Rand) string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
