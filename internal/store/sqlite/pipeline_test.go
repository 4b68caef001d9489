package sqlite

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/rum"
)

// The session cache must follow the table: aggregates keep counting across
// batches, a delete forgets the cached row, and a session appended after its
// deletion starts again from nothing.
func TestSessionCacheAcrossBatchesAndDelete(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	defer s.Close()
	for i, id := range []string{"a1", "a2", "a3"} {
		ev := action("s1", id)
		ev[0].Date += int64(i) * 1000
		ev[0].UserName = "user-" + id
		if err := s.AppendEvents(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	sess := mustGet(t, s, "s1")
	if sess.ActionCount != 3 || sess.Duration != 2000 || sess.User.Name != "user-a3" {
		t.Fatalf("after three batches: %+v", sess)
	}
	if _, ok := s.sessCache.get("s1"); !ok {
		t.Fatal("a committed session is not cached")
	}
	if err := s.Delete(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.sessCache.get("s1"); ok {
		t.Fatal("a deleted session is still cached")
	}
	if err := s.AppendEvents(ctx, action("s1", "a4")); err != nil {
		t.Fatal(err)
	}
	if sess := mustGet(t, s, "s1"); sess.ActionCount != 1 || sess.User.Name != "" || sess.Duration != 0 {
		t.Fatalf("session appended after its deletion: %+v, want a fresh aggregate", sess)
	}
}

// A failing request in a batch (here: a delete of an unknown session) sends
// the batch through the savepoint path; the other requests' session
// aggregates must be counted once, not once per attempt.
func TestRetriedBatchCountsOnce(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, Options{})
	defer s.Close()
	release := holdWriteLock(t, dir)
	errs := make(chan error, 4)
	go func() { errs <- s.AppendEvents(ctx, action("s0", "a0")) }()
	waitFor(t, "first request taken", func() bool { return s.inflight.Load() == 1 })
	go func() { errs <- s.AppendEvents(ctx, action("s1", "a1")) }()
	waitFor(t, "queued", func() bool { return s.QueueDepth() == 1 })
	go func() { errs <- s.Delete(ctx, "unknown") }()
	waitFor(t, "queued", func() bool { return s.QueueDepth() == 2 })
	go func() { errs <- s.AppendEvents(ctx, action("s1", "a2")) }()
	waitFor(t, "queued", func() bool { return s.QueueDepth() == 3 })
	release()
	failed := 0
	for range 4 {
		if err := <-errs; err != nil {
			failed++
		}
	}
	if failed != 1 {
		t.Fatalf("%d requests failed, want only the delete", failed)
	}
	if sess := mustGet(t, s, "s1"); sess.ActionCount != 2 {
		t.Fatalf("session s1 counts %d actions, want 2", sess.ActionCount)
	}
	// The cache holds what was committed, not what the failed attempt built.
	if err := s.AppendEvents(ctx, action("s1", "a3")); err != nil {
		t.Fatal(err)
	}
	if sess := mustGet(t, s, "s1"); sess.ActionCount != 3 {
		t.Fatalf("session s1 counts %d actions, want 3", sess.ActionCount)
	}
}

// walFile must sync the WAL that is there now: when the file is replaced, it
// reopens it.
func TestWALFileFollowsReplacement(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "db-wal")
	if err := os.WriteFile(path, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := walFile{path: path}
	defer w.close()
	if err := w.sync(); err != nil {
		t.Fatal(err)
	}
	first := w.f
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := w.sync(); err == nil {
		t.Fatal("sync of a missing WAL succeeded")
	}
	if err := os.WriteFile(path, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := w.sync(); err != nil {
		t.Fatal(err)
	}
	if w.f == first {
		t.Fatal("kept the descriptor of the removed file")
	}
	fi, _ := os.Stat(path)
	if !os.SameFile(fi, w.fi) {
		t.Fatal("synced a file other than the current WAL")
	}
}

// Events are acknowledged only after the WAL fsync; with the syncer in
// between, every acknowledged append must be readable at once.
func TestAcknowledgedIsVisible(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	defer s.Close()
	for i := range 50 {
		id := string(rune('a'+i%26)) + string(rune('a'+i/26))
		if err := s.AppendEvents(ctx, []rum.Event{{Type: rum.TypeError, ID: "e" + id, SessionID: "s", Date: 1, Raw: []byte(`{}`)}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetEvent(ctx, rum.TypeError, "e"+id); err != nil {
			t.Fatalf("acknowledged event %s: %v", id, err)
		}
	}
}

// ObserveCommits hears of every acknowledged commit, with the requests it
// carried; deletes (acknowledged on the writer) included.
func TestObserveCommits(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	defer s.Close()
	var mu sync.Mutex
	commits, requests := 0, 0
	s.ObserveCommits(func(n int, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		commits++
		requests += n
		if d <= 0 {
			t.Errorf("commit took %v", d)
		}
	})
	for i := range 5 {
		if err := s.AppendEvents(ctx, action("s1", fmt.Sprintf("a%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	// The observer runs just after the acknowledgement: wait for it.
	waitFor(t, "the observer", func() bool { mu.Lock(); defer mu.Unlock(); return requests == 6 })
	mu.Lock()
	defer mu.Unlock()
	if commits != 6 {
		t.Fatalf("observed %d commits of %d requests, want 6 of 6 (one at a time)", commits, requests)
	}
}
