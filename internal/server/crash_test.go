package server

// The crash test: a load generator posts replay segments and RUM batches
// while the server (a child process running Run) is killed with SIGKILL at
// random moments and restarted on the same data directory. Afterwards every
// item the server acknowledged with 202 must be readable, byte for byte, and
// no stored segment may be half-written. It prints the load it held, the
// kills it survived and the items it lost (the test fails unless zero).

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
)

const crashChildEnv = "REPRISE_CRASH_CHILD_DIR"

// TestCrashChild is the server process of TestCrashRecovery, not a test of
// its own: it runs Run on the directory named in its environment and prints
// the address it listens on, until it is killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("helper process of TestCrashRecovery")
	}
	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.DataDir = dir
	ready := make(chan string, 1)
	go func() {
		addr := <-ready
		fmt.Printf("crash-child listening %s\n", addr)
	}()
	err := Run(context.Background(), cfg, quiet, "crash-test", ready)
	fmt.Fprintf(os.Stderr, "crash-child: Run returned: %v\n", err)
	os.Exit(3)
}

// crashLoad is what the load generator sent and what was acknowledged.
type crashLoad struct {
	mu       sync.Mutex
	events   map[string][]byte // acknowledged error events: id -> line as sent
	segments map[string][]byte // acknowledged segments: session id -> bytes as sent
	tried    map[string][]byte // every segment sent: session id -> bytes
	requests atomic.Int64      // acknowledged requests
	refused  atomic.Int64      // 429/503 answers (allowed: the client retries)
	seq      atomic.Int64
}

func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test takes ~20 s")
	}
	cycles := 4
	if v, err := strconv.Atoi(os.Getenv("REPRISE_CRASH_KILLS")); err == nil && v > 0 {
		cycles = v
	}
	kills := 0 // under load, each followed by a restart on what it left
	dir := t.TempDir()
	load := &crashLoad{events: map[string][]byte{}, segments: map[string][]byte{}, tried: map[string][]byte{}}
	var loadTime time.Duration
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for cycle := 0; cycle < cycles; cycle++ {
		child, addr := startCrashChild(t, dir)
		before := load.requests.Load()
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := 0; w < 16; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				load.run(ctx, addr)
			}()
		}
		// Kill at a random moment once the load flows, mid-batch as often
		// as not. (A loaded CI machine may take a while for the first ack.)
		flowing := time.Now()
		for load.requests.Load() == before && time.Since(flowing) < 15*time.Second {
			time.Sleep(5 * time.Millisecond)
		}
		hold := 400*time.Millisecond + time.Duration(rng.Int64N(int64(1200*time.Millisecond)))
		time.Sleep(hold)
		hold = time.Since(flowing) // the load ran from flowing until the kill
		if err := child.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("kill: %v", err)
		}
		child.Wait()
		stop()
		wg.Wait()
		loadTime += hold
		if got := load.requests.Load() - before; got == 0 {
			t.Fatalf("cycle %d: the server acknowledged nothing in %v", cycle, hold)
		}
		kills++
	}
	// A last restart proves the server comes up on what the kills left.
	child, _ := startCrashChild(t, dir)
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()

	lost := load.verify(t, dir)
	acked := load.requests.Load()
	t.Logf("crash test: %d kills survived, %d acknowledged requests (%d events, %d segments) in %.1f s of load = %.0f requests/s, %d refused with 429/503, %d acknowledged items lost",
		kills, acked, len(load.events), len(load.segments), loadTime.Seconds(), float64(acked)/loadTime.Seconds(), load.refused.Load(), lost)
	fmt.Printf("crash test: requests/s=%.0f kills=%d lost=%d\n", float64(acked)/loadTime.Seconds(), kills, lost)
	if lost != 0 {
		t.Fatalf("%d acknowledged items lost", lost)
	}
}

// startCrashChild runs this test binary as the server on dir and waits for
// its address.
func startCrashChild(t *testing.T, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "crash-child listening "); ok {
				addrc <- a
			}
		}
	}()
	select {
	case a := <-addrc:
		return cmd, a
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("server did not start on the crashed data dir:\n%s", stderr.String())
	}
	return nil, ""
}

// run posts segments and batches until ctx ends or the server is gone.
func (l *crashLoad) run(ctx context.Context, addr string) {
	client := &http.Client{Timeout: 10 * time.Second}
	for ctx.Err() == nil {
		n := l.seq.Add(1)
		var err error
		if n%2 == 0 {
			err = l.postSegment(ctx, client, addr, n)
		} else {
			err = l.postEvents(ctx, client, addr, n)
		}
		if err != nil {
			// The server was killed (or is not up yet): back off briefly.
			time.Sleep(5 * time.Millisecond)
		}
	}
}

