package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

func TestSessionShow(t *testing.T) {
	res, body := get(t, newServer(t, fixture(), false), "/sessions/s1")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status=%d", res.StatusCode)
	}
	mustContain(t, body,
		"Ann Lee &lt;ann@example.com&gt;", "Chrome 120", "Linux", "desktop", "Lisbon, Portugal", "1 min 35 s",
		`data-testid="replay">`, `href="/replay/s1?t=0"`, // Replay at the upper right
		`href="/views/v1"`, `href="/views/v2"`, "1:00", "35.0 s", // views in order, offset and time spent
		`href="/errors/e1"`, "TypeError: cart is undefined", `href="/replay/s1?t=30000"`,
		`href="/actions/a1"`, "click “Add to cart”", `href="/long_tasks/l1"`,
		`data-copy="s1"`)
	if i, j := strings.Index(body, `href="/views/v1"`), strings.Index(body, `href="/views/v2"`); i > j {
		t.Error("views not in time order")
	}
	// Resources are counted, not listed on the session page.
	if strings.Contains(body, `href="/resources/r1"`) {
		t.Error("session page lists resources")
	}
}

func TestSessionWithoutReplay(t *testing.T) {
	_, body := get(t, newServer(t, fixture(), false), "/sessions/s2")
	mustContain(t, body, "No replay")
	mustNotContain(t, body, "/replay/s2")
}

func TestViewShow(t *testing.T) {
	fr := fixture()
	res, body := get(t, newServer(t, fr, false), "/views/v1")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status=%d", res.StatusCode)
	}
	// Vitals rated by the web.dev thresholds.
	mustContain(t, body,
		`<div class="vital good" title="Until the page is loaded and idle">`, // 1.2 s loading
		`<div class="vital poor" title="Largest Contentful Paint">`,          // 5.2 s
		`<div class="vital ni" title="Cumulative Layout Shift">`,             // 0.15
		`<div class="vital good" title="Interaction to Next Paint">`,         // 120 ms
		"0.150", "Needs improvement", "Poor")
	// The waterfall bar of the resource: starts 100 ms in, lasts 250 ms, on a 1.2 s scale.
	mustContain(t, body, `href="/resources/r1"`, `style="left: 8.33%; width: 20.83%"`, "250 ms")
	// The view's events, each with a replay link at its own moment.
	mustContain(t, body, `href="/errors/e1"`, `href="/actions/a1"`, `href="/long_tasks/l1"`, `href="/replay/s1?t=30000"`)
	// The other view's events are not this view's.
	v2 := rum.Event{Type: "error", ID: "e2", SessionID: "s1", ViewID: "v2", Date: t0 + 61_000, Error: &rum.ErrorFields{Message: "only on v2"}}
	fr.events = append(fr.events, v2)
	_, body = get(t, newServer(t, fr, false), "/views/v1")
	mustNotContain(t, body, "only on v2")
	// Replay starts at the view; Source section with the More menu.
	_, body = get(t, newServer(t, fr, false), "/views/v2")
	mustContain(t, body, `data-testid="replay">`, `href="/replay/s1?t=60000"`, "only on v2")
	checkSource(t, body, "views", "/replay/s1?t=60000")
}

// checkSource asserts the Source section's Play and More menu.
func checkSource(t *testing.T, body, kind, play string) {
	t.Helper()
	mustContain(t, body, `<h2 id="source-h">Source</h2>`,
		`data-testid="source-play"`, `href="`+play+`"`,
		`href="/sessions/s1">`, "View session details",
		`href="/explorer/`+kind+`?session=s1"`, "Filter current session ID",
		`data-copy="s1"`, "Copy session ID")
}

func TestErrorShow(t *testing.T) {
	res, body := get(t, newServer(t, fixture(), false), "/errors/e1")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status=%d", res.StatusCode)
	}
	mustContain(t, body, "TypeError: cart is undefined", "TypeError · source",
		`<span class="frame">    at checkout (https://shop.example/app.js:10:5)</span>`,
		`<span class="head">TypeError: cart is undefined</span>`,
		"0:30.0 into the session", `href="/views/v1"`)
	// Replay starts 5 s before the error; Play in Source starts at it.
	mustContain(t, body, `data-testid="replay">`, `href="/replay/s1?t=25000"`)
	checkSource(t, body, "errors", "/replay/s1?t=30000")
}

func TestErrorReplayNeverBeforeStart(t *testing.T) {
	fr := fixture()
	fr.events = append(fr.events, rum.Event{Type: "error", ID: "early", SessionID: "s1", ViewID: "v1", Date: t0 + 1000,
		Error: &rum.ErrorFields{Message: "early"}})
	_, body := get(t, newServer(t, fr, false), "/errors/early")
	mustContain(t, body, `href="/replay/s1?t=0" data-testid="replay"`)
}

