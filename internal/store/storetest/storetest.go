// Package storetest is the conformance suite every store backend runs:
// storetest.Run(t, open) with a function that opens the backend on a
// directory (called again on the same directory to test reopening).
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// Store is what a backend offers: both sides plus deletion and Close.
type Store interface {
	store.EventAppender
	store.SegmentAppender
	store.Reader
	store.Deleter
	Close() error
}

// Opener opens the backend keeping its data in dir. The suite closes every
// store it opens.
type Opener func(t *testing.T, dir string) Store

// Run runs the whole suite against a backend.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"ViewVersions", testViewVersions},
		{"SessionAggregation", testSessionAggregation},
		{"OutOfOrderBatches", testOutOfOrderBatches},
		{"ResentEventsCountOnce", testResentEvents},
		{"SegmentRoundTrip", testSegmentRoundTrip},
		{"Reopen", testReopen},
		{"ConcurrentAppends", testConcurrentAppends},
		{"SessionEventsAndGetEvent", testSessionEvents},
		{"SessionFilters", testSessionFilters},
		{"EventFilters", testEventFilters},
		{"Sorts", testSorts},
		{"Paging", testPaging},
		{"BadFilter", testBadFilter},
		{"TextSearch", testTextSearch},
		{"Histogram", testHistogram},
		{"Delete", testDelete},
		{"DeleteBefore", testDeleteBefore},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// openNew opens a backend on a fresh directory and closes it at the end.
func openNew(t *testing.T, open Opener) Store {
	t.Helper()
	s := open(t, t.TempDir())
	t.Cleanup(func() { s.Close() })
	return s
}

var ctx = context.Background()

const (
	t0       = int64(1_700_000_000_000) // ms since epoch
	chromeUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
	iphoneUA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)

// ev builds an event with a raw JSON that records its identity.
func ev(typ, session, id string, date int64) rum.Event {
	raw, _ := json.Marshal(map[string]any{"type": typ, "id": id, "session": map[string]string{"id": session}, "date": date, "extra_unknown_field": 42})
	e := rum.Event{Type: typ, ID: id, Date: date, AppID: "app1", SessionID: session, ViewID: "v-" + session,
		ViewURL: "https://shop.example/home", UserAgent: chromeUA, Source: "browser", Raw: raw}
	switch typ {
	case rum.TypeView:
		e.ViewID = id
		e.View = &rum.ViewFields{}
	case rum.TypeAction:
		e.Action = &rum.ActionFields{Type: "click", TargetName: "Add to cart"}
	case rum.TypeError:
		e.Error = &rum.ErrorFields{Message: "TypeError: x is undefined", Source: "source", Kind: "TypeError"}
	case rum.TypeResource:
		e.Resource = &rum.ResourceFields{URL: "https://shop.example/api/cart", Type: "fetch", Method: "GET", StatusCode: 200, Duration: 5e6}
	case rum.TypeLongTask:
		e.LongTask = &rum.LongTaskFields{Duration: 60e6}
	}
	return e
}

func view(session, id string, date, version, timeSpentMs int64) rum.Event {
	e := ev(rum.TypeView, session, id, date)
	e.DocumentVersion = version
	e.View.TimeSpent = timeSpentMs * 1e6
	e.View.LoadingTime = version * 1e6
	return e
}

func mustAppend(t *testing.T, s Store, events ...rum.Event) {
	t.Helper()
	if err := s.AppendEvents(ctx, events); err != nil {
		t.Fatalf("AppendEvents: %v", err)
	}
}

func segment(session string, start, end int64) store.SegmentMeta {
	return store.SegmentMeta{AppID: "app1", SessionID: session, ViewID: "v-" + session, Start: start, End: end,
		RecordsCount: 3, HasFullSnapshot: true, Source: "browser", CreationReason: "init", RawSize: 1234,
		Format: "rrweb", Encoding: "deflate", RecorderVersion: "2.1.6"}
}

