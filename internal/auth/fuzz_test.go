package auth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// FuzzShareToken: no input but a token this Auth issued resolves, and the
// decoder never panics.
func FuzzShareToken(f *testing.F) {
	a, _, err := New(Config{DataDir: f.TempDir(), AdminPassword: "x", BcryptCost: bcrypt.MinCost})
	if err != nil {
		f.Fatal(err)
	}
	_, valid, _ := a.CreateShare("s1", time.Hour)
	for _, s := range []string{valid, "", ".", "..", "a.b.c", valid + "x", "AAAAAAAAAAAAAAAAAAAAAA.0.AAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"AAAAAAAAAAAAAAAAAAAAAA.ffffffffffffffff.AAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		sh, err := a.ResolveShare(tok)
		if err == nil && tok != valid {
			t.Fatalf("forged token %q resolved to %+v", tok, sh)
		}
	})
}

// FuzzClientToken: the token lookup reads any query without panicking, and
// with apps configured only the configured token passes.
func FuzzClientToken(f *testing.F) {
	a, _, err := New(Config{DataDir: f.TempDir(), AdminPassword: "x", BcryptCost: bcrypt.MinCost,
		Apps: []App{{ID: "shop", ClientToken: "pub-shop", AllowedOrigins: []string{"https://shop.example"}}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("client_token=pub-shop", "https://shop.example")
	f.Add("ddforward="+url.QueryEscape("/api/v2/rum?dd-api-key=pub-shop"), "")
	f.Add("ddforward=%zz&dd-api-key=", "null")
	f.Add("client_token=pub-shop", "https://shop.example.evil")
	f.Fuzz(func(t *testing.T, rawQuery, origin string) {
		r := httptest.NewRequest("POST", "/v1/write/rum", nil)
		r.URL.RawQuery = rawQuery
		r.Header.Set("Origin", origin)
		passed := false
		a.Intake(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { passed = true })).ServeHTTP(httptest.NewRecorder(), r)
		if passed && ClientToken(r) != "pub-shop" {
			t.Fatalf("query %q passed with token %q", rawQuery, ClientToken(r))
		}
		if o := strings.ToLower(strings.TrimSuffix(origin, "/")); passed && origin != "" && o != "https://shop.example" {
			t.Fatalf("origin %q passed", origin)
		}
	})
}

// FuzzShareTTL: the share request decoder never panics and never grants a
// lifetime outside MinShareTTL..MaxShareTTL.
func FuzzShareTTL(f *testing.F) {
	for _, s := range []string{"", `{}`, `{"expires_in":"24h"}`, `{"expires_in":"1s"}`, `{"expires_in":"-5m"}`, `{"expires_in":"99999h"}`, `{"expires_in":3}`, `[`, `{"expires_in":"1h","x":[1,2]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		d, err := shareTTL(httptest.NewRequest("POST", "/api/v1/sessions/s/share", strings.NewReader(body)))
		if err == nil && (d < MinShareTTL || d > MaxShareTTL) {
			t.Fatalf("body %q gave lifetime %v", body, d)
		}
	})
}