func TestResourceActionLongTaskShow(t *testing.T) {
	cases := []struct {
		path, kind, play string
		wants            []string
	}{
		{"/resources/r1", "resources", "/replay/s1?t=100", []string{"https://shop.example/api/cart", "POST", `pill poor">503`, "250 ms", "2.0 KB", "fetch"}},
		{"/actions/a1", "actions", "/replay/s1?t=20000", []string{"Add to cart", "click", "0:20.0 into the session"}},
		{"/long_tasks/l1", "long_tasks", "/replay/s1?t=2000", []string{"180 ms", "blocking the main thread"}},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			res, body := get(t, newServer(t, fixture(), false), c.path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status=%d", res.StatusCode)
			}
			mustContain(t, body, c.wants...)
			checkSource(t, body, c.kind, c.play)
			mustContain(t, body, "Raw event", "<dt>Application</dt><dd>shop</dd>")
		})
	}
}

func TestDetailNotFound(t *testing.T) {
	mux := newServer(t, fixture(), false)
	for _, p := range []string{"/sessions/nope", "/views/nope", "/errors/nope", "/resources/nope", "/actions/nope",
		"/long_tasks/nope", "/replay/nope", "/views/e1" /* an error id is not a view */} {
		res, body := get(t, mux, p)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status=%d, want 404", p, res.StatusCode)
		}
		mustContain(t, body, "Not found")
	}
}

func TestEventWithoutSessionStillShows(t *testing.T) {
	fr := fixture()
	fr.events = append(fr.events, rum.Event{Type: "action", ID: "orphan", SessionID: "gone", Date: t0})
	res, body := get(t, newServer(t, fr, false), "/actions/orphan")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status=%d", res.StatusCode)
	}
	mustContain(t, body, "session not found", `href="/sessions/gone"`)
	mustNotContain(t, body, "/replay/gone")
}

func TestReplayShow(t *testing.T) {
	mux := newServer(t, fixture(), false)
	res, body := get(t, mux, "/replay/s1?t=1500")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status=%d", res.StatusCode)
	}
	mustContain(t, body, `data-session="s1"`)
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "img-src 'self' data: blob: https: http:") {
		t.Errorf("replay CSP=%q: want scripts from self only, recorded images from anywhere", csp)
	}
	if res, _ := get(t, mux, "/replay/s1?t=-5"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("negative t: status=%d, want 400", res.StatusCode)
	}
}

// hostile strings must come out as inert text wherever they are shown.
func TestHostileStringsRenderInert(t *testing.T) {
	const xss = `<script>alert(1)</script>`
	fr := &fakeReader{}
	fr.sessions = []store.Session{{ID: `x"><script>alert(9)</script>`, Start: t0, HasReplay: true,
		User: store.User{Name: xss, Email: `"><img src=x onerror=alert(2)>`}, Browser: xss, OS: xss, Device: xss,
		FirstURL: "javascript:alert(3)"}}
	sid := fr.sessions[0].ID
	ev := func(typ, id string) rum.Event {
		return rum.Event{Type: typ, ID: id, SessionID: sid, ViewID: "hv", Date: t0 + 10, ViewURL: "javascript:alert(4)//" + xss,
			ViewName: xss, UserName: xss, Raw: json.RawMessage(`{"x":"` + "\\u003cscript\\u003e" + `","y":"</pre><script>alert(5)</script>"}`)}
	}
	v := ev("view", "hv")
	v.View = &rum.ViewFields{}
	e := ev("error", "he")
	e.Error = &rum.ErrorFields{Message: xss, Stack: xss + "\n at " + xss, Source: xss, Kind: xss}
	r := ev("resource", "hr")
	r.Resource = &rum.ResourceFields{URL: "javascript:alert(6)", Type: xss + `" style="x`, Method: xss}
	a := ev("action", "ha")
	a.Action = &rum.ActionFields{Type: xss, TargetName: xss}
	l := ev("long_task", "hl")
	l.LongTask = &rum.LongTaskFields{Duration: 1}
	fr.events = []rum.Event{v, e, r, a, l}

	mux := newServer(t, fr, false)
	pages := []string{"/explorer/sessions", "/explorer/views", "/explorer/errors", "/explorer/resources", "/explorer/actions",
		"/explorer/long_tasks", "/views/hv", "/errors/he", "/resources/hr", "/actions/ha", "/long_tasks/hl",
		"/explorer/errors?q=%3Cscript%3Ealert(7)%3C%2Fscript%3E&user=%22%3E%3Cb%3E",
		"/sessions/" + strings.ReplaceAll(sid, `"`, "%22"), "/replay/" + strings.ReplaceAll(sid, `"`, "%22"),
		"/sessions/%3Cscript%3Ealert(8)%3C%2Fscript%3E"}
	for _, p := range pages {
		res, body := get(t, mux, p)
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status=%d", p, res.StatusCode)
			continue
		}
		// Our own scripts are external; any <script> with a body is an injection.
		if strings.Count(body, "<script") != strings.Count(body, `<script src="/static/`) {
			t.Errorf("%s: an injected <script> element is live", p)
		}
		if p == "/errors/he" {
			mustContain(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;") // shown, as text
		}
		for _, bad := range []string{"<img src=x", `href="javascript:`, "<b>", `" style="x`} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: contains %q", p, bad)
			}
		}
	}
}
