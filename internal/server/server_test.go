package server

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// newTestServer wires the real router over a real store in a temp dir.
func newTestServer(tb testing.TB, mutate func(*config.Config)) *Server {
	tb.Helper()
	cfg := config.Default()
	cfg.DataDir = tb.TempDir()
	if mutate != nil {
		mutate(&cfg)
	}
	st, err := sqlite.Open(context.Background(), cfg.DataDir, sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	srv, err := New(Deps{Config: cfg, Store: st, Logger: quiet, Version: "test"})
	if err != nil {
		tb.Fatal(err)
	}
	return srv
}

type result struct {
	status int
	header http.Header
	raw    []byte
}

func (r result) json(tb testing.TB) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.raw, &m); err != nil {
		tb.Fatalf("not JSON (%v): %s", err, r.raw)
	}
	return m
}

func send(tb testing.TB, s *Server, method, target, contentType string, body []byte, hdr ...string) result {
	tb.Helper()
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return result{status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
}

func get(tb testing.TB, s *Server, target string) result {
	return send(tb, s, http.MethodGet, target, "", nil)
}

func rumEvent(typ, session, id string, date int64) string {
	obj := map[string]string{"view": "view", "action": "action", "error": "error", "resource": "resource", "long_task": "long_task"}[typ]
	extra := ""
	if typ == "error" {
		extra = `,"message":"boom"`
	}
	return fmt.Sprintf(`{"type":%q,"date":%d,"application":{"id":"shop"},"session":{"id":%q,"has_replay":true},"view":{"id":"v-%s","url":"https://shop.test/cart"},%q:{"id":%q%s},"_dd":{"document_version":1}}`,
		typ, date, session, session, obj, id, extra)
}

func zlibOf(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func gzipOf(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

type part struct{ name, filename, contentType, data string }

func multipartOf(tb testing.TB, parts ...part) ([]byte, string) {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.filename))
			h.Set("Content-Type", p.contentType)
			w, err = mw.CreatePart(h)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(w, p.data)
	}
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

func TestRUMIntakeToAPI(t *testing.T) {
	s := newTestServer(t, nil)
	good := strings.Join([]string{rumEvent("view", "s1", "v-s1", 1700000000000), rumEvent("action", "s1", "a1", 1700000001000)}, "\n")
	res := send(t, s, "POST", "/v1/write/rum", "text/plain;charset=UTF-8", []byte(good))
	if res.status != http.StatusAccepted {
		t.Fatalf("good batch: %d %s", res.status, res.raw)
	}
	mixed := strings.Join([]string{rumEvent("error", "s1", "e1", 1700000002000), `{"type":"view"`, `{"type":"telemetry","date":1}`}, "\n")
	res = send(t, s, "POST", "/v1/write/rum", "text/plain", gzipOf([]byte(mixed)), "Content-Encoding", "gzip")
	if m := res.json(t); res.status != http.StatusAccepted || m["accepted"] != 1.0 || m["rejected"] != 1.0 || m["dropped"] != 1.0 {
		t.Fatalf("mixed gzip batch: %d %s", res.status, res.raw)
	}
	res = send(t, s, "POST", "/v1/write/rum", "text/plain", zlibOf([]byte(rumEvent("resource", "s1", "r1", 1700000003000))), "Content-Encoding", "deflate")
	if res.status != http.StatusAccepted {
		t.Fatalf("deflate batch: %d %s", res.status, res.raw)
	}

	list := get(t, s, "/api/v1/sessions?app=shop&limit=10")
	sessions := list.json(t)["sessions"].([]any)
	if list.status != 200 || len(sessions) != 1 {
		t.Fatalf("sessions: %d %s", list.status, list.raw)
	}
	sess := sessions[0].(map[string]any)
	if sess["id"] != "s1" || sess["error_count"] != 1.0 || sess["action_count"] != 1.0 {
		t.Fatalf("session %v", sess)
	}
	detail := get(t, s, "/api/v1/sessions/s1").json(t)
	if views := detail["views"].([]any); len(views) != 1 || detail["id"] != "s1" {
		t.Fatalf("session detail %v", detail)
	}
	evs := get(t, s, "/api/v1/sessions/s1/events").json(t)["events"].([]any)
	if len(evs) != 4 {
		t.Fatalf("%d session events, want 4", len(evs))
	}
	if errs := get(t, s, "/api/v1/sessions/s1/events?type=error").json(t)["events"].([]any); len(errs) != 1 {
		t.Fatalf("%d error events, want 1", len(errs))
	}
	if page := get(t, s, "/api/v1/errors?session_id=s1").json(t); len(page["events"].([]any)) != 1 {
		t.Fatalf("errors list %v", page)
	}
	if ev := get(t, s, "/api/v1/actions/a1").json(t); ev["id"] != "a1" || ev["session_id"] != "s1" {
		t.Fatalf("action %v", ev)
	}
	if hist := get(t, s, "/api/v1/histogram?type=errors&buckets=5"); hist.status != 200 {
		t.Fatalf("histogram %d %s", hist.status, hist.raw)
	}
}

// The default configuration redacts card numbers and emails at intake: what
// the API serves no longer holds them.
func TestRedactionAtIntake(t *testing.T) {
	s := newTestServer(t, nil)
	line := `{"type":"error","date":1700000000000,"application":{"id":"shop"},"session":{"id":"rs"},"view":{"id":"rv","url":"https://shop.test/"},` +
		`"error":{"id":"re","message":"payment for bob@shop.test with 5500 0000 0000 0004 failed"}}`
	if res := send(t, s, "POST", "/v1/write/rum", "text/plain", []byte(line)); res.status != 202 {
		t.Fatalf("intake: %d %s", res.status, res.raw)
	}
	res := get(t, s, "/api/v1/errors/re")
	if res.status != 200 || bytes.Contains(res.raw, []byte("bob@")) || bytes.Contains(res.raw, []byte("5500")) ||
		!bytes.Contains(res.raw, []byte("[redacted:card]")) {
		t.Fatalf("served error: %d %s", res.status, res.raw)
	}
	if h := get(t, s, "/healthz"); !bytes.Contains(h.raw, []byte(`"redactions"`)) {
		t.Fatalf("healthz lacks redaction counts: %s", h.raw)
	}
}

func TestAPIErrors(t *testing.T) {
	s := newTestServer(t, nil)
	for target, want := range map[string]int{
		"/api/v1/sessions/nope":                                     404,
		"/api/v1/sessions/nope/replay":                              404,
		"/api/v1/sessions/nope/segments":                            404,
		"/api/v1/errors/nope":                                       404,
		"/api/v1/widgets":                                           404,
		"/api/v1/sessions?limit=0":                                  400,
		"/api/v1/sessions?limit=5000":                               400,
		"/api/v1/sessions?from=yesterday":                           400,
		"/api/v1/sessions?from=10&to=5":                             400,
		"/api/v1/sessions?has_replay=maybe":                         400,
		"/api/v1/sessions/x/events?type=x":                          400,
		"/api/v2/nothing":                                           404,
		"/api/v1/sessions?from=2026-01-01T00:00:00Z&has_error=true": 200,
	} {
		res := get(t, s, target)
		if res.status != want {
			t.Errorf("GET %s: %d, want %d: %s", target, res.status, want, res.raw)
		}
		if want != 200 && res.json(t)["error"] == nil {
			t.Errorf("GET %s: no JSON error: %s", target, res.raw)
		}
	}
}

const rrwebRecords = `{"records":[` +
	`{"type":4,"data":{"href":"https://shop.test/","width":800,"height":600},"timestamp":1700000000000},` +
	`{"type":2,"data":{"node":{"type":0,"childNodes":[],"id":1},"initialOffset":{"top":0,"left":0}},"timestamp":1700000000001},` +
	`{"type":3,"data":{"source":1,"positions":[{"x":1,"y":2,"id":1,"timeOffset":0}]},"timestamp":1700000000500}]}`

func TestReplayRoundTrip(t *testing.T) {
	s := newTestServer(t, nil)
	body, ct := multipartOf(t,
		part{"segment", "s2-1700000000000", "application/octet-stream", string(zlibOf([]byte(rrwebRecords)))},
		part{"event", "blob", "application/json", `{"application":{"id":"shop"},"session":{"id":"s2"},"view":{"id":"v1"},"start":1700000000000,"end":1700000000500,"records_count":3,"has_full_snapshot":true,"index_in_view":0,"source":"browser","creation_reason":"init","format":"rrweb"}`},
	)
	res := send(t, s, "POST", "/v1/write/rum/replay", ct, body)
	if res.status != http.StatusAccepted {
		t.Fatalf("upload: %d %s", res.status, res.raw)
	}
	segs := get(t, s, "/api/v1/sessions/s2/segments").json(t)["segments"].([]any)
	if len(segs) != 1 || segs[0].(map[string]any)["has_full_snapshot"] != true || segs[0].(map[string]any)["start"] != 1700000000000.0 {
		t.Fatalf("segments %v", segs)
	}
	rep := get(t, s, "/api/v1/sessions/s2/replay")
	var got struct {
		Events  []json.RawMessage `json:"events"`
		Missing []any             `json:"missing"`
	}
	if err := json.Unmarshal(rep.raw, &got); err != nil || rep.status != 200 {
		t.Fatalf("replay: %d %v %s", rep.status, err, rep.raw)
	}
	want, _ := json.Marshal(json.RawMessage(rrwebRecords))
	var wantRecs struct{ Records []json.RawMessage }
	json.Unmarshal(want, &wantRecs)
	if len(got.Events) != 3 || len(got.Missing) != 0 {
		t.Fatalf("replay has %d events, missing %v", len(got.Events), got.Missing)
	}
	for i := range got.Events {
		if !bytes.Equal(got.Events[i], wantRecs.Records[i]) {
			t.Errorf("event %d = %s, want %s", i, got.Events[i], wantRecs.Records[i])
		}
	}
	// The same stream gzipped for clients that ask.
	zrep := send(t, s, "GET", "/api/v1/sessions/s2/replay", "", nil, "Accept-Encoding", "gzip, deflate")
	if zrep.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("replay not gzipped: %v", zrep.header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zrep.raw))
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := io.ReadAll(zr); err != nil || !bytes.Equal(plain, rep.raw) {
		t.Fatalf("gunzipped replay differs (%v): %s", err, plain)
	}
	if rep := get(t, s, "/api/v1/sessions/s2/replay?from=1700000000400&to=1700000000100"); !bytes.Contains(rep.raw, []byte(`"timestamp":1700000000001`)) || bytes.Contains(rep.raw, []byte("1700000000500")) {
		t.Fatalf("windowed replay: %s", rep.raw)
	}
}

