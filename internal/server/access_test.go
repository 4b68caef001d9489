package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/auth"
	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
	"golang.org/x/crypto/bcrypt"
)

const accessToken = "server-test-token-0123456789"

// newGuardedServer is the server as Run assembles it: behind the login.
func newGuardedServer(tb testing.TB, mutate func(*config.Config)) *Server {
	tb.Helper()
	cfg := config.Default()
	cfg.DataDir = tb.TempDir()
	cfg.Demo = true
	cfg.Auth = config.Auth{AdminPassword: "pw", APITokens: []string{accessToken}}
	if mutate != nil {
		mutate(&cfg)
	}
	st, err := sqlite.Open(context.Background(), cfg.DataDir, sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	apps := make([]auth.App, len(cfg.Apps))
	for i, a := range cfg.Apps {
		apps[i] = auth.App{ID: a.ID, ClientToken: a.ClientToken, AllowedOrigins: a.AllowedOrigins}
	}
	au, _, err := auth.New(auth.Config{DataDir: cfg.DataDir, AdminPassword: cfg.Auth.AdminPassword, APITokens: cfg.Auth.APITokens,
		Apps: apps, BcryptCost: bcrypt.MinCost, Logger: quiet})
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := New(Deps{Config: cfg, Store: st, Logger: quiet, Version: "test", Auth: au})
	if err != nil {
		tb.Fatal(err)
	}
	return srv
}

func TestRoutesBehindLogin(t *testing.T) {
	s := newGuardedServer(t, nil)
	now := time.Now().UnixMilli()
	if r := send(t, s, "POST", "/v1/write/rum", "text/plain", []byte(rumEvent("view", "s1", "v1", now))); r.status != http.StatusAccepted {
		t.Fatalf("intake without apps: %d %s", r.status, r.raw)
	}
	for _, p := range []string{"/healthz", "/sdk/reprise.js", "/login", "/demo/"} {
		if r := get(t, s, p); r.status != http.StatusOK {
			t.Errorf("public %s: %d", p, r.status)
		}
	}
	for _, p := range []string{"/api/v1/sessions", "/api/v1/sessions/s1/replay", "/api/v1/nope", "/static/../api/v1/sessions"} {
		if r := get(t, s, p); r.status != http.StatusUnauthorized && r.status != http.StatusSeeOther {
			t.Errorf("anonymous %s: %d, want refused", p, r.status)
		}
	}
	for _, p := range []string{"/explorer/sessions", "/sessions/s1", "/replay/s1", "/debug/pprof/", "/anything"} {
		if r := get(t, s, p); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
			t.Errorf("anonymous %s: %d %q, want a redirect to the login", p, r.status, r.header.Get("Location"))
		}
	}
	authz := []string{"Authorization", "Bearer " + accessToken}
	if r := send(t, s, "GET", "/api/v1/sessions", "", nil, authz...); r.status != http.StatusOK {
		t.Fatalf("API token: %d %s", r.status, r.raw)
	}
	// Share links through the API token, then the share page without login.
	r := send(t, s, "POST", "/api/v1/sessions/s1/share", "application/json", []byte(`{"expires_in":"1h"}`), authz...)
	if r.status != http.StatusCreated {
		t.Fatalf("create share: %d %s", r.status, r.raw)
	}
	url, _ := r.json(t)["url"].(string)
	sharePath := url[strings.Index(url, "/share/"):]
	if r := get(t, s, sharePath); r.status != http.StatusOK || !strings.Contains(r.header.Get("Set-Cookie"), auth.ShareCookie) {
		t.Fatalf("share page: %d", r.status)
	}
	if r := send(t, s, "POST", "/api/v1/sessions/nope/share", "", nil, authz...); r.status != http.StatusNotFound {
		t.Errorf("share of an unknown session: %d, want 404", r.status)
	}
	list := send(t, s, "GET", "/api/v1/sessions/s1/shares", "", nil, authz...).json(t)
	shares, _ := list["shares"].([]any)
	if len(shares) != 1 {
		t.Fatalf("shares: %v", list)
	}
	id := shares[0].(map[string]any)["id"].(string)
	if r := send(t, s, "DELETE", "/api/v1/sessions/s1/shares/"+id, "", nil, authz...); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.raw)
	}
	if r := get(t, s, sharePath); r.status != http.StatusForbidden {
		t.Fatalf("revoked share page: %d, want 403", r.status)
	}
}

func TestIntakeAppsConfigured(t *testing.T) {
	s := newGuardedServer(t, func(c *config.Config) {
		c.Apps = []config.App{{ID: "shop", ClientToken: "pub-shop", AllowedOrigins: []string{"https://shop.test"}}}
	})
	body := []byte(rumEvent("view", "s1", "v1", time.Now().UnixMilli()))
	for _, tc := range []struct {
		target, origin string
		want           int
	}{
		{"/v1/write/rum?client_token=pub-shop", "https://shop.test", 202},
		{"/v1/write/rum?client_token=pub-shop", "https://evil.test", 403},
		{"/v1/write/rum?client_token=pub-other", "https://shop.test", 403},
		{"/v1/write/rum", "https://shop.test", 403},
		{"/v1/datadog/api/v2/rum?dd-api-key=pub-shop", "https://shop.test", 202},
	} {
		r := send(t, s, "POST", tc.target, "text/plain", body, "Origin", tc.origin)
		if r.status != tc.want {
			t.Errorf("%s from %s: %d %s, want %d", tc.target, tc.origin, r.status, r.raw, tc.want)
		}
	}
	// A preflight needs no token; a GET is still told intake is POST only.
	if r := send(t, s, "OPTIONS", "/v1/write/rum", "", nil, "Origin", "https://shop.test"); r.status != http.StatusNoContent {
		t.Errorf("preflight: %d", r.status)
	}
	if r := get(t, s, "/v1/write/rum"); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET intake: %d", r.status)
	}
}
