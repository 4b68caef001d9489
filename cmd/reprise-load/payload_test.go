package main

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/rum"
)

func inflate(tb testing.TB, b []byte) []byte {
	tb.Helper()
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("not a zlib stream: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatalf("inflate: %v", err)
	}
	return raw
}

// The RUM batches must pass the server's own event decoder, line by line.
func TestRUMBatchDecodesAsServerDoes(t *testing.T) {
	b := NewRUMBuilder("app-1", time.Now().UnixMilli(), 20, 1)
	types := map[string]int{}
	sessions := map[string]bool{}
	for i := 0; i < 20; i++ {
		batch, err := b.Batch(50)
		if err != nil {
			t.Fatal(err)
		}
		raw := inflate(t, batch.Data)
		if got, want := len(raw), batch.Raw; got != want {
			t.Fatalf("raw size=%d, want %d", got, want)
		}
		lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
		if got, want := len(lines), 50; got != want {
			t.Fatalf("lines=%d, want %d", got, want)
		}
		for _, line := range lines {
			ev, err := rum.ParseEvent([]byte(line), "")
			if err != nil {
				t.Fatalf("ParseEvent(%s): %v", line, err)
			}
			if ev.AppID != "app-1" || ev.SessionID == "" || ev.ViewID == "" || ev.Date <= 0 {
				t.Fatalf("event lacks ids or date: %+v", ev)
			}
			if len(line) < 500 || len(line) > 3000 {
				t.Fatalf("event is %d bytes, want a realistic 0.5-3 KB: %s", len(line), line)
			}
			types[ev.Type]++
			sessions[ev.SessionID] = true
		}
	}
	for _, typ := range []string{rum.TypeView, rum.TypeAction, rum.TypeError, rum.TypeResource, rum.TypeLongTask, rum.TypeVital} {
		if types[typ] == 0 {
			t.Errorf("no %s events in 1000: %v", typ, types)
		}
	}
	if len(sessions) < 10 {
		t.Errorf("events from %d sessions, want many", len(sessions))
	}
}

// View updates carry a rising document version per view, as the SDKs send them.
func TestRUMViewVersionsRise(t *testing.T) {
	b := NewRUMBuilder("app-1", time.Now().UnixMilli(), 3, 2)
	last := map[string]int64{}
	for i := 0; i < 10; i++ {
		batch, err := b.Batch(50)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(inflate(t, batch.Data))), "\n") {
			ev, err := rum.ParseEvent([]byte(line), "")
			if err != nil {
				t.Fatal(err)
			}
			if ev.Type != rum.TypeView {
				continue
			}
			if ev.DocumentVersion <= last[ev.ViewID] {
				t.Fatalf("view %s version %d after %d", ev.ViewID, ev.DocumentVersion, last[ev.ViewID])
			}
			last[ev.ViewID] = ev.DocumentVersion
		}
	}
	if len(last) == 0 {
		t.Fatal("no view events")
	}
}

type wireMeta struct {
	Application struct{ ID string } `json:"application"`
	Session     struct{ ID string } `json:"session"`
	View        struct{ ID string } `json:"view"`
	Start       int64               `json:"start"`
	End         int64               `json:"end"`
	Records     int                 `json:"records_count"`
	HasFull     bool                `json:"has_full_snapshot"`
	Index       int                 `json:"index_in_view"`
	RawSize     int                 `json:"raw_segment_size"`
	Format      string              `json:"format"`
	Source      string              `json:"source"`
}

type wireRecord struct {
	Type      *int            `json:"type"`
	Timestamp int64           `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// decodeUpload reads a replay upload the way the intake does (DESIGN.md §3.3): multipart
// with a zlib "segment" part holding {"records": [...]} and an "event" JSON part.
func decodeUpload(tb testing.TB, body []byte, contentType string) (wireMeta, []wireRecord, int) {
	tb.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" {
		tb.Fatalf("content type %q: %v", contentType, err)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var seg, ev []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("multipart: %v", err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			tb.Fatal(err)
		}
		switch p.FormName() {
		case "segment":
			seg = b
		case "event":
			ev = b
		default:
			tb.Fatalf("unexpected part %q", p.FormName())
		}
	}
	if seg == nil || ev == nil {
		tb.Fatalf("missing part: segment %v, event %v", seg != nil, ev != nil)
	}
	var meta wireMeta
	if err := json.Unmarshal(ev, &meta); err != nil {
		tb.Fatalf("event part: %v", err)
	}
	raw := inflate(tb, seg)
	var doc struct {
		Records []wireRecord `json:"records"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		tb.Fatalf("segment JSON: %v", err)
	}
	return meta, doc.Records, len(raw)
}

