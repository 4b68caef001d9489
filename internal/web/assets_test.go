package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestStaticAssetsChecksummedAndImmutable(t *testing.T) {
	mux := newServer(t, fixture(), false)
	_, body := get(t, mux, "/explorer/sessions")
	css := regexp.MustCompile(`href="(/static/[0-9a-f]{16}/css/app.css)"`).FindStringSubmatch(body)
	js := regexp.MustCompile(`src="(/static/[0-9a-f]{16}/js/app.js)"`).FindStringSubmatch(body)
	if css == nil || js == nil {
		t.Fatalf("page does not link checksummed app.css and app.js")
	}
	res, got := get(t, mux, css[1])
	if res.StatusCode != http.StatusOK || !strings.Contains(got, ".sidebar") {
		t.Fatalf("GET %s: status=%d", css[1], res.StatusCode)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control=%q, want immutable", cc)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("Content-Type=%q", ct)
	}
	res, _ = get(t, mux, js[1])
	if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("app.js Content-Type=%q", ct)
	}
	// A page from before an upgrade still gets the file, but not cached forever.
	res, _ = get(t, mux, "/static/0000000000000000/css/app.css")
	if res.StatusCode != http.StatusOK || strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("stale checksum: status=%d Cache-Control=%q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	for _, p := range []string{"/static/x/css/nope.css", "/static/x/dist/README.md", "/static/x/web.go", "/static/x/static/css/app.css"} {
		if res, _ := get(t, mux, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status=%d, want 404", p, res.StatusCode)
		}
	}
}

func TestSDKBundle(t *testing.T) {
	h := &handler{assets: &assets{files: map[string]asset{
		"dist/reprise.js": {body: []byte("window.REPRISE={}"), sum: "abc", ctype: "text/javascript"},
	}}}
	rec := httptest.NewRecorder()
	h.sdkBundle("dist/reprise.js")(rec, httptest.NewRequest("GET", "/sdk/reprise.js", nil))
	if rec.Code != http.StatusOK || rec.Body.String() != "window.REPRISE={}" {
		t.Fatalf("status=%d body=%q", rec.Code, rec.Body.String())
	}
	for k, want := range map[string]string{"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300",
		"Content-Type": "text/javascript; charset=utf-8", "ETag": `"abc"`} {
		if got := rec.Header().Get(k); got != want {
			t.Errorf("%s=%q, want %q", k, got, want)
		}
	}
	req := httptest.NewRequest("GET", "/sdk/reprise.js", nil)
	req.Header.Set("If-None-Match", `"abc"`)
	rec = httptest.NewRecorder()
	h.sdkBundle("dist/reprise.js")(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: status=%d, want 304", rec.Code)
	}
	// Not built: a clear 404 that says how to build it.
	rec = httptest.NewRecorder()
	h.sdkBundle("dist/reprise.esm.js")(rec, httptest.NewRequest("GET", "/sdk/reprise.esm.js", nil))
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "make assets") {
		t.Errorf("missing bundle: status=%d body=%q", rec.Code, rec.Body.String())
	}
}

func TestSDKRoutesServeEmbeddedBundles(t *testing.T) {
	as, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	mux := newServer(t, fixture(), false)
	for _, name := range []string{"reprise.js", "reprise.esm.js"} {
		res, body := get(t, mux, "/sdk/"+name)
		a, built := as.files["dist/"+name]
		if !built {
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("/sdk/%s not built: status=%d, want 404", name, res.StatusCode)
			}
			continue
		}
		if res.StatusCode != http.StatusOK || body != string(a.body) {
			t.Errorf("/sdk/%s: status=%d, body is not the embedded bundle", name, res.StatusCode)
		}
	}
}

func TestDemoMountedOnlyInDemoMode(t *testing.T) {
	res, _ := get(t, newServer(t, fixture(), false), "/demo/")
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("demo off: /demo/ status=%d, want 404", res.StatusCode)
	}
	res, body := get(t, newServer(t, fixture(), true), "/demo/")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "/sdk/reprise.js") {
		t.Errorf("demo on: /demo/ status=%d, want the demo page loading the SDK", res.StatusCode)
	}
}
