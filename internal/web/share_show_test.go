package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/auth"
)

func TestSharePage(t *testing.T) {
	h, a := accessServer(t)
	_, tok, err := a.CreateShare("s1", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	j := jar{}
	rec := j.do(h, httptest.NewRequest("GET", auth.SharePath(tok)+"?t=1500", nil))
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `data-session="s1"`) {
		t.Fatalf("share page: %d", rec.Code)
	}
	for _, teamOnly := range []string{`class="sidebar"`, `id="rp-public"`, `href="/sessions/s1"`, `name="csrf-token"`} {
		if strings.Contains(body, teamOnly) {
			t.Errorf("share page shows %s to an anonymous viewer", teamOnly)
		}
	}
	if rp := rec.Header().Get("Referrer-Policy"); rp != "no-referrer" {
		t.Errorf("Referrer-Policy %q, want no-referrer (the token is in the URL)", rp)
	}
	ck := j[auth.ShareCookie]
	if ck == nil || ck.Path != "/api/v1/sessions/s1" {
		t.Fatalf("share cookie %+v", ck)
	}
	// The same cookie opens none of the team's pages.
	for _, p := range []string{"/replay/s1", "/sessions/s1", "/explorer/sessions"} {
		if rec := j.do(h, httptest.NewRequest("GET", p, nil)); rec.Code != http.StatusSeeOther {
			t.Errorf("GET %s with only a share cookie: %d, want a redirect to login", p, rec.Code)
		}
	}
}

func TestSharePageRefusals(t *testing.T) {
	h, a := accessServer(t)
	sh, tok, _ := a.CreateShare("s1", time.Second)
	cases := map[string]string{"not-a-token": "not a valid"}
	if err := a.RevokeShare("s1", sh.ID); err != nil {
		t.Fatal(err)
	}
	cases[tok] = "revoked"
	_, tok2, _ := a.CreateShare("s1", time.Second)
	time.Sleep(1100 * time.Millisecond)
	cases[tok2] = "expired"
	for tok, want := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", auth.SharePath(tok), nil))
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), want) || len(rec.Result().Cookies()) != 0 {
			t.Errorf("share %q: %d, want 403 saying %q and no cookie", tok, rec.Code, want)
		}
	}
}

func TestLoggedInReplayHasPublicLinkControl(t *testing.T) {
	h, _ := accessServer(t)
	j := jar{}
	login(t, h, j, testPassword, "/")
	rec := j.do(h, httptest.NewRequest("GET", "/replay/s1", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="rp-public"`) || !strings.Contains(rec.Body.String(), `name="csrf-token"`) {
		t.Fatalf("replay page for the team: %d, want the public-link control and a CSRF token", rec.Code)
	}
	if _, ok := j[http.CanonicalHeaderKey("x")]; ok {
		t.Fatal("unreachable")
	}
}
