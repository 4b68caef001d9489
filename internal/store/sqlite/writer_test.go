package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

var ctx = context.Background()

func action(session, id string) []rum.Event {
	return []rum.Event{{Type: rum.TypeAction, ID: id, SessionID: session, Date: 1_700_000_000_000, Raw: []byte(`{}`)}}
}

// holdWriteLock takes SQLite's write lock from another connection so the
// store's writer blocks at BEGIN; release lets it go on.
func holdWriteLock(t *testing.T, dir string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(filepath.Join(dir, "reprise.db"), false, "FULL", 1))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	return func() { tx.Rollback(); db.Close() }
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestOverloadedFailsFast(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, Options{QueueSize: 1})
	defer s.Close()
	release := holdWriteLock(t, dir)
	errs := make(chan error, 2)
	go func() { errs <- s.AppendEvents(ctx, action("s1", "a1")) }()
	waitFor(t, "writer to take the first request", func() bool { return s.inflight.Load() == 1 })
	go func() { errs <- s.AppendEvents(ctx, action("s1", "a2")) }()
	waitFor(t, "queue to fill", func() bool { return s.QueueDepth() == 1 })

	start := time.Now()
	err := s.AppendEvents(ctx, action("s1", "a3"))
	if !errors.Is(err, store.ErrOverloaded) {
		t.Fatalf("append with a full queue = %v, want ErrOverloaded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("ErrOverloaded took %v: not failing fast", d)
	}
	release()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("queued append: %v", err)
		}
	}
	if got := mustGet(t, s, "s1").ActionCount; got != 2 {
		t.Fatalf("ActionCount=%d, want the 2 accepted appends", got)
	}
}

func mustGet(t *testing.T, s *Store, id string) store.Session {
	t.Helper()
	sess, err := s.GetSession(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

func TestGroupCommitBatches(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, Options{})
	defer s.Close()
	release := holdWriteLock(t, dir)
	const n = 100
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				errs <- s.AppendEvents(ctx, action(fmt.Sprintf("s%d", i%10), fmt.Sprintf("a%d", i)))
			} else {
				errs <- s.AppendSegment(ctx, store.SegmentMeta{SessionID: "seg", Start: int64(i), End: int64(i)}, []byte("x"))
			}
		}()
	}
	// The first batch is stuck at BEGIN; the rest queue behind it.
	waitFor(t, "requests to queue", func() bool { return s.inflight.Load()+int64(s.QueueDepth()) == n })
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st := s.Stats()
	if st.Requests != n || st.Batches > 3 {
		t.Fatalf("Stats=%+v: want %d requests in at most 3 batches", st, n)
	}
	segs, _ := s.Segments(ctx, "seg", 0, 0)
	if len(segs) != n/2 {
		t.Fatalf("%d segments, want %d", len(segs), n/2)
	}
}

func TestBadRequestRejectedAlone(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, Options{})
	defer s.Close()
	release := holdWriteLock(t, dir)
	errs := make(chan error, 3)
	go func() { errs <- s.AppendEvents(ctx, action("s1", "a1")) }()
	waitFor(t, "first request taken", func() bool { return s.inflight.Load() == 1 })
	// Both queue into the same next batch; Delete of an unknown session fails
	// inside the transaction and must not take the other append with it.
	go func() { errs <- s.Delete(ctx, "unknown") }()
	go func() { errs <- s.AppendEvents(ctx, action("s2", "a2")) }()
	waitFor(t, "requests queued", func() bool { return s.QueueDepth() == 2 })
	release()
	var notFound, ok int
	for range 3 {
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.Is(err, store.ErrNotFound):
			notFound++
		default:
			t.Fatal(err)
		}
	}
	if ok != 2 || notFound != 1 {
		t.Fatalf("ok %d notFound %d", ok, notFound)
	}
	mustGet(t, s, "s2")
}

func TestTornBlobTailAfterCrash(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, Options{})
	for i := range 3 {
		if err := s.AppendSegment(ctx, store.SegmentMeta{SessionID: "s1", Start: int64(i)}, []byte(fmt.Sprintf("segment %d", i))); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	// A crash mid-append: half a frame after the last synced record.
	path := filepath.Join(dir, "segments", "seg-000001.blob")
	before, _ := os.Stat(path)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte{200, 0, 0, 0, 1, 2, 3, 4, 'p', 'a', 'r', 't'})
	f.Close()

	s = openTest(t, dir, Options{})
	defer s.Close()
	after, _ := os.Stat(path)
	if after.Size() != before.Size() {
		t.Fatalf("blob file %d bytes after reopen, want %d (torn tail cut)", after.Size(), before.Size())
	}
	if err := s.AppendSegment(ctx, store.SegmentMeta{SessionID: "s1", Start: 3}, []byte("segment 3")); err != nil {
		t.Fatal(err)
	}
	segs, _ := s.Segments(ctx, "s1", 0, 0)
	if len(segs) != 4 {
		t.Fatalf("%d segments, want 4", len(segs))
	}
	for i, m := range segs {
		rc, err := s.OpenSegment(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 100)
		n, _ := rc.Read(b)
		if got, want := string(b[:n]), fmt.Sprintf("segment %d", i); got != want {
			t.Fatalf("segment %d = %q, want %q", i, got, want)
		}
	}
}