// Guance's SDK posts the metadata as flat form fields.
func TestReplayGuanceFlatFields(t *testing.T) {
	s := newTestServer(t, nil)
	body, ct := multipartOf(t,
		part{"segment", "g-1", "application/octet-stream", string(zlibOf([]byte(rrwebRecords)))},
		part{name: "app_id", data: "guance"}, part{name: "session_id", data: "gs"}, part{name: "view_id", data: "gv"},
		part{name: "start", data: "1700000000000"}, part{name: "end", data: "1700000000500"},
		part{name: "has_full_snapshot", data: "true"}, part{name: "index_in_view", data: "0"},
		part{name: "records_count", data: "3"}, part{name: "format", data: "rrweb"},
	)
	if res := send(t, s, "POST", "/v1/write/rum/replay", ct, body); res.status != http.StatusAccepted {
		t.Fatalf("upload: %d %s", res.status, res.raw)
	}
	var got struct{ Events []any }
	json.Unmarshal(get(t, s, "/api/v1/sessions/gs/replay").raw, &got)
	if len(got.Events) != 3 {
		t.Fatalf("replay has %d events", len(got.Events))
	}
}

// The real Datadog SDK's captured requests, through the proxy endpoint,
// come out of the replay API as rrweb events.
func TestDatadogFixturesThroughProxy(t *testing.T) {
	s := newTestServer(t, nil)
	metas, _ := filepath.Glob("../ingest/testdata/datadog-7.16.2/*/*.meta.json")
	if len(metas) == 0 {
		t.Fatal("no fixtures")
	}
	sessions := map[string]bool{}
	for _, mp := range metas {
		var meta struct{ URL, ContentType string }
		b, _ := os.ReadFile(mp)
		json.Unmarshal(b, &meta)
		body, err := os.ReadFile(strings.TrimSuffix(mp, ".meta.json") + ".body")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(meta.URL)
		res := send(t, s, "POST", "/v1/datadog?"+u.RawQuery, meta.ContentType, body, "Origin", "https://example.test")
		if res.status != http.StatusAccepted || res.header.Get("Access-Control-Allow-Origin") != "https://example.test" {
			t.Fatalf("%s: %d %s", mp, res.status, res.raw)
		}
	}
	list := get(t, s, "/api/v1/sessions?has_replay=true").json(t)["sessions"].([]any)
	for _, v := range list {
		sessions[v.(map[string]any)["id"].(string)] = true
	}
	if len(sessions) != 2 {
		t.Fatalf("sessions with replay: %v", list)
	}
	for id := range sessions {
		var got struct {
			Events []struct {
				Type int `json:"type"`
			}
			Missing []any
		}
		rep := get(t, s, "/api/v1/sessions/"+id+"/replay")
		if err := json.Unmarshal(rep.raw, &got); err != nil {
			t.Fatal(err)
		}
		full := 0
		for _, e := range got.Events {
			if e.Type == 2 {
				full++
			}
		}
		if full == 0 || len(got.Missing) != 0 {
			t.Errorf("session %s: %d events, %d full snapshots, missing %v", id, len(got.Events), full, got.Missing)
		}
	}
}

