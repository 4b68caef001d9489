package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// t0 is the fixture session's start, an hour ago so the default range holds it.
var t0 = time.Now().Add(-time.Hour).UnixMilli()

func fixture() *fakeReader {
	s1 := store.Session{ID: "s1", ApplicationID: "shop", Start: t0, End: t0 + 95_000, Duration: 95_000,
		ViewCount: 2, ErrorCount: 1, ActionCount: 1, HasReplay: true,
		User: store.User{ID: "u1", Name: "Ann Lee", Email: "ann@example.com"}, Browser: "Chrome 120", OS: "Linux", Device: "desktop",
		FirstURL: "https://shop.example/cart?x=1"}
	s2 := store.Session{ID: "s2", ApplicationID: "shop", Start: t0 + 1000, Duration: 3000, ViewCount: 1,
		User: store.User{Name: "Bo"}, Browser: "Firefox 121", OS: "Windows", Device: "mobile", FirstURL: "https://shop.example/"}
	base := func(typ, id string, dt int64) rum.Event {
		return rum.Event{Type: typ, ID: id, Date: t0 + dt, AppID: "shop", SessionID: "s1", ViewID: "v1",
			ViewURL: "https://shop.example/cart?x=1", UserName: "Ann Lee", Raw: json.RawMessage(`{"type":"` + typ + `"}`)}
	}
	v1 := base("view", "v1", 0)
	v1.View = &rum.ViewFields{LoadingTime: 1200e6, FirstContentfulPaint: 900e6, LargestContentfulPaint: 5200e6,
		CumulativeLayoutShift: 0.15, InteractionToNextPaint: 120e6, TimeToFirstByte: 300e6, TimeSpent: 60_000e6, ErrorCount: 1, ActionCount: 1}
	v1.Raw = json.RawMessage(`{"type":"view","geo":{"city":"Lisbon","country":"Portugal"}}`)
	v2 := base("view", "v2", 60_000)
	v2.ViewID, v2.ViewURL, v2.View = "v2", "https://shop.example/checkout", &rum.ViewFields{TimeSpent: 35_000e6}
	e1 := base("error", "e1", 30_000)
	e1.Error = &rum.ErrorFields{Message: "TypeError: cart is undefined", Kind: "TypeError", Source: "source",
		Stack: "TypeError: cart is undefined\n    at checkout (https://shop.example/app.js:10:5)\n    at onClick (https://shop.example/app.js:20:1)"}
	a1 := base("action", "a1", 20_000)
	a1.Action = &rum.ActionFields{Type: "click", TargetName: "Add to cart"}
	r1 := base("resource", "r1", 100)
	r1.Resource = &rum.ResourceFields{URL: "https://shop.example/api/cart", Type: "fetch", Method: "POST", StatusCode: 503, Duration: 250e6, Size: 2048}
	l1 := base("long_task", "l1", 2_000)
	l1.LongTask = &rum.LongTaskFields{Duration: 180e6}
	return &fakeReader{sessions: []store.Session{s1, s2}, events: []rum.Event{v1, r1, l1, a1, e1, v2}}
}

func newServer(t *testing.T, r store.Reader, demo bool) *http.ServeMux {
	t.Helper()
	mux := http.NewServeMux()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := Register(mux, Config{Reader: r, Demo: demo, Logger: log}); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return mux
}

// get serves one GET request and returns the response and its body.
func get(t *testing.T, mux http.Handler, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("body does not contain %q", w)
		}
	}
}

func mustNotContain(t *testing.T, body string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(body, b) {
			t.Errorf("body contains %q", b)
		}
	}
}

func TestRegisterNeedsReader(t *testing.T) {
	if err := Register(http.NewServeMux(), Config{}); err == nil {
		t.Fatal("Register without Reader: want error")
	}
}

func TestHomeRedirectsToSessions(t *testing.T) {
	res, _ := get(t, newServer(t, fixture(), false), "/")
	if got, want := res.StatusCode, http.StatusFound; got != want {
		t.Fatalf("status=%d, want %d", got, want)
	}
	if got, want := res.Header.Get("Location"), "/explorer/sessions"; got != want {
		t.Fatalf("Location=%q, want %q", got, want)
	}
}

func TestPagesSendStrictCSP(t *testing.T) {
	mux := newServer(t, fixture(), false)
	for _, p := range []string{"/explorer/sessions", "/sessions/s1", "/views/v1", "/errors/e1", "/nope/missing"} {
		res, _ := get(t, mux, p)
		csp := res.Header.Get("Content-Security-Policy")
		if p == "/nope/missing" {
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status=%d, want 404", p, res.StatusCode)
			}
			continue
		}
		if !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP=%q, want script-src 'self' only", p, csp)
		}
		if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
			t.Errorf("%s: Content-Type=%q", p, got)
		}
	}
}

func TestErrorsDoNotLeak(t *testing.T) {
	fr := fixture()
	fr.err = errors.New("disk on fire at /secret/path")
	mux := newServer(t, fr, false)
	for _, p := range []string{"/explorer/sessions", "/explorer/errors", "/sessions/s1", "/views/v1", "/errors/e1"} {
		res, body := get(t, mux, p)
		if res.StatusCode != http.StatusInternalServerError {
			t.Errorf("%s: status=%d, want 500", p, res.StatusCode)
		}
		mustNotContain(t, body, "/secret/path")
		mustContain(t, body, "Something went wrong")
	}
}

func TestBadFilterFromStoreIs400(t *testing.T) {
	fr := fixture()
	fr.err = store.ErrBadFilter
	res, _ := get(t, newServer(t, fr, false), "/explorer/sessions?sort=-nonsense")
	if got, want := res.StatusCode, http.StatusBadRequest; got != want {
		t.Fatalf("status=%d, want %d", got, want)
	}
}
