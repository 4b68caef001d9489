package storetest

import (
	"fmt"
	"testing"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

func testTextSearch(t *testing.T, open Opener) {
	s := openNew(t, open)
	// The user is only known from a later event: search must follow.
	mustAppend(t, s, view("s1", "v1", t0, 1, 10))
	late := ev(rum.TypeAction, "s1", "a1", t0+5)
	late.UserName = "Zelda Quux"
	mustAppend(t, s, late)
	// Many matches of a common word, and some rare ones.
	var evs []rum.Event
	for i := range 20 {
		sid := fmt.Sprintf("c%02d", i)
		v := view(sid, "v"+sid, t0+int64(i), 1, 10)
		v.ViewURL = fmt.Sprintf("https://common.example/page/%d", i)
		e := ev(rum.TypeError, sid, "e"+sid, t0+int64(i))
		e.Error.Message = fmt.Sprintf(`Error "quoted" 100%% of page %d`, i)
		evs = append(evs, v, e)
	}
	mustAppend(t, s, evs...)

	for _, tc := range []struct {
		name, q string
		want    int
	}{
		{"later user", "zelda", 1},
		{"common", "common.example", 20},
		{"rare", "page/17", 1},
		{"two characters", "/1", 11}, // page/1, page/10..19
		{"no match", "nothing-like-this", 0},
		{"session id", "c03", 1},
	} {
		page, err := s.ListSessions(ctx, store.Filter{Query: tc.q, Limit: 100})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(page.Sessions) != tc.want {
			t.Errorf("%s: sessions query %q found %d, want %d", tc.name, tc.q, len(page.Sessions), tc.want)
		}
		checkTotal(t, page.Total, page.TotalCapped, len(page.Sessions))
	}
	for _, tc := range []struct {
		q    string
		want int
	}{{`"quoted"`, 20}, {`100%`, 20}, {"of page 7", 1}, {"QUOTED", 20}, {"0% ", 20}} {
		page, err := s.ListEvents(ctx, rum.TypeError, store.Filter{Query: tc.q, Limit: 100})
		if err != nil {
			t.Fatalf("errors query %q: %v", tc.q, err)
		}
		if len(page.Events) != tc.want {
			t.Errorf("errors query %q found %d, want %d", tc.q, len(page.Events), tc.want)
		}
	}
	if h, err := s.Histogram(ctx, rum.TypeError, store.Filter{Query: "page 7", From: t0, To: t0 + 20}, 2); err != nil || h[0].Count != 1 || h[1].Count != 0 {
		t.Errorf("histogram with query: %+v, %v", h, err)
	}
	if err := s.Delete(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if page, _ := s.ListSessions(ctx, store.Filter{Query: "zelda"}); len(page.Sessions) != 0 {
		t.Errorf("deleted session still found by text")
	}
}
