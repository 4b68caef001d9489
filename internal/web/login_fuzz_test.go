package web

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzSafeNext: whatever ?next= holds, the redirect after login stays on
// this site: a path that no browser reads as another host.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/errors/e1?x=1", "//evil.example", "/\\evil.example", "https://evil.example/", "/%2F%2Fevil", "/\t/evil", "javascript:alert(1)", "/login?next=//x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") || strings.ContainsAny(got, "\r\n\t") {
			t.Fatalf("safeNext(%q)=%q leaves the site", next, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("safeNext(%q)=%q parses as %+v, %v", next, got, u, err)
		}
	})
}
