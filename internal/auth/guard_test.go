package auth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// guarded returns a handler that records the identity it was called with.
func guarded(a *Auth) (http.Handler, *Identity) {
	var seen Identity
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, _ = FromContext(r.Context())
		if seen.Kind == "" {
			seen.Kind = "public"
		}
		w.WriteHeader(http.StatusOK)
	})
	public := func(r *http.Request) bool {
		return r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, "/share/")
	}
	return a.Guard(next, public), &seen
}

func loginCookie(t *testing.T, a *Auth) *http.Cookie {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := a.Login(rec, httptest.NewRequest("POST", "/login", nil)); err != nil {
		t.Fatal(err)
	}
	return rec.Result().Cookies()[0]
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestGuardRefusesAnonymous(t *testing.T) {
	a, _ := newTestAuth(t, nil)
	h, _ := guarded(a)
	rec := serve(h, httptest.NewRequest("GET", "/explorer/sessions?q=a%20b", nil))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?next="+url.QueryEscape("/explorer/sessions?q=a%20b") {
		t.Fatalf("UI page: %d %q, want 303 to the login page with next", rec.Code, rec.Header().Get("Location"))
	}
	for _, r := range []*http.Request{
		httptest.NewRequest("GET", "/api/v1/sessions", nil),
		httptest.NewRequest("POST", "/api/v1/sessions/s1/share", nil),
		httptest.NewRequest("POST", "/logout", nil),
	} {
		rec := serve(h, r)
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "login required") {
			t.Errorf("%s %s: %d %s, want 401 JSON", r.Method, r.URL.Path, rec.Code, rec.Body)
		}
	}
	if rec := serve(h, httptest.NewRequest("GET", "/api/v1/sessions", nil)); !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("API response CSP %q", rec.Header().Get("Content-Security-Policy"))
	}
	if rec := serve(h, httptest.NewRequest("GET", "/healthz", nil)); rec.Code != http.StatusOK {
		t.Fatalf("public path: %d", rec.Code)
	}
}

func TestGuardAPIToken(t *testing.T) {
	a, _ := newTestAuth(t, nil)
	h, seen := guarded(a)
	r := httptest.NewRequest("DELETE", "/api/v1/sessions/s1/shares/x", nil)
	r.Header.Set("Authorization", "Bearer "+testToken)
	if rec := serve(h, r); rec.Code != http.StatusOK || seen.Kind != "token" {
		t.Fatalf("valid token: %d %+v", rec.Code, seen)
	}
	r = httptest.NewRequest("GET", "/api/v1/sessions", nil)
	r.Header.Set("Authorization", "bearer "+testToken)
	if rec := serve(h, r); rec.Code != http.StatusOK {
		t.Fatalf("lower-case scheme: %d", rec.Code)
	}
	// A proxy's Basic auth is not ours: a logged-in browser behind it still works.
	r = httptest.NewRequest("GET", "/explorer/sessions", nil)
	r.Header.Set("Authorization", "Basic dXNlcjpwdw==")
	r.AddCookie(loginCookie(t, a))
	if rec := serve(h, r); rec.Code != http.StatusOK || seen.Kind != "session" {
		t.Fatalf("Basic auth header with a session cookie: %d %+v", rec.Code, seen)
	}
	for _, v := range []string{"Bearer wrong-token-0123456789", "Basic " + testToken, "Bearer ", "Bearer"} {
		r := httptest.NewRequest("GET", "/api/v1/sessions", nil)
		r.Header.Set("Authorization", v)
		if rec := serve(h, r); rec.Code != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %d, want 401", v, rec.Code)
		}
	}
}

