package ingest

// Hostile and broken clients: zip bombs, deep nesting, floods of tiny events,
// wrong content types. Each must cost little and get a clear JSON error with
// the right 4xx, and never store anything half-checked.

import (
	"bytes"
	"compress/flate"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/config"
)

// A segment that inflates to 1 GiB (from 1 MB sent) is refused while inflating (413), after
// reading no more than the limit, and in well under a second.
func TestAbuseSegmentZipBomb(t *testing.T) {
	lim := config.DefaultLimits()
	lim.MaxDecompressedBytes = 1 << 20
	// 1 GiB of zeros: one gzip member of 1 MiB (about 1 KB) repeated 1024
	// times is a valid multi-member gzip stream, built without compressing
	// a gigabyte here.
	member := gzipBytes(t, make([]byte, 1<<20))
	bomb := bytes.Repeat(member, 1024)
	body, ct := multipartBody(t,
		part{"segment", "bomb", "application/octet-stream", bomb},
		part{"event", "blob", "application/json", segmentEventJSON("")})
	st := &memStore{}
	start := time.Now()
	res := do(t, newMux(t, st, lim, true), post("/v1/write/rum/replay", ct, body))
	if res.status != http.StatusRequestEntityTooLarge || res.body["error"] == nil {
		t.Fatalf("zip bomb segment: %d %s", res.status, res.raw)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("refusing the bomb took %v: it was inflated past the limit", took)
	}
	if len(st.segments) != 0 {
		t.Fatal("bomb stored")
	}
}

// A raw-deflate RUM bomb (what some clients send as "deflate") is bounded too.
func TestAbuseRawDeflateBomb(t *testing.T) {
	lim := config.DefaultLimits()
	lim.MaxDecompressedBytes = 1 << 20
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(bytes.Repeat([]byte("\n"), 8<<20))
	fw.Close()
	req := post("/v1/write/rum", "text/plain", buf.Bytes())
	req.Header.Set("Content-Encoding", "deflate")
	res := do(t, newMux(t, &memStore{}, lim, true), req)
	if res.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("raw deflate bomb: %d %s", res.status, res.raw)
	}
}

// Nesting a million levels deep is refused by the shape check before any
// decoder recurses, in every place JSON arrives.
func TestAbuseDeeplyNestedJSON(t *testing.T) {
	deep := func(open, close string, n int) string { return strings.Repeat(open, n) + strings.Repeat(close, n) }
	mux := newMux(t, &memStore{}, config.DefaultLimits(), true)
	for _, tc := range []struct {
		name string
		body string
	}{
		{"object in an event", `{"type":"view","date":1,"context":` + deep(`{"a":`, `}`, 1_000_000) + `}`},
		{"array in an event", `{"type":"view","date":1,"context":` + deep("[", "]", 1_000_000) + `}`},
		{"body as a JSON array", deep("[", "]", 1_000_000)},
		{"unclosed", `{"type":"view","date":1,"x":` + strings.Repeat("[", 1_000_000)},
	} {
		start := time.Now()
		res := do(t, mux, post("/v1/write/rum", "text/plain", []byte(tc.body)))
		if res.status != http.StatusBadRequest || res.body["error"] == nil {
			t.Errorf("%s: %d %.200s", tc.name, res.status, res.raw)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("%s: took %v", tc.name, took)
		}
	}
	// Deep records in a segment and a deep event part: 400, not a crash.
	seg := zlibBytes(t, []byte(`{"records":[{"type":2,"timestamp":1,"data":`+deep(`{"a":`, `}`, 200_000)+`}]}`))
	body, ct := multipartBody(t, part{"segment", "s", "application/octet-stream", seg}, part{"event", "blob", "application/json", segmentEventJSON("")})
	if res := do(t, mux, post("/v1/write/rum/replay", ct, body)); res.status != http.StatusBadRequest {
		t.Errorf("deep segment records: %d %.200s", res.status, res.raw)
	}
	body, ct = multipartBody(t,
		part{"segment", "s", "application/octet-stream", zlibBytes(t, []byte(`{"records":[{"type":2,"timestamp":1}]}`))},
		part{"event", "blob", "application/json", []byte(deep("[", "]", 30_000))})
	if res := do(t, mux, post("/v1/write/rum/replay", ct, body)); res.status != http.StatusBadRequest {
		t.Errorf("deep event part: %d %.200s", res.status, res.raw)
	}
}

