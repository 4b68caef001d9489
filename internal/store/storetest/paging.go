package storetest

import (
	"cmp"
	"errors"
	"fmt"
	"testing"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// manySessions stores n sessions whose starts, durations and counts repeat,
// so that most sort keys have long runs of equal values.
func manySessions(t *testing.T, s Store, n int) {
	t.Helper()
	var evs []rum.Event
	for i := range n {
		sid := fmt.Sprintf("s%03d", i)
		start := t0 + int64(i%5)*1000 // only 5 distinct starts
		v := view(sid, "v"+sid, start, 1, int64(i%7)*100)
		if i%3 == 0 {
			v.UserAgent = iphoneUA
		}
		evs = append(evs, v)
		for j := range i % 4 {
			evs = append(evs, ev(rum.TypeError, sid, fmt.Sprintf("e%s-%d", sid, j), start+1))
		}
		if len(evs) > 200 {
			mustAppend(t, s, evs...)
			evs = nil
		}
	}
	if len(evs) > 0 {
		mustAppend(t, s, evs...)
	}
}

func sessionKey(x store.Session, sort string) any {
	switch sort {
	case "date":
		return x.Start
	case "duration":
		return x.Duration
	case "error_count":
		return x.ErrorCount
	case "browser":
		return x.Browser
	}
	panic(sort)
}

func compareAny(a, b any) int {
	switch a := a.(type) {
	case int64:
		return cmp.Compare(a, b.(int64))
	case string:
		return cmp.Compare(a, b.(string))
	}
	panic("kind")
}

func testSorts(t *testing.T, open Opener) {
	s := openNew(t, open)
	manySessions(t, s, 60)
	for _, key := range []string{"date", "duration", "error_count", "browser"} {
		for _, desc := range []bool{false, true} {
			sort := key
			if desc {
				sort = "-" + key
			}
			page, err := s.ListSessions(ctx, store.Filter{Sort: sort, Limit: 1000})
			if err != nil {
				t.Fatalf("sort %s: %v", sort, err)
			}
			if len(page.Sessions) != 60 {
				t.Fatalf("sort %s: %d sessions", sort, len(page.Sessions))
			}
			for i := 1; i < len(page.Sessions); i++ {
				c := compareAny(sessionKey(page.Sessions[i-1], key), sessionKey(page.Sessions[i], key))
				if (!desc && c > 0) || (desc && c < 0) {
					t.Fatalf("sort %s: row %d out of order", sort, i)
				}
			}
		}
	}
	// The default is newest first.
	page, _ := s.ListSessions(ctx, store.Filter{})
	if len(page.Sessions) != 50 || page.Sessions[0].Start != t0+4000 || page.Sessions[49].Start < page.Sessions[49].Start {
		t.Fatalf("default order/limit: %d rows, first start %d", len(page.Sessions), page.Sessions[0].Start)
	}

	// Event sorts, numeric and text.
	var evs []rum.Event
	for i := range 30 {
		r := ev(rum.TypeResource, "sr", fmt.Sprintf("r%02d", i), t0+int64(i))
		r.Resource.Duration = int64((i * 7) % 11)
		r.Resource.StatusCode = []int{200, 404, 500}[i%3]
		r.Resource.URL = fmt.Sprintf("https://x.example/%c", 'a'+rune(i%26))
		evs = append(evs, r)
	}
	mustAppend(t, s, evs...)
	for _, sort := range []string{"duration", "-duration", "status_code", "-date", "resource_url"} {
		page, err := s.ListEvents(ctx, rum.TypeResource, store.Filter{Sort: sort, Limit: 100})
		if err != nil {
			t.Fatalf("resources sort %s: %v", sort, err)
		}
		for i := 1; i < len(page.Events); i++ {
			a, b := page.Events[i-1], page.Events[i]
			var c int
			switch sort {
			case "duration":
				c = cmp.Compare(a.Resource.Duration, b.Resource.Duration)
			case "-duration":
				c = -cmp.Compare(a.Resource.Duration, b.Resource.Duration)
			case "status_code":
				c = cmp.Compare(a.Resource.StatusCode, b.Resource.StatusCode)
			case "-date":
				c = -cmp.Compare(a.Date, b.Date)
			case "resource_url":
				c = cmp.Compare(a.Resource.URL, b.Resource.URL)
			}
			if c > 0 {
				t.Fatalf("resources sort %s: row %d out of order", sort, i)
			}
		}
	}
}

func testPaging(t *testing.T, open Opener) {
	s := openNew(t, open)
	const n = 237
	manySessions(t, s, n)
	for _, sort := range []string{"-date", "date", "duration", "-error_count", "browser", "-view_count"} {
		for _, f := range []store.Filter{{}, {HasError: ptr(true)}, {From: t0 + 1000, To: t0 + 4000}} {
			f.Sort, f.Limit = sort, 10
			seen := map[string]bool{}
			var total int64 = -1
			capped := false
			pages := 0
			for {
				page, err := s.ListSessions(ctx, f)
				if err != nil {
					t.Fatalf("sort %s page %d: %v", sort, pages, err)
				}
				if total == -1 {
					total, capped = page.Total, page.TotalCapped
				} else if page.Total != total {
					t.Fatalf("sort %s: total changed %d → %d", sort, total, page.Total)
				}
				for _, x := range page.Sessions {
					if seen[x.ID] {
						t.Fatalf("sort %s: %s on two pages", sort, x.ID)
					}
					seen[x.ID] = true
				}
				pages++
				if page.NextCursor == "" {
					break
				}
				if len(page.Sessions) != 10 {
					t.Fatalf("sort %s: short page %d with a next cursor", sort, len(page.Sessions))
				}
				f.Cursor = page.NextCursor
			}
			checkTotal(t, total, capped, len(seen))
			if f.HasError == nil && f.From == 0 && len(seen) != n {
				t.Fatalf("sort %s: paged through %d sessions, want %d", sort, len(seen), n)
			}
		}
	}

	// Events with identical dates page exactly too.
	var evs []rum.Event
	for i := range 95 {
		evs = append(evs, ev(rum.TypeAction, "sp", fmt.Sprintf("a%03d", i), t0))
	}
	mustAppend(t, s, evs...)
	for _, sort := range []string{"-date", "date"} {
		f := store.Filter{Sort: sort, Limit: 7, SessionID: "sp"}
		seen := map[string]bool{}
		for {
			page, err := s.ListEvents(ctx, rum.TypeAction, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page.Events {
				if seen[e.ID] {
					t.Fatalf("action %s on two pages", e.ID)
				}
				seen[e.ID] = true
			}
			if page.NextCursor == "" {
				break
			}
			f.Cursor = page.NextCursor
		}
		if len(seen) != 95 {
			t.Fatalf("sort %s: paged through %d actions, want 95", sort, len(seen))
		}
	}
	// Limit is capped, not refused.
	page, err := s.ListSessions(ctx, store.Filter{Limit: 5000})
	if err != nil || len(page.Sessions) != n+1 { // + the "sp" session
		t.Fatalf("Limit 5000: %d sessions, %v", len(page.Sessions), err)
	}
}

func testHistogram(t *testing.T, open Opener) {
	s := openNew(t, open)
	var evs []rum.Event
	for i := range 10 {
		sid := fmt.Sprintf("h%d", i)
		evs = append(evs, view(sid, "v"+sid, t0+int64(i)*1000, 1, 10), ev(rum.TypeError, sid, "e"+sid, t0+int64(i)*1000+1))
	}
	mustAppend(t, s, evs...)
	got, err := s.Histogram(ctx, "session", store.Filter{From: t0, To: t0 + 10_000}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 {
		t.Fatalf("%d buckets, want 5", len(got))
	}
	for i, b := range got {
		if b.Start != t0+int64(i)*2000 || b.Count != 2 {
			t.Fatalf("bucket %d = %+v, want start %d count 2", i, b, t0+int64(i)*2000)
		}
	}
	got, err = s.Histogram(ctx, rum.TypeError, store.Filter{From: t0, To: t0 + 20_000}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Count != 5 || got[1].Count != 5 || got[2].Count != 0 || got[3].Count != 0 {
		t.Fatalf("error histogram %+v, want 5 5 0 0", got)
	}
	// Without a range: the data's own span, every item counted once.
	got, err = s.Histogram(ctx, rum.TypeView, store.Filter{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, b := range got {
		sum += b.Count
	}
	if sum != 10 || got[0].Start != t0 {
		t.Fatalf("open-range histogram %+v: sum %d, want 10 from %d", got, sum, t0)
	}
	// Filters apply.
	got, _ = s.Histogram(ctx, "session", store.Filter{From: t0, To: t0 + 10_000, SessionID: "h3"}, 5)
	if got[1].Count != 1 || got[0].Count+got[2].Count+got[3].Count+got[4].Count != 0 {
		t.Fatalf("filtered histogram %+v", got)
	}
	if _, err := s.Histogram(ctx, "bogus", store.Filter{}, 5); !errors.Is(err, store.ErrBadFilter) {
		t.Fatalf("Histogram(bogus)=%v, want ErrBadFilter", err)
	}
}

func testDelete(t *testing.T, open Opener) {
	s := openNew(t, open)
	mustAppend(t, s, view("s1", "v1", t0, 1, 10), ev(rum.TypeError, "s1", "e1", t0+1), view("s2", "v2", t0, 1, 10))
	if err := s.AppendSegment(ctx, segment("s1", t0, t0+5), []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendSegment(ctx, segment("s2", t0, t0+5), []byte("two")); err != nil {
		t.Fatal(err)
	}
	segs1, _ := s.Segments(ctx, "s1", 0, 0)
	if err := s.Delete(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSession(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetSession(deleted)=%v", err)
	}
	if evs, _ := s.SessionEvents(ctx, "s1"); len(evs) != 0 {
		t.Fatalf("deleted session still has %d events", len(evs))
	}
	if segs, _ := s.Segments(ctx, "s1", 0, 0); len(segs) != 0 {
		t.Fatalf("deleted session still lists %d segments", len(segs))
	}
	if _, err := s.OpenSegment(ctx, store.SegmentMeta{ID: segs1[0].ID}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("OpenSegment(deleted)=%v, want ErrNotFound", err)
	}
	if page, _ := s.ListEvents(ctx, rum.TypeError, store.Filter{}); page.Total != 0 {
		t.Fatalf("deleted session's error still listed")
	}
	s2 := mustSession(t, s, "s2")
	segs2, _ := s.Segments(ctx, "s2", 0, 0)
	if s2.ViewCount != 1 || len(segs2) != 1 || string(readSegment(t, s, segs2[0])) != "two" {
		t.Fatalf("other session damaged: %+v, %d segments", s2, len(segs2))
	}
	if err := s.Delete(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Delete twice = %v, want ErrNotFound", err)
	}
}

func testDeleteBefore(t *testing.T, open Opener) {
	s := openNew(t, open)
	mustAppend(t, s, view("old", "vold", t0, 1, 1000), ev(rum.TypeAction, "old", "aold", t0+10),
		view("new", "vnew", t0+100_000, 1, 1000))
	if err := s.AppendSegment(ctx, segment("old", t0, t0+900), []byte("old bytes")); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendSegment(ctx, segment("new", t0+100_000, t0+100_900), []byte("new bytes")); err != nil {
		t.Fatal(err)
	}
	n, err := s.DeleteBefore(ctx, t0+50_000)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("DeleteBefore removed %d sessions, want 1", n)
	}
	if _, err := s.GetSession(ctx, "old"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("old session: %v", err)
	}
	if _, err := s.GetEvent(ctx, rum.TypeAction, "aold"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("old action: %v", err)
	}
	segs, _ := s.Segments(ctx, "new", 0, 0)
	if len(segs) != 1 || string(readSegment(t, s, segs[0])) != "new bytes" {
		t.Fatalf("new session's segment lost")
	}
	if n, err := s.DeleteBefore(ctx, t0+50_000); err != nil || n != 0 {
		t.Fatalf("second DeleteBefore: %d, %v", n, err)
	}
}
