package ingest

import (
	"net/http"
	"testing"

	"github.com/reprise-rum/reprise/internal/auth"
	"github.com/reprise-rum/reprise/internal/config"
	"golang.org/x/crypto/bcrypt"
)

// With apps configured, the client token names the application; events and
// segments that claim another are refused (internal/auth Intake sets it).
func TestIntakeAppMustMatchClientToken(t *testing.T) {
	a, _, err := auth.New(auth.Config{DataDir: t.TempDir(), AdminPassword: "x", BcryptCost: bcrypt.MinCost,
		Apps: []auth.App{{ID: "app", ClientToken: "pub-app"}}})
	if err != nil {
		t.Fatal(err)
	}
	st := &memStore{}
	h := a.Intake(newMux(t, st, config.DefaultLimits(), true))

	// "app" is accepted, "other" rejected alone.
	mine := `{"type":"view","date":1700000000000,"application":{"id":"app"},"session":{"id":"s1"},"view":{"id":"v1","url":"https://shop.test/"}}`
	theirs := `{"type":"view","date":1700000000000,"application":{"id":"other"},"session":{"id":"s2"},"view":{"id":"v2","url":"https://shop.test/"}}`
	res := do(t, h, post("/v1/write/rum?client_token=pub-app", "text/plain", batch(mine, theirs)))
	if res.status != http.StatusAccepted || num(res.body["accepted"]) != 1 || num(res.body["rejected"]) != 1 || len(st.events) != 1 {
		t.Fatalf("mixed batch: %d %s, want one accepted, one rejected", res.status, res.raw)
	}

	seg := func(appID string) *http.Request {
		body, ct := multipartBody(t,
			part{name: "segment", filename: "s1", contentType: "application/octet-stream", data: zlibBytes(t, []byte(rrwebSegment))},
			part{name: "event", filename: "blob", contentType: "application/json",
				data: []byte(`{"application":{"id":"` + appID + `"},"session":{"id":"s1"},"view":{"id":"v1"},"start":1700000000000,"end":1700000000900,"records_count":3,"has_full_snapshot":true,"index_in_view":0,"format":"rrweb","raw_segment_size":1}`)},
		)
		return post("/v1/write/rum/replay?client_token=pub-app", ct, body)
	}
	if res := do(t, h, seg("other")); res.status != http.StatusForbidden || len(st.segments) != 0 {
		t.Fatalf("segment of another app: %d %s, want 403", res.status, res.raw)
	}
	if res := do(t, h, seg("app")); res.status != http.StatusAccepted || len(st.segments) != 1 {
		t.Fatalf("segment of the token's app: %d %s, want 202", res.status, res.raw)
	}
}
