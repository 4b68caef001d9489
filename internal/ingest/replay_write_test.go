package ingest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reprise-rum/reprise/internal/config"
)

const rrwebSegment = `{"records":[{"type":4,"data":{"href":"https://shop.test/","width":800,"height":600},"timestamp":1700000000000},{"type":2,"data":{"node":{"type":0,"childNodes":[],"id":1},"initialOffset":{"top":0,"left":0}},"timestamp":1700000000001},{"type":3,"data":{"source":1,"positions":[]},"timestamp":1700000000900}]}`

func segmentEventJSON(extra string) []byte {
	return []byte(`{"application":{"id":"app"},"session":{"id":"s1"},"view":{"id":"v1"},"start":1700000000000,"end":1700000000900,"records_count":3,"has_full_snapshot":true,"index_in_view":0,"source":"browser","creation_reason":"init","raw_segment_size":1` + extra + `}`)
}

func TestReplaySegmentEncodings(t *testing.T) {
	for _, tc := range []struct {
		name, wantEncoding string
		data               []byte
	}{
		{"zlib", "deflate", zlibBytes(t, []byte(rrwebSegment))},
		{"gzip", "gzip", gzipBytes(t, []byte(rrwebSegment))},
		{"plain", "", []byte(rrwebSegment)},
		{"plain ndjson", "", []byte("{\"type\":4,\"timestamp\":5,\"data\":{}}\n{\"type\":2,\"timestamp\":6,\"data\":{}}\n")},
	} {
		st := &memStore{}
		mux := newMux(t, st, config.DefaultLimits(), true)
		body, ct := multipartBody(t,
			part{name: "segment", filename: "s1-1700000000000", contentType: "application/octet-stream", data: tc.data},
			part{name: "event", filename: "blob", contentType: "application/json", data: segmentEventJSON(`,"format":"rrweb","recorder_version":"rrweb@2.1.6"`)},
		)
		res := do(t, mux, post("/v1/write/rum/replay", ct, body))
		if res.status != http.StatusAccepted || len(st.segments) != 1 {
			t.Fatalf("%s: status %d: %s", tc.name, res.status, res.raw)
		}
		m := st.segments[0]
		if m.Encoding != tc.wantEncoding || m.Format != "rrweb" || m.SessionID != "s1" || m.ViewID != "v1" || m.AppID != "app" ||
			m.RecorderVersion != "rrweb@2.1.6" || m.CreationReason != "init" {
			t.Errorf("%s: meta %+v", tc.name, m)
		}
		if !bytes.Equal(st.blobs[0], tc.data) {
			t.Errorf("%s: stored bytes differ from the bytes sent", tc.name)
		}
		if tc.name == "plain ndjson" {
			if m.RecordsCount != 2 || m.Start != 1700000000000 {
				t.Errorf("ndjson: meta %+v (start comes from the client)", m)
			}
		} else if m.RecordsCount != 3 || m.RawSize != int64(len(rrwebSegment)) || !m.HasFullSnapshot {
			t.Errorf("%s: records %d raw %d full %v", tc.name, m.RecordsCount, m.RawSize, m.HasFullSnapshot)
		}
	}
}

// Guance's SDK sends the metadata as plain form fields instead of an event
// part; times and the full-snapshot flag are taken from those fields.
func TestReplayGuanceFlatFields(t *testing.T) {
	st := &memStore{}
	mux := newMux(t, st, config.DefaultLimits(), true)
	fields := map[string]string{
		"app_id": "guance-app", "session_id": "gs", "view_id": "gv", "start": "1700000000000", "end": "1700000000900",
		"records_count": "3", "has_full_snapshot": "true", "index_in_view": "2", "source": "browser",
		"creation_reason": "segment_duration_limit", "raw_segment_size": "999", "sdk_name": "df_web_rum_sdk", "env": "prod",
	}
	parts := []part{{name: "segment", filename: "gs-1700000000000", contentType: "application/octet-stream", data: zlibBytes(t, []byte(rrwebSegment))}}
	for k, v := range fields {
		parts = append(parts, part{name: k, data: []byte(v)})
	}
	body, ct := multipartBody(t, parts...)
	res := do(t, mux, post("/v1/write/rum/replay", ct, body))
	if res.status != http.StatusAccepted || len(st.segments) != 1 {
		t.Fatalf("status %d: %s", res.status, res.raw)
	}
	m := st.segments[0]
	if m.AppID != "guance-app" || m.SessionID != "gs" || m.ViewID != "gv" || m.IndexInView != 2 || m.Start != 1700000000000 ||
		m.End != 1700000000900 || !m.HasFullSnapshot || m.Format != "datadog" || m.CreationReason != "segment_duration_limit" {
		t.Fatalf("meta %+v", m)
	}
}