func TestSegmentsDecodeAsServerDoes(t *testing.T) {
	recs, err := loadRecords()
	if err != nil {
		t.Fatal(err)
	}
	b := NewSegmentBuilder(recs, "app-1", time.Now().UnixMilli(), 3)
	var full, total int
	sizes := map[int]bool{}
	for s := 0; s < 5; s++ {
		sessionID := newUUID(b.rng)
		segs, err := b.Session(sessionID, 8)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(segs), 8; got != want {
			t.Fatalf("segments=%d, want %d", got, want)
		}
		var prevEnd int64
		for i := range segs {
			var buf bytes.Buffer
			ct, err := segmentBody(&buf, &segs[i], "b0undary", "")
			if err != nil {
				t.Fatal(err)
			}
			meta, records, rawLen := decodeUpload(t, buf.Bytes(), ct)
			total++
			sizes[len(segs[i].Data)] = true
			if meta.Application.ID != "app-1" || meta.Session.ID != sessionID || meta.View.ID == "" {
				t.Fatalf("meta ids: %+v", meta)
			}
			if meta.Format != "rrweb" || meta.Source != "browser" || meta.Index != i {
				t.Fatalf("meta format/source/index: %+v", meta)
			}
			if got, want := meta.Records, len(records); got != want || got == 0 {
				t.Fatalf("records_count=%d, records=%d", got, want)
			}
			if got, want := meta.RawSize, rawLen; got != want {
				t.Fatalf("raw_segment_size=%d, inflated %d", got, want)
			}
			if rawLen > segmentMaxRaw+(segmentMaxRaw/2) && len(records) > 1 {
				t.Fatalf("segment of %d records is %d bytes raw", len(records), rawLen)
			}
			hasFull := false
			for j, r := range records {
				if r.Type == nil || r.Timestamp == 0 {
					t.Fatalf("record %d lacks type or timestamp", j)
				}
				if r.Timestamp < meta.Start || r.Timestamp > meta.End {
					t.Fatalf("record %d at %d outside [%d, %d]", j, r.Timestamp, meta.Start, meta.End)
				}
				if *r.Type == rrwebFullSnapshot {
					hasFull = true
				}
			}
			if meta.HasFull != hasFull {
				t.Fatalf("has_full_snapshot=%v, records say %v", meta.HasFull, hasFull)
			}
			if i == 0 {
				hasMeta := false
				for _, r := range records {
					hasMeta = hasMeta || *r.Type == rrwebMeta
				}
				if !hasMeta || !hasFull {
					t.Fatalf("first segment must hold the Meta record and a full snapshot")
				}
				full++
			}
			if meta.Start < prevEnd {
				t.Fatalf("segment %d starts at %d before the previous end %d", i, meta.Start, prevEnd)
			}
			prevEnd = meta.End
		}
	}
	if full != 5 {
		t.Fatalf("full snapshots=%d, want one per session", full)
	}
	if len(sizes) < total*3/4 {
		t.Fatalf("only %d distinct sizes in %d segments: not varied", len(sizes), total)
	}
}

// A corpus replayed twice still makes new sessions: the suffix lands in the event part.
func TestSegmentBodySessionSuffix(t *testing.T) {
	recs, err := loadRecords()
	if err != nil {
		t.Fatal(err)
	}
	segs, err := NewSegmentBuilder(recs, "app-1", time.Now().UnixMilli(), 4).Session("s-1", 2)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	ct, err := segmentBody(&buf, &segs[1], "b0undary", "-7")
	if err != nil {
		t.Fatal(err)
	}
	meta, _, _ := decodeUpload(t, buf.Bytes(), ct)
	if got, want := meta.Session.ID, "s-1-7"; got != want {
		t.Fatalf("session id=%q, want %q", got, want)
	}
}

func TestBuildCorpusStats(t *testing.T) {
	reqs, st, err := buildCorpus(options{mode: "replay", corpus: 60, appID: "a", seed: 1, batch: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) < 60 || st.Requests != len(reqs) {
		t.Fatalf("requests=%d stats=%d, want >= 60", len(reqs), st.Requests)
	}
	if st.FullSnapshotShare <= 0 || st.FullSnapshotShare >= 0.5 {
		t.Fatalf("full snapshot share=%v, want one per session of 3-20", st.FullSnapshotShare)
	}
	if st.AvgCompressed <= 0 || st.AvgRaw < 4*st.AvgCompressed {
		t.Fatalf("avg compressed=%v raw=%v: rrweb JSON should compress several-fold", st.AvgCompressed, st.AvgRaw)
	}
	items := limitItems(reqs)
	if items[0].Segments != 1 || items[0].Meta == nil || items[0].Encoding != "deflate" {
		t.Fatalf("limit item: %+v", items[0])
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:9529", "http://[::1]:80"} {
		if err := checkLoopback(ok); err != nil {
			t.Errorf("checkLoopback(%q)=%v", ok, err)
		}
	}
	for _, bad := range []string{"", "http://example.com", "https://127.0.0.1:1", "http://10.0.0.1:9529", "http://localhost:9529"} {
		if err := checkLoopback(bad); err == nil {
			t.Errorf("checkLoopback(%q) accepted", bad)
		}
	}
}
