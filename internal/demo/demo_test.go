package demo

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// get requests path through the handler mounted the way the web package mounts it.
func get(t *testing.T, path string) *http.Response {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/demo/", http.StripPrefix("/demo", Handler()))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b)
}

var pages = []string{"/demo/", "/demo/orders.html"}

func TestPagesServedWithStrictCSP(t *testing.T) {
	for _, p := range pages {
		res := get(t, p)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d, want 200", p, res.StatusCode)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: Content-Type %q, want text/html", p, ct)
		}
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self';") {
			t.Errorf("GET %s: CSP %q lacks script-src 'self'", p, csp)
		}
	}
}

var (
	scriptTag = regexp.MustCompile(`(?is)<script([^>]*)>(.*?)</script>`)
	srcAttr   = regexp.MustCompile(`(?i)\b(?:src|href)="(/[^"]*)"`)
	idAttr    = regexp.MustCompile(`\bid="([^"]+)"`)
)

// The CSP forbids inline scripts and handlers, so the pages must have none, and
// every script must load the SDK before the demo code that calls it.
func TestNoInlineScripts(t *testing.T) {
	for _, p := range pages {
		html := body(t, get(t, p))
		tags := scriptTag.FindAllStringSubmatch(html, -1)
		if len(tags) == 0 {
			t.Fatalf("%s: no <script> tags", p)
		}
		for _, m := range tags {
			if !strings.Contains(m[1], "src=") || strings.TrimSpace(m[2]) != "" {
				t.Errorf("%s: inline script %q", p, m[0])
			}
		}
		if !strings.Contains(tags[0][1], `src="/sdk/reprise.js"`) {
			t.Errorf("%s: first script is %q, want the SDK /sdk/reprise.js", p, tags[0][1])
		}
		if regexp.MustCompile(`(?i)\son[a-z]+=`).MatchString(html) {
			t.Errorf("%s: has an inline event handler attribute", p)
		}
	}
}

// Every /demo/ asset a page refers to must exist with a type the browser accepts
// under X-Content-Type-Options: nosniff.
func TestReferencedAssetsExist(t *testing.T) {
	wantType := map[string]string{".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".json": "application/json"}
	for _, p := range pages {
		for _, m := range srcAttr.FindAllStringSubmatch(body(t, get(t, p)), -1) {
			ref := m[1]
			if !strings.HasPrefix(ref, "/demo/") {
				continue // /sdk/ and /explorer/ belong to the server, not the demo
			}
			res := get(t, ref)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s refers to %s: status %d", p, ref, res.StatusCode)
				continue
			}
			for ext, ct := range wantType {
				if strings.HasSuffix(ref, ext) && !strings.HasPrefix(res.Header.Get("Content-Type"), ct) {
					t.Errorf("%s: Content-Type %q, want %s", ref, res.Header.Get("Content-Type"), ct)
				}
			}
		}
	}
}

// The end-to-end tests find elements by these ids in the browser and in the replay.
func TestStableIDs(t *testing.T) {
	want := map[string][]string{
		"/demo/": {"signin-username", "signin-email", "signin-password", "signin-note", "signin-submit",
			"signin-status", "sort-price", "catalog-table", "catalog-status", "catalog-search", "catalog-filter-status", "open-cart", "close-cart",
			"cart-modal", "load-stock", "stock-status", "nav-orders"},
		"/demo/orders.html": {"apply-coupon", "coupon-status", "orders-table", "sort-total", "nav-shop", "billing-address", "billing-card"},
	}
	for p, ids := range want {
		html := body(t, get(t, p))
		seen := map[string]int{}
		for _, m := range idAttr.FindAllStringSubmatch(html, -1) {
			seen[m[1]]++
		}
		for id, n := range seen {
			if n > 1 {
				t.Errorf("%s: id %q used %d times", p, id, n)
			}
		}
		for _, id := range ids {
			if seen[id] == 0 {
				t.Errorf("%s: missing id %q", p, id)
			}
		}
	}
}

func TestItemsJSON(t *testing.T) {
	res := get(t, "/demo/api/items.json")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", res.StatusCode)
	}
	var data struct {
		Warehouse string
		Items     []struct {
			SKU   string
			Name  string
			Stock int
		}
	}
	if err := json.Unmarshal([]byte(body(t, res)), &data); err != nil {
		t.Fatalf("decode items.json: %v", err)
	}
	if got, want := len(data.Items), 5; got != want {
		t.Fatalf("len(items)=%d, want %d", got, want)
	}
	if data.Warehouse == "" || data.Items[0].Name == "" {
		t.Fatalf("items.json incomplete: %+v", data)
	}
}

func TestUnknownPathIs404(t *testing.T) {
	if res := get(t, "/demo/nope.html"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d, want 404", res.StatusCode)
	}
}