// A client that leaves out start/end gets them from the records.
func TestReplayMetadataFromRecords(t *testing.T) {
	st := &memStore{}
	mux := newMux(t, st, config.DefaultLimits(), true)
	body, ct := multipartBody(t,
		part{name: "segment", filename: "x", contentType: "application/octet-stream", data: zlibBytes(t, []byte(rrwebSegment))},
		part{name: "event", filename: "blob", contentType: "application/json", data: []byte(`{"session":{"id":"s"},"format":"rrweb"}`)},
	)
	res := do(t, mux, post("/v1/write/rum/replay", ct, body))
	if res.status != http.StatusAccepted {
		t.Fatalf("status %d: %s", res.status, res.raw)
	}
	if m := st.segments[0]; m.Start != 1700000000000 || m.End != 1700000000900 || !m.HasFullSnapshot || m.RecordsCount != 3 {
		t.Fatalf("meta %+v", m)
	}
}

func TestReplayRejects(t *testing.T) {
	small := config.DefaultLimits()
	small.MaxBodyBytes = 8 << 10
	small.MaxDecompressedBytes = 64 << 10
	small.MaxRecordsPerSegment = 2
	good := zlibBytes(t, []byte(rrwebSegment))
	bomb := zlibBytes(t, append([]byte(`{"records":[`), bytes.Repeat([]byte(" "), 1<<20)...))
	meta := part{name: "event", filename: "blob", contentType: "application/json", data: segmentEventJSON("")}
	seg := func(b []byte) part {
		return part{name: "segment", filename: "s", contentType: "application/octet-stream", data: b}
	}
	for _, tc := range []struct {
		name  string
		parts []part
		want  int
	}{
		{"zip bomb", []part{seg(bomb), meta}, http.StatusRequestEntityTooLarge},
		{"oversized body", []part{seg(bytes.Repeat([]byte("x"), 10<<10)), meta}, http.StatusRequestEntityTooLarge},
		{"too many records", []part{seg(good), meta}, http.StatusRequestEntityTooLarge},
		{"no segment", []part{meta}, http.StatusBadRequest},
		{"no session", []part{seg(good), {name: "event", filename: "blob", contentType: "application/json", data: []byte(`{"start":1}`)}}, http.StatusBadRequest},
		{"bad event json", []part{seg(good), {name: "event", filename: "blob", contentType: "application/json", data: []byte(`{"start":"soon"`)}}, http.StatusBadRequest},
		{"unknown format", []part{seg(good), {name: "event", filename: "blob", contentType: "application/json", data: segmentEventJSON(`,"format":"mp4"`)}}, http.StatusBadRequest},
		{"corrupt zlib", []part{seg(good[:len(good)/2]), meta}, http.StatusBadRequest},
		{"not records", []part{seg(zlibBytes(t, []byte(`{"events":[]}`))), meta}, http.StatusBadRequest},
		{"empty records", []part{seg(zlibBytes(t, []byte(`{"records":[]}`))), meta}, http.StatusBadRequest},
		{"unknown encoding", []part{seg([]byte("PK\x03\x04zip")), meta}, http.StatusBadRequest},
		{"bad flat field", []part{seg(good), {name: "session_id", data: []byte("s")}, {name: "start", data: []byte("yesterday")}}, http.StatusBadRequest},
	} {
		limits := small
		if tc.name != "too many records" {
			limits.MaxRecordsPerSegment = 1000
		}
		st := &memStore{}
		mux := newMux(t, st, limits, true)
		body, ct := multipartBody(t, tc.parts...)
		res := do(t, mux, post("/v1/write/rum/replay", ct, body))
		if res.status != tc.want || res.body["error"] == nil {
			t.Errorf("%s: status %d, want %d: %s", tc.name, res.status, tc.want, res.raw)
		}
		if len(st.segments) != 0 {
			t.Errorf("%s: stored a segment", tc.name)
		}
	}

	mux := newMux(t, &memStore{}, config.DefaultLimits(), true)
	if res := do(t, mux, post("/v1/write/rum/replay", "application/json", []byte(rrwebSegment))); res.status != http.StatusUnsupportedMediaType {
		t.Errorf("json body: status %d, want 415", res.status)
	}
}

