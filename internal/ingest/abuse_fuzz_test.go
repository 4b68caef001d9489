package ingest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reprise-rum/reprise/internal/config"
)

// FuzzDatadogIntake drives the Datadog proxy endpoint end to end (ddforward
// routing, dd-evp-encoding, RUM batch or multipart segment) with any query,
// content type and body. Seeds are the requests Datadog's SDK 7.16.2 sent,
// from testdata. Whatever comes in, the answer is a JSON status Reprise
// documents, and what is stored never exceeds the limits.
func FuzzDatadogIntake(f *testing.F) {
	metas, _ := filepath.Glob("testdata/datadog-7.16.2/*/*.meta.json")
	if len(metas) == 0 {
		f.Fatal("no Datadog fixtures in testdata")
	}
	for _, mp := range metas {
		var meta struct{ URL, ContentType string }
		b, err := os.ReadFile(mp)
		if err != nil {
			f.Fatal(err)
		}
		if err := json.Unmarshal(b, &meta); err != nil {
			f.Fatal(err)
		}
		body, err := os.ReadFile(strings.TrimSuffix(mp, ".meta.json") + ".body")
		if err != nil {
			f.Fatal(err)
		}
		u, _ := url.Parse(meta.URL)
		f.Add(u.RawQuery, meta.ContentType, body)
	}
	f.Add("ddforward=%2Fapi%2Fv2%2Flogs", "text/plain", []byte("{}"))
	f.Add("ddforward=%2Fapi%2Fv2%2Frum%3Fdd-evp-encoding%3Dbr", "text/plain", []byte{0x78, 0x9c})
	f.Add("", "", []byte(nil))

	lim := config.DefaultLimits()
	lim.MaxBodyBytes = 1 << 16
	lim.MaxDecompressedBytes = 1 << 18
	lim.MaxEventsPerBatch = 20
	lim.MaxRecordsPerSegment = 50
	allowed := map[int]bool{202: true, 400: true, 404: true, 413: true, 415: true}
	f.Fuzz(func(t *testing.T, query, contentType string, body []byte) {
		st := &memStore{}
		mux := newMux(t, st, lim, true)
		req := post("/v1/datadog", contentType, body)
		req.URL.RawQuery = query
		res := do(t, mux, req)
		if !allowed[res.status] {
			t.Fatalf("status %d for query %q type %q: %s", res.status, query, contentType, res.raw)
		}
		if res.status != http.StatusAccepted && res.body["error"] == nil {
			t.Fatalf("%d without a JSON error: %s", res.status, res.raw)
		}
		if len(st.events) > lim.MaxEventsPerBatch || len(st.segments) > 1 {
			t.Fatalf("stored %d events and %d segments from one request", len(st.events), len(st.segments))
		}
		for _, m := range st.segments {
			if m.RecordsCount == 0 || m.RecordsCount > lim.MaxRecordsPerSegment || m.SessionID == "" {
				t.Fatalf("stored segment %+v", m)
			}
		}
	})
}
