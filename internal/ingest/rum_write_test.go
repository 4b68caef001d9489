package ingest

import (
	"bytes"
	"compress/flate"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/store"
)

func event(typ, id string, date int) string {
	field := map[string]string{"view": "view", "action": "action", "error": "error", "resource": "resource", "long_task": "long_task"}[typ]
	return fmt.Sprintf(`{"type":%q,"date":%d,"application":{"id":"app"},"session":{"id":"s1"},"view":{"id":"v1","url":"https://shop.test/"},%q:{"id":%q}}`, typ, date, field, id)
}

func batch(lines ...string) []byte { return []byte(strings.Join(lines, "\n")) }

func TestRUMGoodBatch(t *testing.T) {
	st := &memStore{}
	mux := newMux(t, st, config.DefaultLimits(), true)
	req := post("/v1/write/rum", "text/plain;charset=UTF-8", batch("", event("view", "v1", 1000), event("action", "a1", 1001), event("error", "e1", 1002), ""))
	req.Header.Set("User-Agent", "TestBrowser/1.0")
	res := do(t, mux, req)
	if res.status != http.StatusAccepted || num(res.body["accepted"]) != 3 || num(res.body["rejected"]) != 0 {
		t.Fatalf("status %d body %s", res.status, res.raw)
	}
	if len(st.events) != 3 || st.events[1].ID != "a1" || st.events[0].UserAgent != "TestBrowser/1.0" {
		t.Fatalf("stored %+v", st.events)
	}
}

func TestRUMMixedBatchRejectsBadLinesAlone(t *testing.T) {
	st := &memStore{}
	mux := newMux(t, st, config.DefaultLimits(), true)
	body := batch(
		event("view", "v1", 1000),
		`{"type":"view","date":`, // line 2: truncated JSON
		`{"type":"telemetry","date":1}`,
		`{"type":"nope","date":1}`, // line 4
		event("resource", "r1", 1003),
	)
	res := do(t, mux, post("/v1/write/rum", "text/plain", body))
	if res.status != http.StatusAccepted {
		t.Fatalf("status %d, want 202: %s", res.status, res.raw)
	}
	if num(res.body["accepted"]) != 2 || num(res.body["rejected"]) != 2 || num(res.body["dropped"]) != 1 {
		t.Fatalf("body %s", res.raw)
	}
	errs := res.body["errors"].([]any)
	if l := num(errs[0].(map[string]any)["line"]); l != 2 {
		t.Errorf("first error on line %d, want 2", l)
	}
	if l := num(errs[1].(map[string]any)["line"]); l != 4 || !strings.Contains(errs[1].(map[string]any)["error"].(string), "unknown type") {
		t.Errorf("second error %v", errs[1])
	}
	if len(st.events) != 2 {
		t.Fatalf("stored %d events, want 2", len(st.events))
	}
}

func TestRUMAllBadIs400(t *testing.T) {
	st := &memStore{}
	mux := newMux(t, st, config.DefaultLimits(), true)
	res := do(t, mux, post("/v1/write/rum", "text/plain", batch(`{"nope":1}`, `[`)))
	if res.status != http.StatusBadRequest || num(res.body["rejected"]) != 2 || res.body["error"] == nil {
		t.Fatalf("status %d body %s", res.status, res.raw)
	}
	res = do(t, mux, post("/v1/write/rum", "text/plain", []byte("\n\n")))
	if res.status != http.StatusBadRequest {
		t.Fatalf("empty batch: status %d", res.status)
	}
	if len(st.events) != 0 {
		t.Fatalf("stored %d events", len(st.events))
	}
}

func TestRUMTelemetryOnlyIsAccepted(t *testing.T) {
	st := &memStore{}
	mux := newMux(t, st, config.DefaultLimits(), true)
	res := do(t, mux, post("/v1/write/rum", "text/plain", batch(`{"type":"telemetry","date":1}`, `{"type":"telemetry","date":2}`)))
	if res.status != http.StatusAccepted || num(res.body["dropped"]) != 2 || num(res.body["accepted"]) != 0 {
		t.Fatalf("status %d body %s", res.status, res.raw)
	}
}

func TestRUMJSONArrayBody(t *testing.T) {
	st := &memStore{}
	mux := newMux(t, st, config.DefaultLimits(), true)
	res := do(t, mux, post("/v1/write/rum", "application/json", []byte("["+event("view", "v1", 1)+","+event("error", "e", 2)+"]")))
	if res.status != http.StatusAccepted || len(st.events) != 2 {
		t.Fatalf("status %d body %s", res.status, res.raw)
	}
}

func TestRUMCompressedBodies(t *testing.T) {
	plain := batch(event("view", "v1", 1000), event("action", "a1", 1001))
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestSpeed)
	fw.Write(plain)
	fw.Close()
	for _, tc := range []struct {
		name, encoding string
		body           []byte
	}{
		{"gzip", "gzip", gzipBytes(t, plain)},
		{"deflate (zlib)", "deflate", zlibBytes(t, plain)},
		{"deflate (raw)", "deflate", raw.Bytes()},
		{"gzip sniffed without header", "", gzipBytes(t, plain)},
		{"zlib sniffed without header", "", zlibBytes(t, plain)},
	} {
		st := &memStore{}
		mux := newMux(t, st, config.DefaultLimits(), true)
		req := post("/v1/write/rum", "text/plain", tc.body)
		if tc.encoding != "" {
			req.Header.Set("Content-Encoding", tc.encoding)
		}
		res := do(t, mux, req)
		if res.status != http.StatusAccepted || len(st.events) != 2 {
			t.Errorf("%s: status %d, %d events: %s", tc.name, res.status, len(st.events), res.raw)
		}
	}
}

