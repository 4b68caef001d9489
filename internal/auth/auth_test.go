package auth

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// clock is a settable time source for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

const testToken = "tok-0123456789abcdef"

// newTestAuth builds an Auth in a temp dir with a known password.
func newTestAuth(tb testing.TB, mod func(*Config)) (*Auth, *clock) {
	tb.Helper()
	c := newClock()
	cfg := Config{DataDir: tb.TempDir(), AdminPassword: "correct horse", APITokens: []string{testToken},
		BcryptCost: bcrypt.MinCost, Now: c.now}
	if mod != nil {
		mod(&cfg)
	}
	a, _, err := New(cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return a, c
}

func TestGeneratedPasswordFirstStartOnly(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{DataDir: dir, BcryptCost: bcrypt.MinCost}
	a, st, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.GeneratedPassword) != 23 || st.OneTimeLoginPath == "" {
		t.Fatalf("first start: %+v, want a 23-character password and a login link", st)
	}
	if !a.CheckPassword(st.GeneratedPassword) || a.CheckPassword("wrong") {
		t.Fatal("generated password does not check")
	}
	b, err := os.ReadFile(filepath.Join(dir, "auth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), st.GeneratedPassword) {
		t.Fatal("auth.json holds the password in clear")
	}
	if fi, _ := os.Stat(filepath.Join(dir, "auth.json")); fi.Mode().Perm() != 0o600 {
		t.Fatalf("auth.json mode %v, want 0600", fi.Mode().Perm())
	}

	a2, st2, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st2.GeneratedPassword != "" || st2.OneTimeLoginPath != "" {
		t.Fatalf("second start printed credentials again: %+v", st2)
	}
	if !a2.CheckPassword(st.GeneratedPassword) {
		t.Fatal("password changed across restarts")
	}
	cfg.OneTimeLogin = true // demo mode: a link at every start
	if _, st3, _ := New(cfg); st3.OneTimeLoginPath == "" || st3.GeneratedPassword != "" {
		t.Fatalf("demo restart: %+v, want a login link only", st3)
	}
}

func TestConfiguredPasswordReplacesGenerated(t *testing.T) {
	dir := t.TempDir()
	a, st, err := New(Config{DataDir: dir, BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if err := a.Login(rec, httptest.NewRequest("POST", "/login", nil)); err != nil {
		t.Fatal(err)
	}
	b, _, err := New(Config{DataDir: dir, AdminPassword: "configured pw", BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	if b.CheckPassword(st.GeneratedPassword) || !b.CheckPassword("configured pw") {
		t.Fatal("configured password does not replace the generated one")
	}
	if n := len(b.state.Sessions); n != 0 {
		t.Fatalf("%d sessions of the old password survive", n)
	}
}

func TestOneTimeLogin(t *testing.T) {
	a, c := newTestAuth(t, func(c *Config) { c.OneTimeLogin = true })
	p := a.newOneTimeLogin()
	tok := strings.TrimPrefix(p, "/login/once/")
	if a.UseOneTimeLogin("nope") {
		t.Fatal("unknown token accepted")
	}
	if !a.UseOneTimeLogin(tok) {
		t.Fatal("fresh token refused")
	}
	if a.UseOneTimeLogin(tok) {
		t.Fatal("token accepted twice")
	}
	tok2 := strings.TrimPrefix(a.newOneTimeLogin(), "/login/once/")
	c.add(25 * time.Hour)
	if a.UseOneTimeLogin(tok2) {
		t.Fatal("expired token accepted")
	}
}

func TestAPITokens(t *testing.T) {
	a, _ := newTestAuth(t, nil)
	for tok, want := range map[string]bool{testToken: true, "": false, testToken + "x": false, "tok-0123456789abcde": false} {
		if got := a.CheckAPIToken(tok); got != want {
			t.Errorf("CheckAPIToken(%q)=%v, want %v", tok, got, want)
		}
	}
	if _, _, err := New(Config{DataDir: t.TempDir(), AdminPassword: "x", APITokens: []string{"short"}}); err == nil {
		t.Fatal("a 5-character API token was accepted")
	}
}

func TestAppsValidation(t *testing.T) {
	bad := [][]App{
		{{ID: "", ClientToken: "a"}},
		{{ID: "a", ClientToken: ""}},
		{{ID: "a", ClientToken: "t"}, {ID: "a", ClientToken: "u"}},
		{{ID: "a", ClientToken: "t"}, {ID: "b", ClientToken: "t"}},
		{{ID: "a", ClientToken: "t", AllowedOrigins: []string{"shop.example"}}},
		{{ID: "a", ClientToken: "t", AllowedOrigins: []string{"https://shop.example/path"}}},
		{{ID: "a", ClientToken: "t", AllowedOrigins: []string{"https://shop.*.example"}}},
	}
	for i, apps := range bad {
		if _, _, err := New(Config{DataDir: t.TempDir(), AdminPassword: "x", BcryptCost: bcrypt.MinCost, Apps: apps}); err == nil {
			t.Errorf("case %d: %+v accepted", i, apps)
		}
	}
	good := []App{{ID: "a", ClientToken: "t", AllowedOrigins: []string{"https://shop.example", "http://127.0.0.1:8080", "https://*.shop.example", "*"}}}
	if _, _, err := New(Config{DataDir: t.TempDir(), AdminPassword: "x", BcryptCost: bcrypt.MinCost, Apps: good}); err != nil {
		t.Fatalf("valid apps refused: %v", err)
	}
}

func TestCorruptStateFileIsAnError(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "auth.json"), []byte("{not json"), 0o600)
	if _, _, err := New(Config{DataDir: dir, BcryptCost: bcrypt.MinCost}); err == nil || !strings.Contains(err.Error(), "auth.json") {
		t.Fatalf("New over a corrupt file: %v, want an error naming auth.json", err)
	}
}

func TestSessionLoginLogout(t *testing.T) {
	a, c := newTestAuth(t, nil)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/login", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	if err := a.Login(rec, req); err != nil {
		t.Fatal(err)
	}
	ck := rec.Result().Cookies()[0]
	if !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteLaxMode || ck.Name != SessionCookie {
		t.Fatalf("cookie %+v: want HttpOnly, Secure (behind https), SameSite=Lax", ck)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(ck)
	if _, ok := a.session(r); !ok {
		t.Fatal("fresh session not found")
	}
	// A restart keeps the login.
	b, _, err := New(a.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := b.session(r); !ok {
		t.Fatal("session lost across restart")
	}
	if err := b.Logout(httptest.NewRecorder(), r); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.session(r); ok {
		t.Fatal("session still valid after logout")
	}
	// Expiry.
	rec = httptest.NewRecorder()
	a.Login(rec, httptest.NewRequest("POST", "/login", nil))
	plain := rec.Result().Cookies()[0]
	if plain.Secure {
		t.Fatal("Secure cookie over plain http would never be sent back")
	}
	r2 := httptest.NewRequest("GET", "/", nil)
	r2.AddCookie(plain)
	c.add(7*24*time.Hour + time.Second)
	if _, ok := a.session(r2); ok {
		t.Fatal("session valid after its TTL")
	}
}