func TestIntakeRejections(t *testing.T) {
	s := newTestServer(t, func(c *config.Config) {
		c.Limits.MaxBodyBytes = 4096
		c.Limits.MaxDecompressedBytes = 64 << 10
	})
	bomb := gzipOf(bytes.Repeat([]byte("\n"), 8<<20))
	for _, tc := range []struct {
		name, path, ct, encoding string
		body                     []byte
		want                     int
	}{
		{"oversized", "/v1/write/rum", "text/plain", "", bytes.Repeat([]byte("x"), 5000), 413},
		{"zip bomb", "/v1/write/rum", "text/plain", "gzip", bomb, 413},
		{"wrong content type", "/v1/write/rum", "text/html", "", []byte(rumEvent("view", "s", "v", 1)), 415},
		{"replay not multipart", "/v1/write/rum/replay", "application/json", "", []byte(rrwebRecords), 415},
		{"GET on intake", "/v1/write/rum", "", "", nil, 405},
	} {
		method := "POST"
		if tc.body == nil {
			method = "GET"
		}
		hdr := []string{}
		if tc.encoding != "" {
			hdr = []string{"Content-Encoding", tc.encoding}
		}
		res := send(t, s, method, tc.path, tc.ct, tc.body, hdr...)
		if res.status != tc.want || res.json(t)["error"] == nil {
			t.Errorf("%s: %d, want %d: %s", tc.name, res.status, tc.want, res.raw)
		}
	}
}