func TestRUMLimitsAndBadInput(t *testing.T) {
	small := config.DefaultLimits()
	small.MaxBodyBytes = 2048
	small.MaxDecompressedBytes = 4096
	small.MaxEventsPerBatch = 3
	small.MaxJSONDepth = 5
	small.MaxFieldBytes = 100

	bomb := gzipBytes(t, bytes.Repeat([]byte(" "), 1<<20)) // 1 MiB of spaces, ~1 KB gzipped
	if len(bomb) > int(small.MaxBodyBytes) {
		t.Fatalf("bomb is %d bytes; the test needs it under the body limit", len(bomb))
	}
	for _, tc := range []struct {
		name, contentType, encoding string
		body                        []byte
		want                        int
	}{
		{"oversized body", "text/plain", "", bytes.Repeat([]byte("x"), 4096), http.StatusRequestEntityTooLarge},
		{"zip bomb", "text/plain", "gzip", bomb, http.StatusRequestEntityTooLarge},
		{"too many events", "text/plain", "", batch(event("view", "a", 1), event("view", "b", 1), event("view", "c", 1), event("view", "d", 1)), http.StatusRequestEntityTooLarge},
		{"form content type", "application/x-www-form-urlencoded", "", batch(event("view", "a", 1)), http.StatusUnsupportedMediaType},
		{"multipart content type", "multipart/form-data; boundary=x", "", batch(event("view", "a", 1)), http.StatusUnsupportedMediaType},
		{"brotli", "text/plain", "br", batch(event("view", "a", 1)), http.StatusUnsupportedMediaType},
		{"corrupt gzip", "text/plain", "gzip", []byte("\x1f\x8bnot gzip at all"), http.StatusBadRequest},
		{"too deep", "text/plain", "", []byte(`{"type":"view","date":1,"context":{"a":{"b":{"c":{"d":{"e":1}}}}}}`), http.StatusBadRequest},
		{"field too long", "text/plain", "", []byte(`{"type":"error","date":1,"error":{"message":"` + strings.Repeat("m", 200) + `"}}`), http.StatusBadRequest},
	} {
		st := &memStore{}
		mux := newMux(t, st, small, true)
		req := post("/v1/write/rum", tc.contentType, tc.body)
		if tc.encoding != "" {
			req.Header.Set("Content-Encoding", tc.encoding)
		}
		res := do(t, mux, req)
		if res.status != tc.want {
			t.Errorf("%s: status %d, want %d: %s", tc.name, res.status, tc.want, res.raw)
		}
		if res.body["error"] == nil {
			t.Errorf("%s: no JSON error in %q", tc.name, res.raw)
		}
		if len(st.events) != 0 {
			t.Errorf("%s: stored %d events", tc.name, len(st.events))
		}
	}
}

func TestRUMStoreErrors(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{store.ErrOverloaded, http.StatusTooManyRequests},
		{store.ErrClosed, http.StatusServiceUnavailable},
		{fmt.Errorf("disk on fire"), http.StatusInternalServerError},
	} {
		st := &memStore{err: tc.err}
		mux := newMux(t, st, config.DefaultLimits(), true)
		res := do(t, mux, post("/v1/write/rum", "text/plain", batch(event("view", "v", 1))))
		if res.status != tc.want {
			t.Errorf("%v: status %d, want %d", tc.err, res.status, tc.want)
		}
		if tc.want == http.StatusTooManyRequests && res.header.Get("Retry-After") == "" {
			t.Errorf("429 without Retry-After")
		}
		if strings.Contains(res.raw, "fire") {
			t.Errorf("internal error text leaked to the client: %s", res.raw)
		}
	}
}

func TestCORS(t *testing.T) {
	mux := newMux(t, &memStore{}, config.DefaultLimits(), true)
	pre := post("/v1/write/rum", "", nil)
	pre.Method = http.MethodOptions
	pre.Header.Set("Origin", "https://shop.test")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "content-type, content-encoding")
	res := do(t, mux, pre)
	if res.status != http.StatusNoContent || res.header.Get("Access-Control-Allow-Origin") != "https://shop.test" ||
		!strings.Contains(res.header.Get("Access-Control-Allow-Headers"), "Content-Encoding") {
		t.Fatalf("preflight: %d %v", res.status, res.header)
	}
	req := post("/v1/write/rum", "text/plain", batch(event("view", "v", 1)))
	req.Header.Set("Origin", "https://shop.test")
	res = do(t, mux, req)
	if res.status != http.StatusAccepted || res.header.Get("Access-Control-Allow-Origin") != "https://shop.test" {
		t.Fatalf("post: %d %v", res.status, res.header)
	}
}