func TestGuardSessionAndCSRF(t *testing.T) {
	a, _ := newTestAuth(t, nil)
	h, seen := guarded(a)
	ck := loginCookie(t, a)

	r := httptest.NewRequest("GET", "/explorer/sessions", nil)
	r.AddCookie(ck)
	if rec := serve(h, r); rec.Code != http.StatusOK || seen.Kind != "session" || seen.CSRF == "" {
		t.Fatalf("logged-in GET: %d %+v", rec.Code, seen)
	}
	csrf := seen.CSRF

	post := func(mod func(*http.Request)) int {
		r := httptest.NewRequest("POST", "http://reprise.test/api/v1/sessions/s1/share", strings.NewReader("{}"))
		r.AddCookie(ck)
		mod(r)
		return serve(h, r).Code
	}
	if code := post(func(*http.Request) {}); code != http.StatusForbidden {
		t.Errorf("POST without CSRF token: %d, want 403", code)
	}
	if code := post(func(r *http.Request) { r.Header.Set(CSRFHeader, csrf+"x") }); code != http.StatusForbidden {
		t.Errorf("POST with a wrong CSRF token: %d, want 403", code)
	}
	if code := post(func(r *http.Request) { r.Header.Set(CSRFHeader, csrf) }); code != http.StatusOK {
		t.Errorf("POST with the CSRF token: %d, want 200", code)
	}
	if code := post(func(r *http.Request) {
		r.Header.Set(CSRFHeader, csrf)
		r.Header.Set("Origin", "https://evil.example")
	}); code != http.StatusForbidden {
		t.Errorf("cross-origin POST with the token: %d, want 403", code)
	}
	if code := post(func(r *http.Request) {
		r.Header.Set(CSRFHeader, csrf)
		r.Header.Set("Origin", "http://reprise.test")
	}); code != http.StatusOK {
		t.Errorf("same-origin POST: %d, want 200", code)
	}
	// Behind a TLS proxy the browser's scheme differs from ours: the host decides.
	if code := post(func(r *http.Request) {
		r.Header.Set(CSRFHeader, csrf)
		r.Header.Set("Origin", "https://reprise.test")
	}); code != http.StatusOK {
		t.Errorf("same host over https: %d, want 200", code)
	}
	if code := post(func(r *http.Request) {
		r.Header.Set(CSRFHeader, csrf)
		r.Header.Set("Origin", "https://reprise.example.com")
		r.Header.Set("X-Forwarded-Host", "reprise.example.com")
	}); code != http.StatusOK {
		t.Errorf("proxy's forwarded host: %d, want 200", code)
	}
	if code := post(func(r *http.Request) {
		r.Header.Set(CSRFHeader, csrf)
		r.Header.Set("Origin", "https://reprise.test.evil.example")
	}); code != http.StatusForbidden {
		t.Errorf("look-alike origin: %d, want 403", code)
	}
	// A form carries the token as a field.
	form := httptest.NewRequest("POST", "/logout", strings.NewReader(url.Values{CSRFField: {csrf}}.Encode()))
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	form.AddCookie(ck)
	if rec := serve(h, form); rec.Code != http.StatusOK {
		t.Errorf("form POST with csrf_token: %d", rec.Code)
	}
	// Another login gets another token.
	if other := a.csrfFor("another-session"); other == csrf {
		t.Error("CSRF token is the same for two sessions")
	}
}

func TestGuardShareCookieReadsOneSessionOnly(t *testing.T) {
	a, c := newTestAuth(t, nil)
	h, seen := guarded(a)
	sh, tok, err := a.CreateShare("s1", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	get := func(method, path string) int {
		r := httptest.NewRequest(method, path, nil)
		r.AddCookie(&http.Cookie{Name: ShareCookie, Value: tok})
		return serve(h, r).Code
	}
	for _, p := range []string{"/api/v1/sessions/s1", "/api/v1/sessions/s1/replay?from=0", "/api/v1/sessions/s1/events", "/api/v1/sessions/s1/segments"} {
		if code := get("GET", p); code != http.StatusOK || seen.Kind != "share" || seen.ShareSession != "s1" {
			t.Errorf("GET %s with the share cookie: %d %+v", p, code, seen)
		}
	}
	for _, p := range []string{"/api/v1/sessions/s2/replay", "/api/v1/sessions", "/api/v1/errors", "/api/v1/sessions/s1/shares",
		"/api/v1/sessions/s1%2F..%2Fs2/replay", "/explorer/sessions", "/sessions/s1", "/replay/s1"} {
		if code := get("GET", p); code == http.StatusOK {
			t.Errorf("GET %s with a share cookie for s1: 200, want refused", p)
		}
	}
	if code := get("POST", "/api/v1/sessions/s1/share"); code != http.StatusUnauthorized {
		t.Errorf("POST with a share cookie: %d, want 401", code)
	}
	if err := a.RevokeShare("s1", sh.ID); err != nil {
		t.Fatal(err)
	}
	if code := get("GET", "/api/v1/sessions/s1/replay"); code != http.StatusUnauthorized {
		t.Errorf("revoked share: %d, want 401", code)
	}
	_, tok2, _ := a.CreateShare("s1", time.Minute)
	tok = tok2
	c.add(time.Minute)
	if code := get("GET", "/api/v1/sessions/s1/replay"); code != http.StatusUnauthorized {
		t.Errorf("expired share: %d, want 401", code)
	}
}

func TestSetShareCookieScope(t *testing.T) {
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/share/x", nil)
	SetShareCookie(rec, r, Share{SessionID: "a b/c", Expires: time.Now().Add(time.Hour)}, "tok")
	ck := rec.Result().Cookies()[0]
	if ck.Path != "/api/v1/sessions/a%20b%2Fc" || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Fatalf("share cookie %+v", ck)
	}
}
