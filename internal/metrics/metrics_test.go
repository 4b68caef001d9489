package metrics

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func scrape(tb testing.TB, r *Registry) string {
	tb.Helper()
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if got := rec.Header().Get("Content-Type"); got != ContentType {
		tb.Fatalf("Content-Type %q, want %q", got, ContentType)
	}
	checkExposition(tb, rec.Body.String())
	return rec.Body.String()
}

// sampleLine is the text format's sample: name, optional {labels}, value.
var sampleLine = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? (\+Inf|-Inf|NaN|[-+0-9.eE]+)$`)

// checkExposition checks every line is a HELP, TYPE or well-formed sample,
// and every sample follows the TYPE of its family.
func checkExposition(tb testing.TB, text string) {
	tb.Helper()
	typed := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# HELP "):
		case strings.HasPrefix(line, "# TYPE "):
			f := strings.Fields(line)
			if len(f) != 4 {
				tb.Fatalf("bad TYPE line %q", line)
			}
			typed[f[2]] = true
		default:
			if !sampleLine.MatchString(line) {
				tb.Fatalf("bad sample line %q", line)
			}
			name := line[:strings.IndexAny(line, "{ ")]
			base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
			if !typed[name] && !typed[base] {
				tb.Fatalf("sample %q before its TYPE", line)
			}
		}
	}
}

func TestCounterGaugeFuncs(t *testing.T) {
	r := NewRegistry()
	c := r.NewCounter("x_requests_total", "Requests.\nSecond line with \\.", "code")
	c.Inc("200")
	c.Add(2, "200")
	c.Inc(`4"0\0`)
	g := r.NewGauge("x_queue", "Queue.")
	g.Set(7)
	g.Add(-2)
	r.GaugeFunc("x_size_bytes", "Size.", func() float64 { return 1.5e9 })
	r.CounterFunc("x_events_total", "Events.", func() float64 { return 42 })
	out := scrape(t, r)
	for _, want := range []string{
		`# HELP x_requests_total Requests.\nSecond line with \\.`,
		"# TYPE x_requests_total counter",
		`x_requests_total{code="200"} 3`,
		`x_requests_total{code="4\"0\\0"} 1`,
		"# TYPE x_queue gauge",
		"x_queue 5",
		"x_size_bytes 1.5e+09",
		"# TYPE x_events_total counter\nx_events_total 42",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %q:\n%s", want, out)
		}
	}
	// Families are sorted by name.
	if strings.Index(out, "x_events_total") > strings.Index(out, "x_queue") {
		t.Errorf("families not sorted:\n%s", out)
	}
	if got := c.Value("200"); got != 3 {
		t.Errorf("Value()=%v, want 3", got)
	}
}

func TestHistogramIsCumulative(t *testing.T) {
	r := NewRegistry()
	h := r.NewHistogram("x_seconds", "Latency.", []float64{0.01, 0.1, 1})
	for _, v := range []float64{0.005, 0.01, 0.05, 0.5, 3} {
		h.Observe(v)
	}
	out := scrape(t, r)
	for _, want := range []string{
		`x_seconds_bucket{le="0.01"} 2`, // le is inclusive
		`x_seconds_bucket{le="0.1"} 3`,
		`x_seconds_bucket{le="1"} 4`,
		`x_seconds_bucket{le="+Inf"} 5`,
		`x_seconds_sum 3.565`,
		`x_seconds_count 5`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %q:\n%s", want, out)
		}
	}
	if got := h.Count(); got != 5 {
		t.Errorf("Count()=%d, want 5", got)
	}
}