func (l *crashLoad) postSegment(ctx context.Context, c *http.Client, addr string, n int64) error {
	session := fmt.Sprintf("crash-seg-%d", n)
	start := int64(1_700_000_000_000) + n
	// Random text makes every segment's bytes unique and incompressible
	// enough to be a few KB, as real segments are.
	noise := make([]byte, 2048+n%2048)
	for i := range noise {
		noise[i] = byte('a' + rand.IntN(26))
	}
	records := fmt.Sprintf(`{"records":[{"type":4,"timestamp":%d,"data":{"href":"https://crash.example/","width":800,"height":600}},{"type":2,"timestamp":%d,"data":{"node":{"type":0,"id":1,"childNodes":[{"type":3,"id":2,"textContent":%q}]},"initialOffset":{"left":0,"top":0}}}]}`, start, start, noise)
	var zb bytes.Buffer
	zw := zlib.NewWriter(&zb)
	zw.Write([]byte(records))
	zw.Close()
	data := zb.Bytes()
	meta := fmt.Sprintf(`{"application":{"id":"crash"},"session":{"id":%q},"view":{"id":"v-%d"},"start":%d,"end":%d,"records_count":2,"has_full_snapshot":true,"index_in_view":0,"source":"browser","creation_reason":"init","format":"rrweb"}`, session, n, start, start)

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="segment"; filename="`+session+`"`)
	h.Set("Content-Type", "application/octet-stream")
	pw, _ := mw.CreatePart(h)
	pw.Write(data)
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="event"; filename="blob"`)
	h.Set("Content-Type", "application/json")
	pw, _ = mw.CreatePart(h)
	pw.Write([]byte(meta))
	mw.Close()

	l.mu.Lock()
	l.tried[session] = data
	l.mu.Unlock()
	ok, err := l.post(ctx, c, "http://"+addr+"/v1/write/rum/replay", mw.FormDataContentType(), body.Bytes())
	if ok {
		l.mu.Lock()
		l.segments[session] = data
		l.mu.Unlock()
	}
	return err
}

func (l *crashLoad) postEvents(ctx context.Context, c *http.Client, addr string, n int64) error {
	var lines [][]byte
	ids := make([]string, 0, 5)
	for k := 0; k < 1+int(n%5); k++ {
		id := fmt.Sprintf("crash-err-%d-%d", n, k)
		ids = append(ids, id)
		lines = append(lines, fmt.Appendf(nil, `{"type":"error","date":%d,"application":{"id":"crash"},"session":{"id":"crash-rum-%d"},"view":{"id":"v-%d","url":"https://crash.example/"},"error":{"id":%q,"message":"crash test %d/%d","source":"source"}}`, 1_700_000_000_000+n, n, n, id, n, k))
	}
	ok, err := l.post(ctx, c, "http://"+addr+"/v1/write/rum", "text/plain", bytes.Join(lines, []byte("\n")))
	if ok {
		l.mu.Lock()
		for i, id := range ids {
			l.events[id] = lines[i]
		}
		l.mu.Unlock()
	}
	return err
}

// post reports whether the server acknowledged the body with 202.
func (l *crashLoad) post(ctx context.Context, c *http.Client, url, contentType string, body []byte) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.Do(req)
	if err != nil {
		return false, err
	}
	// The acknowledgement is the status line: a 202 read here counts even
	// if the connection dies before the body is read.
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusAccepted:
		l.requests.Add(1)
		return true, nil
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		l.refused.Add(1)
		return false, nil
	default:
		return false, fmt.Errorf("status %d", resp.StatusCode)
	}
}

// verify opens the store as a restart would and counts acknowledged items
// that are missing or differ. Segments that were stored without an
// acknowledgement (killed after commit, before the answer) may exist, but
// must be whole.
func (l *crashLoad) verify(t *testing.T, dir string) (lost int) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir, sqlite.Options{})
	if err != nil {
		t.Fatalf("reopen after the last kill: %v", err)
	}
	defer st.Close()
	report := func(format string, args ...any) {
		lost++
		if lost <= 10 {
			t.Errorf(format, args...)
		}
	}
	for id, line := range l.events {
		ev, err := st.GetEvent(ctx, rum.TypeError, id)
		if err != nil {
			report("acknowledged event %s: %v", id, err)
			continue
		}
		if !bytes.Equal(ev.Raw, line) {
			report("acknowledged event %s differs:\n got %s\nwant %s", id, ev.Raw, line)
		}
	}
	for session, sent := range l.tried {
		segs, err := st.Segments(ctx, session, 0, 0)
		if err != nil {
			t.Fatalf("segments of %s: %v", session, err)
		}
		_, acked := l.segments[session]
		if acked && len(segs) != 1 {
			report("acknowledged segment of %s: %d stored", session, len(segs))
			continue
		}
		for _, m := range segs {
			got, err := readAll(ctx, st, m)
			if err != nil || !bytes.Equal(got, sent) {
				// Unacknowledged but indexed counts too: it is served.
				report("segment of %s (acknowledged %v) is not what was sent: %d bytes, %v", session, acked, len(got), err)
			}
		}
	}
	return lost
}

func readAll(ctx context.Context, st *sqlite.Store, m store.SegmentMeta) ([]byte, error) {
	rc, err := st.OpenSegment(ctx, m)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b, nil
}