func mustSession(t *testing.T, s Store, id string) store.Session {
	t.Helper()
	sess, err := s.GetSession(ctx, id)
	if err != nil {
		t.Fatalf("GetSession(%s): %v", id, err)
	}
	return sess
}

func readSegment(t *testing.T, s Store, m store.SegmentMeta) []byte {
	t.Helper()
	rc, err := s.OpenSegment(ctx, m)
	if err != nil {
		t.Fatalf("OpenSegment(%s): %v", m.ID, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read segment %s: %v", m.ID, err)
	}
	return b
}

func testViewVersions(t *testing.T, open Opener) {
	s := openNew(t, open)
	// Versions arrive out of order, in separate batches and within one.
	mustAppend(t, s, view("s1", "v1", t0, 1, 1000))
	mustAppend(t, s, view("s1", "v1", t0, 3, 3000))
	mustAppend(t, s, view("s1", "v1", t0, 2, 2000))
	mustAppend(t, s, view("s1", "v2", t0+5000, 2, 500), view("s1", "v2", t0+5000, 1, 100))

	got, err := s.GetEvent(ctx, rum.TypeView, "v1")
	if err != nil {
		t.Fatal(err)
	}
	if got.DocumentVersion != 3 || got.View == nil || got.View.TimeSpent != 3000e6 {
		t.Fatalf("view v1 = version %d %+v, want version 3 (time spent 3s)", got.DocumentVersion, got.View)
	}
	if got, _ := s.GetEvent(ctx, rum.TypeView, "v2"); got.DocumentVersion != 2 {
		t.Fatalf("view v2 version %d, want 2", got.DocumentVersion)
	}
	views, err := s.SessionEvents(ctx, "s1", rum.TypeView)
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 2 {
		t.Fatalf("SessionEvents(view) gave %d views, want 2 (one per view id)", len(views))
	}
	sess := mustSession(t, s, "s1")
	if sess.ViewCount != 2 {
		t.Fatalf("ViewCount=%d, want 2 distinct views", sess.ViewCount)
	}
	if got, want := sess.End, t0+5000+500; got != want {
		t.Fatalf("End=%d, want %d", got, want)
	}
	page, err := s.ListEvents(ctx, rum.TypeView, store.Filter{SessionID: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 2 || len(page.Events) != 2 {
		t.Fatalf("ListEvents(view) total %d, %d events; want 2", page.Total, len(page.Events))
	}
}

func testSessionAggregation(t *testing.T, open Opener) {
	s := openNew(t, open)
	v1 := view("s1", "v1", t0, 1, 4000)
	v1.ViewURL = "https://shop.example/"
	v2 := view("s1", "v2", t0+10_000, 1, 5000)
	v2.ViewURL = "https://shop.example/cart"
	v2.UserID, v2.UserName, v2.UserEmail = "u1", "Ada", "ada@example.com"
	v2.Service, v2.Env, v2.Version = "shop-web", "prod", "1.2.3"
	e1 := ev(rum.TypeError, "s1", "e1", t0+11_000)
	e2 := ev(rum.TypeError, "s1", "e2", t0+12_000)
	a1 := ev(rum.TypeAction, "s1", "a1", t0+1000)
	a2 := ev(rum.TypeAction, "s1", "a2", t0+2000)
	a3 := ev(rum.TypeAction, "s1", "a3", t0+11_500)
	r1 := ev(rum.TypeResource, "s1", "r1", t0+500)
	lt := ev(rum.TypeLongTask, "s1", "lt1", t0+600)
	mustAppend(t, s, v1, a1, a2, r1, lt)
	mustAppend(t, s, v2, e1, a3)
	mustAppend(t, s, e2)

	sess := mustSession(t, s, "s1")
	want := store.Session{ID: "s1", ApplicationID: "app1", Start: t0, End: t0 + 15_000, Duration: 15_000,
		ViewCount: 2, ErrorCount: 2, ActionCount: 3, HasReplay: false,
		User: store.User{ID: "u1", Name: "Ada", Email: "ada@example.com"}, UserAgent: chromeUA,
		Browser: "Chrome 120", OS: "Linux", Device: "desktop", Service: "shop-web", Env: "prod", Version: "1.2.3",
		FirstURL: "https://shop.example/", LastURL: "https://shop.example/home"}
	if sess != want {
		t.Fatalf("session\n got %+v\nwant %+v", sess, want)
	}

	// A segment extends the session and marks it replayable.
	if err := s.AppendSegment(ctx, segment("s1", t0+14_000, t0+20_000), []byte("seg")); err != nil {
		t.Fatal(err)
	}
	sess = mustSession(t, s, "s1")
	if !sess.HasReplay || sess.End != t0+20_000 || sess.Duration != 20_000 {
		t.Fatalf("after segment: has_replay %v end %d duration %d", sess.HasReplay, sess.End, sess.Duration)
	}

	// session.has_replay on an event marks it too, without any segment.
	e := ev(rum.TypeView, "s2", "s2v1", t0)
	e.HasReplay = true
	mustAppend(t, s, e)
	if !mustSession(t, s, "s2").HasReplay {
		t.Fatal("session.has_replay event did not set HasReplay")
	}
	// A session known only from its segments exists too.
	if err := s.AppendSegment(ctx, segment("s3", t0+100, t0+900), []byte("x")); err != nil {
		t.Fatal(err)
	}
	if s3 := mustSession(t, s, "s3"); s3.Start != t0+100 || s3.End != t0+900 || !s3.HasReplay || s3.ApplicationID != "app1" {
		t.Fatalf("segment-only session: %+v", s3)
	}
	if _, err := s.GetSession(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetSession(unknown)=%v, want ErrNotFound", err)
	}
}

func testOutOfOrderBatches(t *testing.T, open Opener) {
	s := openNew(t, open)
	late := view("s1", "v2", t0+60_000, 1, 1000)
	late.ViewURL = "https://shop.example/checkout"
	late.UserName = "Newest"
	mustAppend(t, s, late)
	early := view("s1", "v1", t0, 1, 1000)
	early.ViewURL = "https://shop.example/"
	early.UserName = "Older"
	mustAppend(t, s, early)
	sess := mustSession(t, s, "s1")
	if sess.Start != t0 || sess.End != t0+61_000 {
		t.Fatalf("start %d end %d, want %d %d", sess.Start, sess.End, t0, t0+61_000)
	}
	if sess.FirstURL != "https://shop.example/" || sess.LastURL != "https://shop.example/checkout" {
		t.Fatalf("first %q last %q", sess.FirstURL, sess.LastURL)
	}
	if sess.User.Name != "Newest" {
		t.Fatalf("user %q: an older event rolled back the newest user", sess.User.Name)
	}
}

func testResentEvents(t *testing.T, open Opener) {
	s := openNew(t, open)
	e := ev(rum.TypeError, "s1", "e1", t0)
	a := ev(rum.TypeAction, "s1", "a1", t0)
	mustAppend(t, s, e, a)
	mustAppend(t, s, e, a) // a retry after a lost acknowledgement
	sess := mustSession(t, s, "s1")
	if sess.ErrorCount != 1 || sess.ActionCount != 1 {
		t.Fatalf("after resend: errors %d actions %d, want 1 1", sess.ErrorCount, sess.ActionCount)
	}
	if page, _ := s.ListEvents(ctx, rum.TypeError, store.Filter{}); page.Total != 1 {
		t.Fatalf("errors stored %d times", page.Total)
	}
}

func testSegmentRoundTrip(t *testing.T, open Opener) {
	s := openNew(t, open)
	data := [][]byte{bytes.Repeat([]byte("abc"), 10_000), {}, []byte{0, 1, 2, 255}}
	metas := []store.SegmentMeta{segment("s1", t0+2000, t0+3000), segment("s1", t0, t0+1000), segment("s1", t0+1000, t0+2000)}
	metas[1].IndexInView, metas[2].IndexInView = 0, 1
	metas[0].Format, metas[0].Encoding, metas[0].PrivacyLevel = "datadog", "gzip", "mask"
	for i := range metas {
		if err := s.AppendSegment(ctx, metas[i], data[i]); err != nil {
			t.Fatal(err)
		}
	}
	segs, err := s.Segments(ctx, "s1", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != 3 {
		t.Fatalf("Segments gave %d, want 3", len(segs))
	}
	order := []int{1, 2, 0} // by start
	for i, seg := range segs {
		want := metas[order[i]]
		if seg.ID == "" {
			t.Fatalf("segment %d has no id", i)
		}
		if seg.Start != want.Start || seg.End != want.End || seg.Format != want.Format || seg.Encoding != want.Encoding ||
			seg.HasFullSnapshot != want.HasFullSnapshot || seg.RecordsCount != want.RecordsCount || seg.RawSize != want.RawSize ||
			seg.IndexInView != want.IndexInView || seg.PrivacyLevel != want.PrivacyLevel || seg.RecorderVersion != want.RecorderVersion ||
			seg.CreationReason != want.CreationReason || seg.Source != want.Source || seg.ViewID != want.ViewID || seg.AppID != want.AppID {
			t.Fatalf("segment %d = %+v, want %+v", i, seg, want)
		}
		if got := readSegment(t, s, seg); !bytes.Equal(got, data[order[i]]) {
			t.Fatalf("segment %d bytes differ (%d vs %d)", i, len(got), len(data[order[i]]))
		}
		// By id alone, as a client holding only the id would ask.
		if got := readSegment(t, s, store.SegmentMeta{ID: seg.ID}); !bytes.Equal(got, data[order[i]]) {
			t.Fatalf("segment %d by id: bytes differ", i)
		}
	}
	// Overlap filter: [t0+1500, t0+2500] touches the second and third.
	segs, _ = s.Segments(ctx, "s1", t0+1500, t0+2500)
	if len(segs) != 2 || segs[0].Start != t0+1000 || segs[1].Start != t0+2000 {
		t.Fatalf("Segments(overlap) = %d segments", len(segs))
	}
	if segs, _ := s.Segments(ctx, "other", 0, 0); len(segs) != 0 {
		t.Fatalf("Segments(other session) = %d", len(segs))
	}
	if _, err := s.OpenSegment(ctx, store.SegmentMeta{ID: "missing"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("OpenSegment(missing)=%v, want ErrNotFound", err)
	}
}

func testReopen(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	mustAppend(t, s, view("s1", "v1", t0, 1, 1000), ev(rum.TypeError, "s1", "e1", t0+10))
	if err := s.AppendSegment(ctx, segment("s1", t0, t0+500), []byte("replay bytes")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.AppendEvents(ctx, []rum.Event{ev(rum.TypeError, "s1", "e2", t0)}); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("AppendEvents after Close = %v, want ErrClosed", err)
	}
	s = open(t, dir)
	defer s.Close()
	sess := mustSession(t, s, "s1")
	if sess.ViewCount != 1 || sess.ErrorCount != 1 || !sess.HasReplay {
		t.Fatalf("after reopen: %+v", sess)
	}
	segs, err := s.Segments(ctx, "s1", 0, 0)
	if err != nil || len(segs) != 1 {
		t.Fatalf("after reopen: %d segments, %v", len(segs), err)
	}
	if got := readSegment(t, s, segs[0]); string(got) != "replay bytes" {
		t.Fatalf("after reopen segment = %q", got)
	}
	e, err := s.GetEvent(ctx, rum.TypeError, "e1")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(e.Raw, &raw); err != nil || raw["extra_unknown_field"] != float64(42) {
		t.Fatalf("raw JSON not kept whole: %s", e.Raw)
	}
	// Appends continue on the reopened store.
	mustAppend(t, s, ev(rum.TypeError, "s1", "e3", t0+20))
	if err := s.AppendSegment(ctx, segment("s1", t0+500, t0+900), []byte("more")); err != nil {
		t.Fatal(err)
	}
	if got := mustSession(t, s, "s1").ErrorCount; got != 2 {
		t.Fatalf("ErrorCount=%d after reopen and append, want 2", got)
	}
}

func testConcurrentAppends(t *testing.T, open Opener) {
	s := openNew(t, open)
	const workers, each = 32, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				sid := fmt.Sprintf("s%d", w)
				if err := s.AppendEvents(ctx, []rum.Event{ev(rum.TypeAction, sid, fmt.Sprintf("a%d-%d", w, i), t0+int64(i))}); err != nil {
					errs <- err
				}
				if err := s.AppendSegment(ctx, segment(sid, t0+int64(i), t0+int64(i)+1), []byte(fmt.Sprintf("seg %d %d", w, i))); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent append: %v", err)
	}
	page, err := s.ListSessions(ctx, store.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Sessions) != workers {
		t.Fatalf("%d sessions, want %d", len(page.Sessions), workers)
	}
	for _, sess := range page.Sessions {
		if sess.ActionCount != each || !sess.HasReplay {
			t.Fatalf("session %s: %d actions, has_replay %v; want %d, true", sess.ID, sess.ActionCount, sess.HasReplay, each)
		}
		segs, err := s.Segments(ctx, sess.ID, 0, 0)
		if err != nil || len(segs) != each {
			t.Fatalf("session %s: %d segments (%v), want %d", sess.ID, len(segs), err, each)
		}
		for i, seg := range segs {
			var w, n int
			fmt.Sscanf(string(readSegment(t, s, seg)), "seg %d %d", &w, &n)
			if fmt.Sprintf("s%d", w) != sess.ID || n != i {
				t.Fatalf("session %s segment %d holds bytes of s%d/%d", sess.ID, i, w, n)
			}
		}
	}
}

func testSessionEvents(t *testing.T, open Opener) {
	s := openNew(t, open)
	mustAppend(t, s,
		ev(rum.TypeError, "s1", "e1", t0+300),
		view("s1", "v1", t0, 1, 10),
		ev(rum.TypeResource, "s1", "r1", t0+100),
		ev(rum.TypeAction, "s1", "a1", t0+200),
		ev(rum.TypeLongTask, "s1", "l1", t0+250),
		ev(rum.TypeVital, "s1", "vi1", t0+260),
		ev(rum.TypeAction, "s2", "other", t0+150),
	)
	all, err := s.SessionEvents(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range all {
		ids = append(ids, e.ID)
	}
	if got, want := fmt.Sprint(ids), "[v1 r1 a1 l1 vi1 e1]"; got != want {
		t.Fatalf("SessionEvents order %s, want %s", got, want)
	}
	some, _ := s.SessionEvents(ctx, "s1", rum.TypeError, rum.TypeAction)
	if len(some) != 2 || some[0].ID != "a1" || some[1].ID != "e1" {
		t.Fatalf("SessionEvents(error, action) = %d events", len(some))
	}
	e, err := s.GetEvent(ctx, rum.TypeResource, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if e.Resource == nil || e.Resource.StatusCode != 200 || e.SessionID != "s1" || e.Date != t0+100 || len(e.Raw) == 0 {
		t.Fatalf("GetEvent(resource) = %+v", e)
	}
	if _, err := s.GetEvent(ctx, rum.TypeResource, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetEvent(missing)=%v, want ErrNotFound", err)
	}
	if _, err := s.GetEvent(ctx, "bogus", "r1"); !errors.Is(err, store.ErrBadFilter) {
		t.Fatalf("GetEvent(bad type)=%v, want ErrBadFilter", err)
	}
	if err := s.AppendEvents(ctx, []rum.Event{{Type: rum.TypeView, ID: "x"}}); !errors.Is(err, rum.ErrInvalid) {
		t.Fatalf("AppendEvents(no session)=%v, want rum.ErrInvalid", err)
	}
}