func TestRegistrationMistakesPanic(t *testing.T) {
	for name, f := range map[string]func(r *Registry){
		"duplicate":    func(r *Registry) { r.NewCounter("a_total", ""); r.NewGauge("a_total", "") },
		"bad name":     func(r *Registry) { r.NewCounter("a-b", "") },
		"bad label":    func(r *Registry) { r.NewCounter("a_total", "", "le-x") },
		"label count":  func(r *Registry) { r.NewCounter("a_total", "", "x").Inc() },
		"negative add": func(r *Registry) { r.NewCounter("a_total", "").Add(-1) },
		"bad buckets":  func(r *Registry) { r.NewHistogram("h", "", []float64{2, 1}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f(NewRegistry())
		}()
	}
}

// Concurrent updates are not lost (run with -race to check the locking).
func TestConcurrentUpdates(t *testing.T) {
	r := NewRegistry()
	c := r.NewCounter("c_total", "", "k")
	h := r.NewHistogram("h_seconds", "", nil, "k")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				k := []string{"a", "b"}[i%2]
				c.Inc(k)
				h.Observe(0.001, k)
				if i%100 == 0 {
					r.WriteTo(io.Discard)
				}
			}
		}()
	}
	wg.Wait()
	if got := c.Value("a") + c.Value("b"); got != 8000 {
		t.Fatalf("counter = %v, want 8000", got)
	}
	if got := h.Count("a") + h.Count("b"); got != 8000 {
		t.Fatalf("histogram count = %v, want 8000", got)
	}
}

func TestHTTPWrap(t *testing.T) {
	r := NewRegistry()
	m := NewHTTP(r)
	h := m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		if string(b) == "big" {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
		}
		w.Write([]byte("ok"))
	}), func(req *http.Request) (string, bool) {
		return strings.TrimPrefix(req.URL.Path, "/"), req.URL.Path == "/rum"
	})
	for _, tc := range []struct{ path, body string }{{"/rum", "hello"}, {"/rum", "big"}, {"/ui", "big"}} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", tc.path, strings.NewReader(tc.body)))
	}
	out := scrape(t, r)
	for _, want := range []string{
		`reprise_http_requests_total{handler="rum",code="200"} 1`,
		`reprise_http_requests_total{handler="rum",code="413"} 1`,
		`reprise_http_request_bytes_total{handler="rum"} 8`,
		`reprise_http_response_bytes_total{handler="rum"} 4`,
		`reprise_intake_rejects_total{handler="rum",reason="too_large"} 1`,
		`reprise_http_request_duration_seconds_count{handler="ui"} 1`,
		`reprise_http_requests_in_flight{handler="rum"} 0`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %q:\n%s", want, out)
		}
	}
	// The UI is not intake: its 413 is no intake reject.
	if strings.Contains(out, `reprise_intake_rejects_total{handler="ui"`) {
		t.Errorf("non-intake request counted as a reject:\n%s", out)
	}
}

func TestRejectReason(t *testing.T) {
	for code, want := range map[int]string{413: "too_large", 400: "malformed", 415: "unsupported_type", 429: "overloaded", 503: "shutting_down", 500: "internal", 418: "other"} {
		if got := RejectReason(code); got != want {
			t.Errorf("RejectReason(%d)=%q, want %q", code, got, want)
		}
	}
}

func TestDirSize(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "segments"), 0o755)
	os.WriteFile(filepath.Join(dir, "a.db"), make([]byte, 1000), 0o644)
	os.WriteFile(filepath.Join(dir, "segments", "seg-1.blob"), make([]byte, 234), 0o644)
	d := &DirSize{Dir: dir, TTL: -1} // negative: never cached
	if got := d.Bytes(); got != 1234 {
		t.Fatalf("Bytes()=%v, want 1234", got)
	}
	os.Remove(filepath.Join(dir, "a.db"))
	if got := d.Bytes(); got != 234 {
		t.Fatalf("after remove Bytes()=%v, want 234", got)
	}
	cached := &DirSize{Dir: dir}
	cached.Bytes()
	os.WriteFile(filepath.Join(dir, "b"), make([]byte, 10), 0o644)
	if got := cached.Bytes(); got != 234 {
		t.Fatalf("cached Bytes()=%v, want 234 (within TTL)", got)
	}
}
