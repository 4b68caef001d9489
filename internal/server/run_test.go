package server

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
)

// Run serves, and on cancel lets a request that is already being received
// finish (and be stored) before it stops.
func TestRunGracefulShutdown(t *testing.T) {
	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, quiet, "test", ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("Run returned early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}

	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()

	// Start a request, send half its body, then ask the server to stop.
	body := rumEvent("view", "graceful", "v-graceful", 1700000000000)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/write/rum HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:10])
	time.Sleep(100 * time.Millisecond) // let the server take the request in
	cancel()
	time.Sleep(100 * time.Millisecond)
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("new connections still accepted after shutdown began")
	}
	fmt.Fprint(conn, body[10:])
	resp, err = http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request cut off: %v", err)
	}
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("in-flight request: %d", resp.StatusCode)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}

	// The acknowledged event survived the shutdown.
	st, err := sqlite.Open(context.Background(), cfg.DataDir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.GetSession(context.Background(), "graceful"); err != nil {
		t.Fatalf("event acknowledged during shutdown is gone: %v", err)
	}
}

func TestRunFailsOnBusyAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := config.Default()
	cfg.Listen = ln.Addr().String()
	cfg.DataDir = t.TempDir()
	err = Run(context.Background(), cfg, quiet, "test", nil)
	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("Run on a busy address: %v", err)
	}
}

// reprise gc removes the sessions that ended before now-max_age, not the others.
func TestGC(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	st, err := sqlite.Open(context.Background(), cfg.DataDir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Deps{Config: cfg, Store: st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-48 * time.Hour).UnixMilli()
	body := rumEvent("view", "old", "v-old", old) + "\n" + rumEvent("view", "new", "v-new", time.Now().UnixMilli())
	if res := send(t, srv, "POST", "/v1/write/rum", "text/plain", []byte(body)); res.status != 202 {
		t.Fatalf("intake: %d %s", res.status, res.raw)
	}
	st.Close()

	if _, err := GC(context.Background(), cfg); err == nil {
		t.Fatal("GC without retention.max_age ran")
	}
	cfg.Retention.MaxAge = config.Duration(24 * time.Hour)
	res, err := GC(context.Background(), cfg)
	if err != nil || res.Sessions != 1 {
		t.Fatalf("GC = %+v, %v; want 1 session removed", res, err)
	}
	st, err = sqlite.Open(context.Background(), cfg.DataDir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.GetSession(context.Background(), "old"); err == nil {
		t.Error("the old session survived gc")
	}
	if _, err := st.GetSession(context.Background(), "new"); err != nil {
		t.Errorf("the recent session is gone: %v", err)
	}
}
