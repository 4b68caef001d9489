package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/reprise-rum/reprise/internal/auth"
	"golang.org/x/crypto/bcrypt"
)

const testPassword = "correct horse battery"

// accessServer is the UI behind the guard, as the server assembles it.
func accessServer(t *testing.T) (http.Handler, *auth.Auth) {
	t.Helper()
	a, _, err := auth.New(auth.Config{DataDir: t.TempDir(), AdminPassword: testPassword, BcryptCost: bcrypt.MinCost, OneTimeLogin: true})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := fixture()
	if err := Register(mux, Config{Reader: r, Logger: log}); err != nil {
		t.Fatal(err)
	}
	if err := RegisterAccess(mux, AccessConfig{Auth: a, Reader: r, Logger: log}); err != nil {
		t.Fatal(err)
	}
	public := func(r *http.Request) bool {
		p := r.URL.Path
		return p == "/login" || strings.HasPrefix(p, "/login/once/") || strings.HasPrefix(p, "/share/") || strings.HasPrefix(p, "/static/")
	}
	return a.Guard(mux, public), a
}

// jar is a minimal cookie jar keyed by name (tests use one host).
type jar map[string]*http.Cookie

func (j jar) do(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	for _, c := range j {
		r.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(j, c.Name)
		} else {
			j[c.Name] = c
		}
	}
	return rec
}

var hiddenCSRF = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func login(t *testing.T, h http.Handler, j jar, password, next string) *httptest.ResponseRecorder {
	t.Helper()
	page := j.do(h, httptest.NewRequest("GET", "/login?next="+url.QueryEscape(next), nil))
	m := hiddenCSRF.FindStringSubmatch(page.Body.String())
	if page.Code != 200 || m == nil {
		t.Fatalf("login page: %d, csrf field %v", page.Code, m)
	}
	form := url.Values{"csrf_token": {m[1]}, "password": {password}, "next": {next}}
	r := httptest.NewRequest("POST", "http://example.com/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", "http://example.com")
	return j.do(h, r)
}

func TestLoginFlow(t *testing.T) {
	h, _ := accessServer(t)
	j := jar{}
	rec := j.do(h, httptest.NewRequest("GET", "/explorer/sessions", nil))
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
		t.Fatalf("anonymous explorer: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	page := j.do(h, httptest.NewRequest("GET", "/login", nil))
	if csp := page.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("login CSP %q", csp)
	}
	if rec := login(t, h, j, "wrong", "/errors/e1"); rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "Wrong password") {
		t.Fatalf("wrong password: %d", rec.Code)
	}
	if _, ok := j[auth.SessionCookie]; ok {
		t.Fatal("a session cookie after a wrong password")
	}
	rec = login(t, h, j, testPassword, "/errors/e1?x=1")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/errors/e1?x=1" {
		t.Fatalf("login: %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	rec = j.do(h, httptest.NewRequest("GET", "/explorer/sessions", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="csrf-token"`) || !strings.Contains(rec.Body.String(), "Sign out") {
		t.Fatalf("explorer after login: %d (want a CSRF meta tag and a sign-out form)", rec.Code)
	}
	csrf := hiddenCSRF.FindStringSubmatch(rec.Body.String())[1]

	// Sign out without the token fails; with it, the session ends.
	r := httptest.NewRequest("POST", "/logout", nil)
	if rec := j.do(h, r); rec.Code != http.StatusForbidden {
		t.Fatalf("logout without CSRF: %d, want 403", rec.Code)
	}
	r = httptest.NewRequest("POST", "/logout", strings.NewReader(url.Values{"csrf_token": {csrf}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if rec := j.do(h, r); rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", rec.Code)
	}
	if rec := j.do(h, httptest.NewRequest("GET", "/explorer/sessions", nil)); rec.Code != http.StatusSeeOther {
		t.Fatalf("explorer after logout: %d, want redirect", rec.Code)
	}
}

func TestLoginFormNeedsItsToken(t *testing.T) {
	h, _ := accessServer(t)
	form := url.Values{"password": {testPassword}, "csrf_token": {"guess"}}
	r := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(&http.Cookie{Name: loginCSRFCookie, Value: "other"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusForbidden || len(rec.Result().Cookies()) != 1 {
		t.Fatalf("login with a forged form: %d cookies=%v, want 403 and only a new form cookie", rec.Code, rec.Result().Cookies())
	}
	// Posted from another site: refused even with matching tokens.
	j := jar{}
	page := j.do(h, httptest.NewRequest("GET", "/login", nil))
	tok := hiddenCSRF.FindStringSubmatch(page.Body.String())[1]
	r = httptest.NewRequest("POST", "http://example.com/login", strings.NewReader(url.Values{"password": {testPassword}, "csrf_token": {tok}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", "https://evil.example")
	if rec := j.do(h, r); rec.Code != http.StatusForbidden {
		t.Fatalf("cross-site login: %d, want 403", rec.Code)
	}
}

func TestLoginRateLimitedPage(t *testing.T) {
	h, _ := accessServer(t)
	j := jar{}
	var rec *httptest.ResponseRecorder
	for i := 0; i < 11; i++ {
		rec = login(t, h, j, "guess", "")
	}
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "Too many failed attempts") {
		t.Fatalf("11th attempt: %d Retry-After=%q", rec.Code, rec.Header().Get("Retry-After"))
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/errors/e1?x=1":       "/errors/e1?x=1",
		"":                     "/explorer/sessions",
		"https://evil.example": "/explorer/sessions",
		"//evil.example/x":     "/explorer/sessions",
		"/\\evil.example":      "/explorer/sessions",
		"javascript:alert(1)":  "/explorer/sessions",
		"/login?next=/x":       "/explorer/sessions",
		"/x\r\nSet-Cookie: a":  "/explorer/sessions",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q)=%q, want %q", in, got, want)
		}
	}
}

func TestOneTimeLoginLink(t *testing.T) {
	h, a := accessServer(t)
	_ = a
	j := jar{}
	// The link printed at start is not reachable from here; a fresh Auth made one.
	if rec := j.do(h, httptest.NewRequest("GET", "/login/once/not-a-token", nil)); rec.Code != http.StatusForbidden {
		t.Fatalf("unknown one-time token: %d, want 403", rec.Code)
	}
}
