package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
)

func TestMetricsEndpoint(t *testing.T) {
	s := newTestServer(t, nil)
	if res := send(t, s, "POST", "/v1/write/rum", "text/plain", []byte(rumEvent("view", "m1", "v-m1", 1700000000000)+"\n{\"type\":\"bogus\"}")); res.status != 202 {
		t.Fatalf("intake: %d %s", res.status, res.raw)
	}
	send(t, s, "POST", "/v1/write/rum", "text/html", []byte("<p>"))
	send(t, s, "POST", "/v1/write/rum/replay", "text/plain", []byte("x"))
	get(t, s, "/api/v1/sessions")
	res := get(t, s, "/metrics")
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("/metrics: %d %v", res.status, res.header)
	}
	out := string(res.raw)
	for _, want := range []string{
		`reprise_http_requests_total{handler="rum",code="202"} 1`,
		`reprise_http_requests_total{handler="api",code="200"} 1`,
		`reprise_intake_rejects_total{handler="rum",reason="unsupported_type"} 1`,
		`reprise_intake_rejects_total{handler="replay",reason="unsupported_type"} 1`,
		`reprise_ingest_events_accepted_total 1`,
		`reprise_ingest_events_rejected_total 1`,
		`reprise_store_append_seconds_count{kind="events"} 1`,
		"reprise_store_commits_total 1",
		"reprise_store_committed_requests_total 1",
		"# TYPE reprise_store_queue_depth gauge",
		"# TYPE reprise_store_size_bytes gauge",
		"# TYPE reprise_http_request_duration_seconds histogram",
		"reprise_intake_inflight_requests 0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", out)
	}
	// Request bytes count what was sent.
	if !strings.Contains(out, `reprise_http_request_bytes_total{handler="rum"}`) {
		t.Error("no request bytes for rum")
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "m1") {
			t.Errorf("a session id became a label: %s", line)
		}
	}
}

func TestReadyz(t *testing.T) {
	s := newTestServer(t, nil)
	if res := get(t, s, "/readyz"); res.status != 200 || res.json(t)["status"] != "ready" {
		t.Fatalf("/readyz: %d %s", res.status, res.raw)
	}
	s.Drain()
	if res := get(t, s, "/readyz"); res.status != 503 {
		t.Fatalf("/readyz while draining: %d", res.status)
	}
}

// A declared length over max_body_bytes is refused before any of the body
// is read: a client announcing 1 GB gets 413 at once, not after a timeout.
func TestDeclaredGigabyteIsRefusedAtOnce(t *testing.T) {
	s := newTestServer(t, nil)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	for _, path := range []string{"/v1/write/rum", "/v1/write/rum/replay", "/v1/datadog?ddforward=%2Fapi%2Fv2%2Frum"} {
		conn, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n{\"type\":", path, 1<<30)
		start := time.Now()
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: no answer to a 1 GB declared length: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "max_body_bytes") {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("%s: answered after %v", path, took)
		}
		conn.Close()
	}
}