func TestReplayIntakeDisabled(t *testing.T) {
	s := newTestServer(t, func(c *config.Config) { c.RUM.SessionReplayEndpoints = nil })
	body, ct := multipartOf(t, part{"segment", "x", "application/octet-stream", string(zlibOf([]byte(rrwebRecords)))})
	for _, path := range []string{"/v1/write/rum/replay", "/v1/datadog?ddforward=" + url.QueryEscape("/api/v2/replay?x=1")} {
		if res := send(t, s, "POST", path, ct, body); res.status != 404 || res.json(t)["error"] == nil {
			t.Errorf("%s: %d %s", path, res.status, res.raw)
		}
	}
	// RUM intake still works.
	if res := send(t, s, "POST", "/v1/write/rum", "text/plain", []byte(rumEvent("view", "s", "v", 1))); res.status != 202 {
		t.Fatalf("rum: %d", res.status)
	}
}

func TestCustomEndpoints(t *testing.T) {
	s := newTestServer(t, func(c *config.Config) {
		c.RUM.Endpoints = []string{"/rum"}
		c.RUM.SessionReplayEndpoints = []string{"/replay-in"}
	})
	if res := send(t, s, "POST", "/rum", "text/plain", []byte(rumEvent("view", "s", "v", 1))); res.status != 202 {
		t.Fatalf("/rum: %d %s", res.status, res.raw)
	}
	if res := send(t, s, "POST", "/v1/write/rum", "text/plain", []byte(rumEvent("view", "s", "v", 1))); res.status == 202 {
		t.Fatal("the default path still takes events")
	}
}

func TestConflictingEndpointIsAnError(t *testing.T) {
	cfg := config.Default()
	cfg.RUM.Endpoints = []string{"/api/"} // also registered for JSON 404s
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := New(Deps{Config: cfg, Store: st, Logger: quiet}); err == nil || !strings.Contains(err.Error(), "route table") {
		t.Fatalf("New with an endpoint on /api/: %v", err)
	}
}

func TestPprofOnlyWhenEnabled(t *testing.T) {
	if res := get(t, newTestServer(t, nil), "/debug/pprof/"); res.status == 200 {
		t.Fatal("pprof served without --pprof")
	}
	if res := get(t, newTestServer(t, func(c *config.Config) { c.Pprof = true }), "/debug/pprof/"); res.status != 200 {
		t.Fatalf("pprof with --pprof: %d", res.status)
	}
}

func TestHealthHeadersAndDraining(t *testing.T) {
	s := newTestServer(t, nil)
	res := get(t, s, "/healthz")
	if res.status != 200 || res.json(t)["status"] != "ok" {
		t.Fatalf("healthz: %d %s", res.status, res.raw)
	}
	if res.header.Get("X-Content-Type-Options") != "nosniff" || res.header.Get("Referrer-Policy") == "" {
		t.Fatalf("security headers missing: %v", res.header)
	}
	if res := get(t, s, "/explorer/sessions"); res.status != 200 {
		t.Fatalf("UI page: %d", res.status)
	}
	s.Drain()
	for _, target := range []string{"/healthz", "/api/v1/sessions"} {
		res := get(t, s, target)
		if res.status != 503 || res.header.Get("Retry-After") == "" || res.json(t)["error"] == nil {
			t.Errorf("%s while draining: %d %v", target, res.status, res.header)
		}
	}
	if res := send(t, s, "POST", "/v1/write/rum", "text/plain", []byte(rumEvent("view", "s", "v", 1))); res.status != 503 {
		t.Errorf("intake while draining: %d", res.status)
	}
}
