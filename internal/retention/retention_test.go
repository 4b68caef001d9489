package retention

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
)

var ctx = context.Background()

func event(typ, session string, date int64) rum.Event {
	raw, _ := json.Marshal(map[string]any{"type": typ, "session": map[string]string{"id": session}, "date": date})
	e := rum.Event{Type: typ, ID: typ + "-" + session, Date: date, AppID: "app", SessionID: session,
		ViewID: "v-" + session, ViewURL: "https://shop.example/", Raw: raw}
	switch typ {
	case rum.TypeView:
		e.ViewID = e.ID
		e.View = &rum.ViewFields{}
	case rum.TypeError:
		e.Error = &rum.ErrorFields{Message: "boom"}
	}
	return e
}

// fill stores a session with a view, an error and a segment of size bytes.
func fill(t *testing.T, s *sqlite.Store, session string, date int64, size int) {
	t.Helper()
	if err := s.AppendEvents(ctx, []rum.Event{event(rum.TypeView, session, date), event(rum.TypeError, session, date+10)}); err != nil {
		t.Fatal(err)
	}
	meta := store.SegmentMeta{AppID: "app", SessionID: session, ViewID: "view-" + session, Start: date, End: date + 20,
		RecordsCount: 1, HasFullSnapshot: true, Format: "rrweb"}
	if err := s.AppendSegment(ctx, meta, bytes.Repeat([]byte{'s'}, size)); err != nil {
		t.Fatal(err)
	}
}

func blobBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	matches, _ := filepath.Glob(filepath.Join(dir, "segments", "*.blob"))
	for _, m := range matches {
		st, err := os.Stat(m)
		if err != nil {
			t.Fatal(err)
		}
		n += st.Size()
	}
	return n
}

// Sessions past the age lose their events, index rows and blob files; the
// disk space of the segments comes back; younger sessions stay whole.
func TestSweepRemovesExpiredSessionsAndTheirFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, dir, sqlite.Options{MaxBlobFileSize: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	old := now.Add(-40 * 24 * time.Hour).UnixMilli()
	young := now.Add(-time.Hour).UnixMilli()
	// Old sessions first, each segment large enough to fill a blob file, so
	// the old data sits in files of its own as it does in production, where
	// files roll in arrival order.
	for _, id := range []string{"old-1", "old-2", "old-3"} {
		fill(t, s, id, old, 60<<10)
	}
	fill(t, s, "young", young, 60<<10)
	before := blobBytes(t, dir)

	res, err := Sweep(ctx, s, 30*24*time.Hour, now)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if res.Sessions != 3 {
		t.Fatalf("Sweep removed %d sessions, want 3", res.Sessions)
	}
	if !res.Cutoff.Equal(now.Add(-30 * 24 * time.Hour)) {
		t.Fatalf("cutoff %v", res.Cutoff)
	}
	for _, id := range []string{"old-1", "old-2", "old-3"} {
		if _, err := s.GetSession(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetSession(%s) after retention: %v, want ErrNotFound", id, err)
		}
		if evs, err := s.SessionEvents(ctx, id); err != nil || len(evs) != 0 {
			t.Errorf("SessionEvents(%s) after retention: %d events, %v", id, len(evs), err)
		}
		if segs, err := s.Segments(ctx, id, 0, 0); err != nil || len(segs) != 0 {
			t.Errorf("Segments(%s) after retention: %d, %v", id, len(segs), err)
		}
	}
	page, err := s.ListEvents(ctx, rum.TypeError, store.Filter{})
	if err != nil || len(page.Events) != 1 || page.Events[0].SessionID != "young" {
		t.Errorf("errors explorer after retention: %+v %v", page.Events, err)
	}
	after := blobBytes(t, dir)
	if freed := before - after; freed < 3*60<<10 {
		t.Errorf("retention freed %d blob bytes (%d -> %d), want at least the three old segments", freed, before, after)
	}
	segs, err := s.Segments(ctx, "young", 0, 0)
	if err != nil || len(segs) != 1 {
		t.Fatalf("young session segments: %v %v", segs, err)
	}
	rc, err := s.OpenSegment(ctx, segs[0])
	if err != nil {
		t.Fatalf("young segment unreadable after retention: %v", err)
	}
	rc.Close()

	// A second pass finds nothing more; the young session survives it.
	if res, err := Sweep(ctx, s, 30*24*time.Hour, now); err != nil || res.Sessions != 0 {
		t.Fatalf("second Sweep: %+v %v", res, err)
	}
	if _, err := s.GetSession(ctx, "young"); err != nil {
		t.Fatalf("young session: %v", err)
	}
}

func TestSweepRefusesZeroAge(t *testing.T) {
	d := &fakeDeleter{}
	if _, err := Sweep(ctx, d, 0, time.Now()); err == nil {
		t.Fatal("Sweep with max age 0 would delete everything, and did not refuse")
	}
	if d.calls.Load() != 0 {
		t.Fatal("DeleteBefore called for max age 0")
	}
}

type fakeDeleter struct {
	mu      sync.Mutex
	cutoffs []int64
	calls   atomic.Int64
	err     error
}

func (f *fakeDeleter) Delete(context.Context, string) error { return nil }
func (f *fakeDeleter) DeleteBefore(_ context.Context, cutoff int64) (int64, error) {
	f.calls.Add(1)
	f.mu.Lock()
	f.cutoffs = append(f.cutoffs, cutoff)
	f.mu.Unlock()
	return 1, f.err
}

// The job sweeps at start and then every interval, until its context ends;
// a failing pass does not stop it.
func TestJobRunsEveryIntervalUntilCanceled(t *testing.T) {
	d := &fakeDeleter{err: errors.New("disk busy")}
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	var seen atomic.Int64
	j := &Job{Deleter: d, MaxAge: time.Hour, Interval: 10 * time.Millisecond, Now: func() time.Time { return now },
		OnSweep: func(Result, error) { seen.Add(1) }, Logger: quietLogger()}
	c, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { j.Run(c); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for d.calls.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if d.calls.Load() < 3 || seen.Load() != d.calls.Load() {
		t.Fatalf("%d passes, %d seen by OnSweep; want >= 3 each", d.calls.Load(), seen.Load())
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if want := now.Add(-time.Hour).UnixMilli(); d.cutoffs[0] != want {
		t.Fatalf("cutoff %d, want %d", d.cutoffs[0], want)
	}
}

func TestJobDisabledReturnsAtOnce(t *testing.T) {
	d := &fakeDeleter{}
	for _, j := range []*Job{
		{Deleter: d, MaxAge: 0, Interval: time.Millisecond},
		{Deleter: d, MaxAge: time.Hour, Interval: 0},
	} {
		done := make(chan struct{})
		go func() { j.Run(ctx); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Second):
			t.Fatalf("disabled job %+v kept running", j)
		}
	}
	if d.calls.Load() != 0 {
		t.Fatalf("disabled job swept %d times", d.calls.Load())
	}
}

// A store that closes under the job (shutdown) ends it.
func TestJobStopsWhenStoreCloses(t *testing.T) {
	d := &fakeDeleter{err: store.ErrClosed}
	j := &Job{Deleter: d, MaxAge: time.Hour, Interval: time.Millisecond, Logger: quietLogger()}
	done := make(chan struct{})
	go func() { j.Run(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("job kept running on a closed store")
	}
}