// 100k tiny events: in one request they are over the batch limit (413, none
// stored); in batches at the limit every one is stored.
func TestAbuseHundredThousandTinyEvents(t *testing.T) {
	lim := config.DefaultLimits()
	tiny := func(i int) string {
		return fmt.Sprintf(`{"type":"action","date":%d,"action":{"id":"a%d"}}`, 1_700_000_000_000+i, i)
	}
	var all strings.Builder
	for i := 0; i < 100_000; i++ {
		all.WriteString(tiny(i))
		all.WriteByte('\n')
	}
	st := &memStore{}
	mux := newMux(t, st, lim, true)
	res := do(t, mux, post("/v1/write/rum", "text/plain", []byte(all.String())))
	if res.status != http.StatusRequestEntityTooLarge || !strings.Contains(res.raw, "max_events_per_batch") {
		t.Fatalf("100k events in one batch: %d %.300s", res.status, res.raw)
	}
	if len(st.events) != 0 {
		t.Fatalf("an over-limit batch stored %d events", len(st.events))
	}
	start := time.Now()
	for b := 0; b < 100_000/lim.MaxEventsPerBatch; b++ {
		var sb strings.Builder
		for i := b * lim.MaxEventsPerBatch; i < (b+1)*lim.MaxEventsPerBatch; i++ {
			sb.WriteString(tiny(i) + "\n")
		}
		res := do(t, mux, post("/v1/write/rum", "text/plain", []byte(sb.String())))
		if res.status != http.StatusAccepted || num(res.body["accepted"]) != lim.MaxEventsPerBatch {
			t.Fatalf("batch %d: %d %.300s", b, res.status, res.raw)
		}
	}
	if len(st.events) != 100_000 {
		t.Fatalf("stored %d events, want 100000", len(st.events))
	}
	t.Logf("100k tiny events in %d batches decoded in %v", 100_000/lim.MaxEventsPerBatch, time.Since(start))
}

// A bad event among good ones is rejected alone, and the answer says which
// and why; a response never echoes more than maxReportedErrors reasons.
func TestAbuseBadEventsAreDroppedAlone(t *testing.T) {
	st := &memStore{}
	var sb strings.Builder
	for i := 0; i < 500; i++ {
		if i%2 == 0 {
			sb.WriteString(`{"type":"nope","date":1}` + "\n")
		} else {
			fmt.Fprintf(&sb, `{"type":"error","date":%d,"error":{"id":"e%d","message":"m"}}`+"\n", 1_700_000_000_000+i, i)
		}
	}
	res := do(t, newMux(t, st, config.DefaultLimits(), true), post("/v1/write/rum", "text/plain", []byte(sb.String())))
	if res.status != http.StatusAccepted || num(res.body["accepted"]) != 250 || num(res.body["rejected"]) != 250 {
		t.Fatalf("mixed batch: %d %.300s", res.status, res.raw)
	}
	errs, _ := res.body["errors"].([]any)
	if len(errs) != maxReportedErrors {
		t.Fatalf("%d reported errors, want the cap %d", len(errs), maxReportedErrors)
	}
	first, _ := errs[0].(map[string]any)
	if num(first["line"]) != 1 || !strings.Contains(fmt.Sprint(first["error"]), "unknown type") {
		t.Fatalf("first error %v", first)
	}
	if len(st.events) != 250 {
		t.Fatalf("stored %d", len(st.events))
	}
}

// Content types that cannot be what an endpoint takes get 415 with a JSON
// error, on every intake path.
func TestAbuseWrongContentTypes(t *testing.T) {
	mux := newMux(t, &memStore{}, config.DefaultLimits(), true)
	event := []byte(`{"type":"view","date":1,"view":{"id":"v"}}`)
	seg, segCT := multipartBody(t, part{"segment", "s", "application/octet-stream", zlibBytes(t, []byte(`{"records":[{"type":2,"timestamp":1}]}`))})
	for _, tc := range []struct {
		name, path, ct string
		body           []byte
		want           int
	}{
		{"html to rum", "/v1/write/rum", "text/html", event, 415},
		{"xml to rum", "/v1/write/rum", "application/xml", event, 415},
		{"form to rum", "/v1/write/rum", "application/x-www-form-urlencoded", event, 415},
		{"garbage type to rum", "/v1/write/rum", "this is not a media type", event, 415},
		{"multipart to rum", "/v1/write/rum", segCT, seg, 415},
		{"ndjson to replay", "/v1/write/rum/replay", "application/x-ndjson", event, 415},
		{"no type to replay", "/v1/write/rum/replay", "", seg, 415},
		{"multipart without boundary", "/v1/write/rum/replay", "multipart/form-data", seg, 400},
		{"wrong boundary", "/v1/write/rum/replay", "multipart/form-data; boundary=nope", seg, 400},
		{"html to datadog rum", "/v1/datadog?ddforward=%2Fapi%2Fv2%2Frum", "text/html", event, 415},
		{"json to datadog replay", "/v1/datadog?ddforward=%2Fapi%2Fv2%2Freplay", "application/json", event, 415},
	} {
		res := do(t, mux, post(tc.path, tc.ct, tc.body))
		if res.status != tc.want || res.body["error"] == nil {
			t.Errorf("%s: %d, want %d: %s", tc.name, res.status, tc.want, res.raw)
		}
	}
}
