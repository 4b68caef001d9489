package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

const hour = int64(3600_000)

// explorerData stores three sessions that differ in every filterable field.
func explorerData(t *testing.T, s Store) {
	t.Helper()
	type sess struct {
		id, app, env, service, version, uid, uname, email, ua, url string
		start                                                      int64
		errors                                                     int
		replay                                                     bool
	}
	for _, x := range []sess{
		{"sA", "app1", "prod", "web", "1.0", "u1", "Ada", "ada@example.com", chromeUA, "https://shop.example/home", t0, 1, true},
		{"sB", "app2", "staging", "api", "2.0", "u2", "Bob", "bob@example.com", iphoneUA, "https://shop.example/cart", t0 + hour, 0, false},
		{"sC", "app1", "prod", "web", "1.0", "", "", "", chromeUA, "https://shop.example/checkout?step=1", t0 + 2*hour, 2, false},
	} {
		var evs []rum.Event
		v := view(x.id, "v"+x.id, x.start, 1, 1000)
		v.View.ErrorCount = int64(x.errors)
		r := ev(rum.TypeResource, x.id, "r"+x.id, x.start+10)
		a := ev(rum.TypeAction, x.id, "a"+x.id, x.start+20)
		evs = append(evs, v, r, a)
		for i := range x.errors {
			e := ev(rum.TypeError, x.id, fmt.Sprintf("e%s%d", x.id, i), x.start+30+int64(i))
			if x.id == "sC" {
				e.Error.Source, e.Error.Message = "network", "Failed to fetch /api/pay"
			}
			evs = append(evs, e)
		}
		if x.id == "sB" {
			r.Resource.StatusCode, r.Resource.Type, r.Resource.URL = 404, "xhr", "https://shop.example/api/missing"
			a.Action.Type, a.Action.TargetName = "custom", "checkout_started"
			evs[1], evs[2] = r, a
		}
		for i := range evs {
			e := &evs[i]
			e.AppID, e.Env, e.Service, e.Version, e.UserAgent, e.ViewURL = x.app, x.env, x.service, x.version, x.ua, x.url
			e.UserID, e.UserName, e.UserEmail = x.uid, x.uname, x.email
			e.ViewID = "v" + x.id
		}
		mustAppend(t, s, evs...)
		if x.replay {
			if err := s.AppendSegment(ctx, segment(x.id, x.start, x.start+500), []byte("r")); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func sessionIDs(t *testing.T, s Store, f store.Filter) string {
	t.Helper()
	page, err := s.ListSessions(ctx, f)
	if err != nil {
		t.Fatalf("ListSessions(%+v): %v", f, err)
	}
	var ids []string
	for _, x := range page.Sessions {
		ids = append(ids, x.ID)
	}
	checkTotal(t, page.Total, page.TotalCapped, len(ids))
	slices.Sort(ids)
	return strings.Join(ids, ",")
}

func eventIDs(t *testing.T, s Store, typ string, f store.Filter) string {
	t.Helper()
	page, err := s.ListEvents(ctx, typ, f)
	if err != nil {
		t.Fatalf("ListEvents(%s, %+v): %v", typ, f, err)
	}
	var ids []string
	for _, x := range page.Events {
		if x.Type != typ {
			t.Fatalf("ListEvents(%s) returned a %s", typ, x.Type)
		}
		ids = append(ids, x.ID)
	}
	checkTotal(t, page.Total, page.TotalCapped, len(ids))
	slices.Sort(ids)
	return strings.Join(ids, ",")
}

// checkTotal: Total is exact, or a lower bound when the backend capped it.
func checkTotal(t *testing.T, total int64, capped bool, rows int) {
	t.Helper()
	if (!capped && int(total) != rows) || (capped && int(total) > rows) {
		t.Fatalf("total %d (capped %v) but %d rows", total, capped, rows)
	}
}

func ptr(b bool) *bool { return &b }

func testSessionFilters(t *testing.T, open Opener) {
	s := openNew(t, open)
	explorerData(t, s)
	for _, tc := range []struct {
		name string
		f    store.Filter
		want string
	}{
		{"none", store.Filter{}, "sA,sB,sC"},
		{"from", store.Filter{From: t0 + hour}, "sB,sC"},
		{"to exclusive", store.Filter{To: t0 + hour}, "sA"},
		{"from-to", store.Filter{From: t0 + 1, To: t0 + 2*hour}, "sB"},
		{"app", store.Filter{App: "app2"}, "sB"},
		{"env", store.Filter{Env: "staging"}, "sB"},
		{"service", store.Filter{Service: "web"}, "sA,sC"},
		{"version", store.Filter{Version: "2.0"}, "sB"},
		{"user id", store.Filter{User: "u1"}, "sA"},
		{"user name", store.Filter{User: "Bob"}, "sB"},
		{"user email", store.Filter{User: "ada@example.com"}, "sA"},
		{"session id", store.Filter{SessionID: "sC"}, "sC"},
		{"view id", store.Filter{ViewID: "vsB"}, "sB"},
		{"url", store.Filter{URL: "checkout"}, "sC"},
		{"url literal percent", store.Filter{URL: "%"}, ""},
		{"browser family", store.Filter{Browser: "Safari"}, "sB"},
		{"browser version", store.Filter{Browser: "Chrome 120"}, "sA,sC"},
		{"os", store.Filter{OS: "iOS"}, "sB"},
		{"device", store.Filter{Device: "Desktop"}, "sA,sC"},
		{"browser not a prefix of a longer name", store.Filter{Browser: "Chrom"}, ""},
		{"query user", store.Filter{Query: "ada"}, "sA"},
		{"query url", store.Filter{Query: "cart"}, "sB"},
		{"has replay", store.Filter{HasReplay: ptr(true)}, "sA"},
		{"no replay", store.Filter{HasReplay: ptr(false)}, "sB,sC"},
		{"has error", store.Filter{HasError: ptr(true)}, "sA,sC"},
		{"no error", store.Filter{HasError: ptr(false)}, "sB"},
		{"combined", store.Filter{App: "app1", HasError: ptr(true), From: t0 + 1}, "sC"},
	} {
		if got := sessionIDs(t, s, tc.f); got != tc.want {
			t.Errorf("%s: got [%s], want [%s]", tc.name, got, tc.want)
		}
	}
}

func testEventFilters(t *testing.T, open Opener) {
	s := openNew(t, open)
	explorerData(t, s)
	for _, tc := range []struct {
		name string
		typ  string
		f    store.Filter
		want string
	}{
		{"views all", rum.TypeView, store.Filter{}, "vsA,vsB,vsC"},
		{"views from", rum.TypeView, store.Filter{From: t0 + hour}, "vsB,vsC"},
		{"views to", rum.TypeView, store.Filter{To: t0 + hour}, "vsA"},
		{"views app", rum.TypeView, store.Filter{App: "app2"}, "vsB"},
		{"views env", rum.TypeView, store.Filter{Env: "prod"}, "vsA,vsC"},
		{"views service", rum.TypeView, store.Filter{Service: "api"}, "vsB"},
		{"views version", rum.TypeView, store.Filter{Version: "1.0"}, "vsA,vsC"},
		{"views user", rum.TypeView, store.Filter{User: "bob@example.com"}, "vsB"},
		{"views session", rum.TypeView, store.Filter{SessionID: "sA"}, "vsA"},
		{"views view id", rum.TypeView, store.Filter{ViewID: "vsC"}, "vsC"},
		{"views url", rum.TypeView, store.Filter{URL: "/cart"}, "vsB"},
		{"views query url", rum.TypeView, store.Filter{Query: "step=1"}, "vsC"},
		{"views browser", rum.TypeView, store.Filter{Browser: "Chrome"}, "vsA,vsC"},
		{"views os", rum.TypeView, store.Filter{OS: "Linux"}, "vsA,vsC"},
		{"views device", rum.TypeView, store.Filter{Device: "mobile"}, "vsB"},
		{"views has replay", rum.TypeView, store.Filter{HasReplay: ptr(true)}, "vsA"},
		{"views own errors", rum.TypeView, store.Filter{HasError: ptr(true)}, "vsA,vsC"},
		{"errors all", rum.TypeError, store.Filter{}, "esA0,esC0,esC1"},
		{"errors source", rum.TypeError, store.Filter{ErrorSource: "network"}, "esC0,esC1"},
		{"errors query message", rum.TypeError, store.Filter{Query: "api/pay"}, "esC0,esC1"},
		{"errors session", rum.TypeError, store.Filter{SessionID: "sA"}, "esA0"},
		{"resources status", rum.TypeResource, store.Filter{StatusCode: 404}, "rsB"},
		{"resources type", rum.TypeResource, store.Filter{ResourceType: "fetch"}, "rsA,rsC"},
		{"resources query url", rum.TypeResource, store.Filter{Query: "missing"}, "rsB"},
		{"resources session has error", rum.TypeResource, store.Filter{HasError: ptr(true)}, "rsA,rsC"},
		{"resources session no error", rum.TypeResource, store.Filter{HasError: ptr(false)}, "rsB"},
		{"actions type", rum.TypeAction, store.Filter{ActionType: "custom"}, "asB"},
		{"actions query target", rum.TypeAction, store.Filter{Query: "add to"}, "asA,asC"},
		{"actions no replay", rum.TypeAction, store.Filter{HasReplay: ptr(false)}, "asB,asC"},
	} {
		if got := eventIDs(t, s, tc.typ, tc.f); got != tc.want {
			t.Errorf("%s: got [%s], want [%s]", tc.name, got, tc.want)
		}
	}
}

func testBadFilter(t *testing.T, open Opener) {
	s := openNew(t, open)
	explorerData(t, s)
	if _, err := s.ListSessions(ctx, store.Filter{Sort: "-nope"}); !errors.Is(err, store.ErrBadFilter) {
		t.Errorf("unknown sort: %v, want ErrBadFilter", err)
	}
	if _, err := s.ListSessions(ctx, store.Filter{Cursor: "!!!"}); !errors.Is(err, store.ErrBadFilter) {
		t.Errorf("garbage cursor: %v, want ErrBadFilter", err)
	}
	page, err := s.ListSessions(ctx, store.Filter{Limit: 1, Sort: "duration"})
	if err != nil || page.NextCursor == "" {
		t.Fatalf("first page: %v, cursor %q", err, page.NextCursor)
	}
	if _, err := s.ListSessions(ctx, store.Filter{Limit: 1, Sort: "-date", Cursor: page.NextCursor}); !errors.Is(err, store.ErrBadFilter) {
		t.Errorf("cursor of another sort: %v, want ErrBadFilter", err)
	}
	if _, err := s.ListEvents(ctx, "nope", store.Filter{}); !errors.Is(err, store.ErrBadFilter) {
		t.Errorf("unknown event type: %v, want ErrBadFilter", err)
	}
	if _, err := s.ListEvents(ctx, rum.TypeError, store.Filter{Sort: "loading_time"}); !errors.Is(err, store.ErrBadFilter) {
		t.Errorf("sort by a column errors lack: %v, want ErrBadFilter", err)
	}
}