func TestRetentionDropsBlobFiles(t *testing.T) {
	dir := t.TempDir()
	// Tiny files: every segment gets a file of its own.
	s := openTest(t, dir, Options{MaxBlobFileSize: 64})
	defer s.Close()
	payload := make([]byte, 100)
	for _, x := range []struct {
		session    string
		start, end int64
	}{{"old", 1000, 2000}, {"old", 2000, 3000}, {"del", 5000, 6000}, {"new", 9000, 10_000}} {
		if err := s.AppendSegment(ctx, store.SegmentMeta{SessionID: x.session, Start: x.start, End: x.end}, payload); err != nil {
			t.Fatal(err)
		}
	}
	files := func() []string {
		f, err := s.Blobs().Files()
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if got := len(files()); got != 4 {
		t.Fatalf("%d blob files, want 4", got)
	}
	if err := s.Delete(ctx, "del"); err != nil {
		t.Fatal(err)
	}
	n, err := s.DeleteBefore(ctx, 4000)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("DeleteBefore removed %d sessions, want 1", n)
	}
	// old's two files and the deleted session's file are gone.
	if got := files(); len(got) != 1 || got[0] != "seg-000004.blob" {
		t.Fatalf("files after retention %v, want only seg-000004.blob", got)
	}
	segs, _ := s.Segments(ctx, "new", 0, 0)
	if len(segs) != 1 {
		t.Fatalf("new session lost its segment")
	}
	rc, err := s.OpenSegment(ctx, segs[0])
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	var rows int
	s.rdb.QueryRow(`SELECT COUNT(*) FROM segments`).Scan(&rows)
	if rows != 1 {
		t.Fatalf("%d segment rows left, want 1", rows)
	}
}

func TestSchemaNewerThanBinary(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, Options{})
	s.wdb.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, len(migrations)+1))
	s.Close()
	if _, err := Open(ctx, dir, Options{}); err == nil {
		t.Fatal("Open accepted a schema from a newer binary")
	}
}

// TestTextSearchMigrationBackfills: a store made before text search had an
// index gets one, filled from its rows, on the next open.
func TestTextSearchMigrationBackfills(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, Options{})
	if err := s.AppendEvents(ctx, []rum.Event{
		{Type: rum.TypeView, ID: "v1", SessionID: "s1", Date: 1, ViewURL: "https://old.example/cart", UserName: "Oldtimer"},
		{Type: rum.TypeError, ID: "e1", SessionID: "s1", Date: 2, Error: &rum.ErrorFields{Message: "legacy boom"}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"sessions", "views", "actions", "errors", "resources"} {
		if _, err := s.wdb.Exec(`DROP TABLE ` + table + `_fts`); err != nil {
			t.Fatal(err)
		}
	}
	// What later migrations added goes too: this is a version 1 store.
	for _, table := range []string{"views", "actions", "errors", "resources", "long_tasks", "vitals"} {
		if _, err := s.wdb.Exec(`DROP INDEX ` + table + `_view`); err != nil {
			t.Fatal(err)
		}
	}
	for _, index := range []string{"views_date_url", "errors_date_message", "resources_date_url"} {
		if _, err := s.wdb.Exec(`DROP INDEX ` + index); err != nil {
			t.Fatal(err)
		}
	}
	s.wdb.Exec(`PRAGMA user_version = 1`)
	s.Close()

	s = openTest(t, dir, Options{})
	defer s.Close()
	if page, err := s.ListSessions(ctx, store.Filter{Query: "oldtimer"}); err != nil || len(page.Sessions) != 1 {
		t.Fatalf("session by text after migration: %d, %v", len(page.Sessions), err)
	}
	if page, err := s.ListEvents(ctx, rum.TypeError, store.Filter{Query: "legacy"}); err != nil || len(page.Events) != 1 {
		t.Fatalf("error by text after migration: %d, %v", len(page.Events), err)
	}
	if page, err := s.ListEvents(ctx, rum.TypeView, store.Filter{Query: "old.example"}); err != nil || len(page.Events) != 1 {
		t.Fatalf("view by text after migration: %d, %v", len(page.Events), err)
	}
}

func TestDeleteBeforeInChunks(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	defer s.Close()
	const old = 2*retentionChunk + 17
	var evs []rum.Event
	for i := range old + 5 {
		date := int64(1000 + i)
		if i >= old {
			date = 1_000_000 // the five that stay
		}
		evs = append(evs, rum.Event{Type: rum.TypeError, ID: fmt.Sprintf("e%d", i), SessionID: fmt.Sprintf("s%d", i), Date: date,
			Error: &rum.ErrorFields{Message: "boom"}})
	}
	if err := s.AppendEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	before := s.Stats().Batches
	n, err := s.DeleteBefore(ctx, 500_000)
	if err != nil {
		t.Fatal(err)
	}
	if n != old {
		t.Fatalf("DeleteBefore removed %d, want %d", n, old)
	}
	if batches := s.Stats().Batches - before; batches < 3 {
		t.Fatalf("retention ran in %d writer batches, want one per chunk of %d", batches, retentionChunk)
	}
	page, err := s.ListSessions(ctx, store.Filter{Limit: 1000})
	if err != nil || len(page.Sessions) != 5 {
		t.Fatalf("%d sessions left (%v), want 5", len(page.Sessions), err)
	}
	if page, _ := s.ListEvents(ctx, rum.TypeError, store.Filter{Query: "boom", Limit: 1000}); len(page.Events) != 5 {
		t.Fatalf("%d errors left, want 5", len(page.Events))
	}
}