func TestReplayDisabled(t *testing.T) {
	st := &memStore{}
	mux := newMux(t, st, config.DefaultLimits(), false)
	body, ct := multipartBody(t,
		part{name: "segment", filename: "s", contentType: "application/octet-stream", data: zlibBytes(t, []byte(rrwebSegment))},
		part{name: "event", filename: "blob", contentType: "application/json", data: segmentEventJSON("")},
	)
	for _, path := range []string{"/v1/write/rum/replay", "/v1/datadog?ddforward=" + url.QueryEscape("/api/v2/replay?ddsource=browser"), "/v1/datadog/api/v2/replay"} {
		res := do(t, mux, post(path, ct, body))
		if res.status != http.StatusNotFound || !strings.Contains(res.raw, "disabled") {
			t.Errorf("%s: status %d: %s", path, res.status, res.raw)
		}
	}
	if len(st.segments) != 0 {
		t.Fatal("stored a segment with replay off")
	}
}

// The captured requests of the real Datadog SDK 7.16.2, replayed through the
// proxy endpoint exactly as the SDK sent them.
func TestDatadogFixtures(t *testing.T) {
	metas, _ := filepath.Glob("testdata/datadog-7.16.2/*/*.meta.json")
	if len(metas) < 7 {
		t.Fatalf("found %d fixtures", len(metas))
	}
	st := &memStore{}
	mux := newMux(t, st, config.DefaultLimits(), true)
	var wantEvents, wantSegments int
	for _, mp := range metas {
		var meta struct{ URL, ContentType string }
		b, err := os.ReadFile(mp)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &meta); err != nil {
			t.Fatal(err)
		}
		body, err := os.ReadFile(strings.TrimSuffix(mp, ".meta.json") + ".body")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(meta.URL)
		req := post("/v1/datadog?"+u.RawQuery, meta.ContentType, body)
		req.Header.Set("Origin", "https://example.test")
		res := do(t, mux, req)
		if res.status != http.StatusAccepted {
			t.Errorf("%s: status %d: %s", mp, res.status, res.raw)
			continue
		}
		if res.header.Get("Access-Control-Allow-Origin") != "https://example.test" {
			t.Errorf("%s: no CORS header", mp)
		}
		if strings.Contains(mp, "replay") {
			wantSegments++
		} else {
			wantEvents += num(res.body["accepted"])
			if num(res.body["accepted"]) == 0 || num(res.body["rejected"]) != 0 {
				t.Errorf("%s: %s", mp, res.raw)
			}
		}
	}
	if len(st.segments) != wantSegments || len(st.events) != wantEvents {
		t.Fatalf("stored %d segments and %d events, want %d and %d", len(st.segments), len(st.events), wantSegments, wantEvents)
	}
	for _, m := range st.segments {
		if m.Format != "datadog" || m.Encoding != "deflate" || m.SessionID == "" || m.ViewID == "" || m.Start == 0 || m.RecordsCount == 0 {
			t.Errorf("segment meta %+v", m)
		}
	}
}

func TestDatadogRouting(t *testing.T) {
	st := &memStore{}
	mux := newMux(t, st, config.DefaultLimits(), true)
	line := batch(event("view", "v", 1))
	// Function-form proxy: plain path, encoding in the query.
	res := do(t, mux, post("/v1/datadog/api/v2/rum?ddsource=browser&dd-evp-encoding=deflate", "text/plain", zlibBytes(t, line)))
	if res.status != http.StatusAccepted || len(st.events) != 1 {
		t.Fatalf("function proxy: %d %s", res.status, res.raw)
	}
	for path, want := range map[string]int{
		"/v1/datadog": http.StatusBadRequest,
		"/v1/datadog?ddforward=%2Fapi%2Fv2%2Flogs": http.StatusNotFound,
		"/v1/datadog/api/v2/profile":               http.StatusNotFound,
	} {
		if res := do(t, mux, post(path, "text/plain", line)); res.status != want {
			t.Errorf("%s: status %d, want %d", path, res.status, want)
		}
	}
}

// Datadog's experimental canvas uploads have an image part and no segment:
// acknowledged so the SDK does not retry, not stored.
func TestDatadogCanvasResourceDropped(t *testing.T) {
	st := &memStore{}
	mux := newMux(t, st, config.DefaultLimits(), true)
	body, ct := multipartBody(t,
		part{name: "image", filename: "abc123", contentType: "image/webp", data: []byte("RIFF....WEBP")},
		part{name: "event", filename: "blob", contentType: "application/json", data: []byte(`{"application":{"id":"a"},"type":"resource"}`)},
	)
	res := do(t, mux, post("/v1/datadog?ddforward="+url.QueryEscape("/api/v2/replay?ddsource=browser"), ct, body))
	if res.status != http.StatusAccepted || num(res.body["dropped"]) != 1 || len(st.segments) != 0 {
		t.Fatalf("status %d: %s", res.status, res.raw)
	}
}
