package auth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

func intakeHandler(a *Auth) (http.Handler, *string) {
	var app string
	return a.Intake(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		app, _ = IntakeApp(r.Context())
		w.WriteHeader(http.StatusAccepted)
	})), &app
}

func TestIntakeOpenWithoutApps(t *testing.T) {
	a, _ := newTestAuth(t, nil)
	h, app := intakeHandler(a)
	r := httptest.NewRequest("POST", "/v1/write/rum", nil)
	r.Header.Set("Origin", "https://anything.example")
	if rec := serve(h, r); rec.Code != http.StatusAccepted || *app != "" {
		t.Fatalf("no apps configured: %d app=%q, want 202 and no app check", rec.Code, *app)
	}
	if err := CheckIntakeApp(r.Context(), "whatever"); err != nil {
		t.Fatalf("CheckIntakeApp without apps: %v", err)
	}
}

func TestIntakeChecksTokenAndOrigin(t *testing.T) {
	a, _ := newTestAuth(t, func(c *Config) {
		c.Apps = []App{
			{ID: "shop", ClientToken: "pub-shop", AllowedOrigins: []string{"https://shop.example", "https://*.cdn.example"}},
			{ID: "blog", ClientToken: "pub-blog"},
		}
	})
	h, app := intakeHandler(a)
	ddforward := "/api/v2/rum?ddsource=browser&dd-api-key=pub-shop&dd-evp-origin=browser"
	cases := []struct {
		name, target, origin, referer, header string
		want                                  int
		wantApp                               string
	}{
		{"our SDK", "/v1/write/rum?client_token=pub-shop", "https://shop.example", "", "", 202, "shop"},
		{"subdomain wildcard", "/v1/write/rum?client_token=pub-shop", "https://eu.cdn.example", "", "", 202, "shop"},
		{"datadog string proxy", "/v1/datadog?ddforward=" + url.QueryEscape(ddforward), "https://shop.example", "", "", 202, "shop"},
		{"datadog function proxy", "/v1/datadog/api/v2/rum?dd-api-key=pub-shop", "https://shop.example", "", "", 202, "shop"},
		{"header token, no origin (a script)", "/v1/write/rum", "", "", "pub-blog", 202, "blog"},
		{"any origin when the list is empty", "/v1/write/rum?client_token=pub-blog", "https://else.example", "", "", 202, "blog"},
		{"referer when no Origin", "/v1/write/rum?client_token=pub-shop", "", "https://shop.example/cart?x=1", "", 202, "shop"},
		{"missing token", "/v1/write/rum", "https://shop.example", "", "", 403, ""},
		{"unknown token", "/v1/write/rum?client_token=pub-nope", "https://shop.example", "", "", 403, ""},
		{"wrong origin", "/v1/write/rum?client_token=pub-shop", "https://evil.example", "", "", 403, ""},
		{"suffix is not a subdomain", "/v1/write/rum?client_token=pub-shop", "https://evilcdn.example", "", "", 403, ""},
		{"wrong scheme", "/v1/write/rum?client_token=pub-shop", "http://shop.example", "", "", 403, ""},
		{"wrong referer", "/v1/write/rum?client_token=pub-shop", "", "https://evil.example/", "", 403, ""},
		{"null origin", "/v1/write/rum?client_token=pub-shop", "null", "", "", 403, ""},
	}
	for _, c := range cases {
		*app = ""
		r := httptest.NewRequest("POST", c.target, nil)
		if c.origin != "" {
			r.Header.Set("Origin", c.origin)
		}
		if c.referer != "" {
			r.Header.Set("Referer", c.referer)
		}
		if c.header != "" {
			r.Header.Set("X-Reprise-Client-Token", c.header)
		}
		rec := serve(h, r)
		if rec.Code != c.want || *app != c.wantApp {
			t.Errorf("%s: %d app=%q, want %d app=%q (%s)", c.name, rec.Code, *app, c.want, c.wantApp, rec.Body)
		}
	}
	// Preflights pass: browsers send no credentials with them.
	if rec := serve(h, httptest.NewRequest("OPTIONS", "/v1/write/rum", nil)); rec.Code != 202 {
		t.Errorf("OPTIONS: %d", rec.Code)
	}
}

func TestCheckIntakeApp(t *testing.T) {
	a, _ := newTestAuth(t, func(c *Config) { c.Apps = []App{{ID: "shop", ClientToken: "pub-shop"}} })
	var errOther, errSame error
	h := a.Intake(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		errSame = CheckIntakeApp(r.Context(), "shop")
		errOther = CheckIntakeApp(r.Context(), "blog")
	}))
	serve(h, httptest.NewRequest("POST", "/v1/write/rum?client_token=pub-shop", nil))
	if errSame != nil || errOther == nil {
		t.Fatalf("CheckIntakeApp: same=%v other=%v, want nil and an error", errSame, errOther)
	}
}
