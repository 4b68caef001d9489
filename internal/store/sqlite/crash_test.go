package sqlite

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// TestCrashKeepsAcknowledged runs a writer in a child process, kills it with
// SIGKILL mid-stream, reopens the store and checks that every append the
// child saw acknowledged is there, whole. (A killed process, not a power
// cut: it tests atomic commits and torn-tail recovery, not fsync itself.)
func TestCrashKeepsAcknowledged(t *testing.T) {
	if os.Getenv("REPRISE_CRASH_CHILD") != "" {
		crashChild(os.Getenv("REPRISE_CRASH_CHILD"))
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashKeepsAcknowledged$")
	cmd.Env = append(os.Environ(), "REPRISE_CRASH_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]bool{}
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(acked) < 300 {
		if id, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked[id] = true
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if len(acked) < 300 {
		t.Fatalf("child acknowledged only %d appends before it ended", len(acked))
	}

	s := openTest(t, dir, Options{})
	defer s.Close()
	for id := range acked {
		kind, n, _ := strings.Cut(id, ":")
		switch kind {
		case "seg":
			segs, err := s.Segments(ctx, "crash-"+n, 0, 0)
			if err != nil || len(segs) != 1 {
				t.Fatalf("acknowledged segment %s: %d segments, %v", n, len(segs), err)
			}
			rc, err := s.OpenSegment(ctx, segs[0])
			if err != nil {
				t.Fatalf("acknowledged segment %s unreadable: %v", n, err)
			}
			buf := make([]byte, 64)
			k, _ := rc.Read(buf)
			rc.Close()
			if got := string(buf[:k]); got != "bytes of "+n {
				t.Fatalf("segment %s holds %q", n, got)
			}
		case "ev":
			if _, err := s.GetEvent(ctx, rum.TypeError, "err-"+n); err != nil {
				t.Fatalf("acknowledged event %s: %v", n, err)
			}
		}
	}
	// The store goes on working after the crash.
	if err := s.AppendSegment(ctx, store.SegmentMeta{SessionID: "after"}, []byte("after")); err != nil {
		t.Fatal(err)
	}
}

// crashChild appends segments and events from many goroutines forever,
// printing each acknowledgement, until it is killed.
func crashChild(dir string) {
	s, err := Open(ctx, dir, Options{MaxBlobFileSize: 4096})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	var mu sync.Mutex
	ack := func(id string) {
		mu.Lock()
		fmt.Println("ack " + id)
		mu.Unlock()
	}
	var n atomic.Int64
	for range 16 {
		go func() {
			for {
				i := n.Add(1)
				if i%2 == 0 {
					err := s.AppendSegment(ctx, store.SegmentMeta{SessionID: fmt.Sprintf("crash-%d", i), Start: 1, End: 2},
						[]byte(fmt.Sprintf("bytes of %d", i)))
					if err == nil {
						ack(fmt.Sprintf("seg:%d", i))
					}
				} else {
					err := s.AppendEvents(ctx, []rum.Event{{Type: rum.TypeError, ID: fmt.Sprintf("err-%d", i),
						SessionID: fmt.Sprintf("crash-%d", i), Date: 1, Error: &rum.ErrorFields{Message: "x"}}})
					if err == nil {
						ack(fmt.Sprintf("ev:%d", i))
					}
				}
			}
		}()
	}
	time.Sleep(time.Minute)
	os.Exit(0)
}