// Past max_inflight_requests, intake answers 429 with Retry-After at once;
// when the slot frees, requests go through again. Other routes are not
// limited.
func TestInflightLimitAnswers429(t *testing.T) {
	s := newTestServer(t, func(c *config.Config) { c.Limits.MaxInflightRequests = 1 })
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	body := rumEvent("view", "slow", "v-slow", 1700000000000)
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A slow upload holds the only slot.
	fmt.Fprintf(conn, "POST /v1/write/rum HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:5])
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, _ := s.ops.inflight.load()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the slow request never got in")
		}
		time.Sleep(5 * time.Millisecond)
	}
	resp, err := http.Post(ts.URL+"/v1/write/rum", "text/plain", strings.NewReader(rumEvent("view", "fast", "v-fast", 1700000000000)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("second request while the slot is held: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, err := http.Get(ts.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz limited too: %v %v", resp, err)
	}
	fmt.Fprint(conn, body[5:])
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	slow, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || slow.StatusCode != http.StatusAccepted {
		t.Fatalf("slow request: %v %v", slow, err)
	}
	resp, err = http.Post(ts.URL+"/v1/write/rum", "text/plain", strings.NewReader(rumEvent("view", "fast", "v-fast", 1700000000000)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("after the slot freed: %d", resp.StatusCode)
	}
	if got := s.ops.http.Rejects("rum", "overloaded"); got != 1 {
		t.Fatalf("overloaded rejects = %v, want 1", got)
	}
}

func TestInflightByteBudget(t *testing.T) {
	l := newInflightLimiter(config.Limits{MaxInflightRequests: 10, MaxInflightBytes: 1000, MaxBodyBytes: 4000})
	req := func(n int64) *http.Request { r := httptest.NewRequest("POST", "/", nil); r.ContentLength = n; return r }
	big, ok := l.acquire(req(3000)) // larger than the budget, but alone: let in
	if !ok {
		t.Fatal("a lone large request was refused")
	}
	if _, ok := l.acquire(req(1)); ok {
		t.Fatal("budget exceeded, yet admitted")
	}
	big()
	a, ok1 := l.acquire(req(600))
	_, ok2 := l.acquire(req(600))
	unknown, ok3 := l.acquire(req(-1)) // chunked counts as max_body_bytes
	if !ok1 || ok2 || ok3 {
		t.Fatalf("600+600 over 1000 admitted=%v, chunked admitted=%v", ok2, ok3)
	}
	_ = unknown
	a()
	if n, b := l.load(); n != 0 || b != 0 {
		t.Fatalf("after release: %d requests, %d bytes", n, b)
	}
}

// Slowloris: a client that trickles its headers is cut off after
// read_header_timeout, and one that trickles its body after read_timeout.
func TestSlowClientsAreCutOff(t *testing.T) {
	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.ReadHeaderTimeout = config.Duration(300 * time.Millisecond)
	cfg.ReadTimeout = config.Duration(800 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, quiet, "test", ready) }()
	defer func() { cancel(); <-done }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	for _, tc := range []struct {
		name   string
		prefix string
		limit  time.Duration
	}{
		{"headers", "POST /v1/write/rum HTTP/1.1\r\nHost: x\r\n", 300 * time.Millisecond},
		{"body", "POST /v1/write/rum HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n{", 800 * time.Millisecond},
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		io.WriteString(conn, tc.prefix)
		// Trickle a byte every 100 ms until the server hangs up.
		closed := false
		for i := 0; i < 50 && !closed; i++ {
			time.Sleep(100 * time.Millisecond)
			if _, err := io.WriteString(conn, "X"); err != nil {
				closed = true
			}
			conn.SetReadDeadline(time.Now().Add(time.Millisecond))
			buf := make([]byte, 512)
			if _, err := conn.Read(buf); err != nil && !isTimeout(err) {
				closed = true
			}
		}
		conn.Close()
		took := time.Since(start)
		if !closed {
			t.Errorf("%s: slow client still connected after %v", tc.name, took)
		} else if took > tc.limit+2*time.Second {
			t.Errorf("%s: cut off after %v, limit %v", tc.name, took, tc.limit)
		}
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// Behind the login, load balancers still probe /healthz and /readyz without
// credentials; /metrics takes an API token (Prometheus' authorization).
func TestOpsEndpointsBehindLogin(t *testing.T) {
	s := newGuardedServer(t, nil)
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := get(t, s, p); r.status != http.StatusOK {
			t.Errorf("anonymous %s: %d", p, r.status)
		}
	}
	if r := get(t, s, "/metrics"); r.status == http.StatusOK {
		t.Error("anonymous /metrics served")
	}
	if r := send(t, s, "GET", "/metrics", "", nil, "Authorization", "Bearer "+accessToken); r.status != http.StatusOK {
		t.Errorf("/metrics with an API token: %d", r.status)
	}
}

// One process per data directory: gc refuses to run beside serve, and a
// second serve refuses to start.
func TestDataDirIsLocked(t *testing.T) {
	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.Retention.MaxAge = config.Duration(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, quiet, "test", ready) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	if _, err := GC(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("gc beside serve: %v", err)
	}
	if err := Run(context.Background(), cfg, quiet, "test", nil); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second serve: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := GC(context.Background(), cfg); err != nil {
		t.Errorf("gc after serve stopped: %v", err)
	}
}

// blockedStore is a store whose write path has stalled (a slow disk).
type blockedStore struct {
	Store
	release chan struct{}
}

func (b *blockedStore) AppendEvents(ctx context.Context, evs []rum.Event) error {
	select {
	case <-b.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return b.Store.AppendEvents(ctx, evs)
}

// When the write path falls behind, intake answers 429 with Retry-After
// once max_inflight_requests wait on it, instead of piling requests up; the
// waiting ones are stored once it catches up.
func TestStalledWritePathAnswers429(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Limits.MaxInflightRequests = 8
	st, err := sqlite.Open(context.Background(), cfg.DataDir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bs := &blockedStore{Store: st, release: make(chan struct{})}
	srv, err := New(Deps{Config: cfg, Store: bs, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	codes := make(chan int, 40)
	for i := 0; i < 40; i++ {
		go func() {
			body := rumEvent("view", fmt.Sprintf("stall-%d", i), fmt.Sprintf("v-%d", i), 1700000000000)
			resp, err := http.Post(ts.URL+"/v1/write/rum", "text/plain", strings.NewReader(body))
			if err != nil {
				codes <- 0
				return
			}
			if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
				codes <- -1
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	count := map[int]int{}
	// The refusals come at once, while the write path is still stalled.
	for i := 0; i < 32; i++ {
		select {
		case c := <-codes:
			count[c]++
		case <-time.After(10 * time.Second):
			t.Fatalf("requests hang instead of being refused: %v", count)
		}
	}
	if count[http.StatusTooManyRequests] != 32 {
		t.Fatalf("while stalled: %v, want 32 × 429", count)
	}
	close(bs.release)
	for i := 0; i < 8; i++ {
		if c := <-codes; c != http.StatusAccepted {
			t.Fatalf("a request admitted before the stall ended got %d", c)
		}
	}
}
