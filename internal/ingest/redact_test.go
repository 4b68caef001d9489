package ingest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/redact"
)

func newRedactingMux(t *testing.T, st *memStore, policy redact.SegmentPolicy) (http.Handler, *Handler) {
	t.Helper()
	rd, err := redact.New(redact.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Limits: config.DefaultLimits(), Events: st, Segments: st, ReplayEnabled: true, Redactor: rd, SegmentPolicy: policy})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/write/rum", h.RUM)
	mux.HandleFunc("/v1/write/rum/replay", h.Replay)
	return mux, h
}

// What the SDK let through is redacted before it is stored, in Raw and in
// the indexed fields alike.
func TestRUMRedactsBeforeStoring(t *testing.T) {
	st := &memStore{}
	mux, h := newRedactingMux(t, st, redact.SegmentPolicy{})
	line := `{"type":"error","date":5,"session":{"id":"s"},"view":{"id":"v","url":"https://shop.test/?mail=ada%40x.test"},` +
		`"error":{"id":"e","message":"card 4111 1111 1111 1111 declined for ada@x.test"}}`
	res := do(t, mux, post("/v1/write/rum", "text/plain", []byte(line)))
	if res.status != http.StatusAccepted || len(st.events) != 1 {
		t.Fatalf("status %d: %s", res.status, res.raw)
	}
	ev := st.events[0]
	for _, text := range []string{string(ev.Raw), ev.Error.Message, ev.ViewURL} {
		if strings.Contains(text, "4111") || strings.Contains(text, "ada") {
			t.Errorf("stored unredacted: %s", text)
		}
	}
	if !strings.Contains(ev.Error.Message, redact.Marker(redact.PatternCard)) || ev.ID != "e" || ev.SessionID != "s" {
		t.Errorf("event after redaction: %+v", ev)
	}
	if n := h.Stats().Redactions; len(n) < 2 || n[0].Count != 1 || n[1].Count != 2 {
		t.Errorf("redaction counts %+v, want 1 card and 2 emails", n)
	}
}

func TestReplayPrivacyPolicy(t *testing.T) {
	st := &memStore{}
	mux, _ := newRedactingMux(t, st, redact.SegmentPolicy{Minimum: redact.LevelMaskUserInput})
	upload := func(level string) response {
		body, ct := multipartBody(t,
			part{name: "segment", filename: "s", contentType: "application/octet-stream", data: zlibBytes(t, []byte(rrwebSegment))},
			part{name: "event", filename: "blob", contentType: "application/json", data: segmentEventJSON(`,"format":"rrweb","privacy_level":"` + level + `"`)},
		)
		return do(t, mux, post("/v1/write/rum/replay", ct, body))
	}
	if res := upload("allow"); res.status != http.StatusForbidden || !strings.Contains(res.raw, "privacy") {
		t.Fatalf("allow-level segment: %d %s", res.status, res.raw)
	}
	if len(st.segments) != 0 {
		t.Fatal("stored a segment below the minimum privacy level")
	}
	if res := upload("mask"); res.status != http.StatusAccepted || len(st.segments) != 1 || st.segments[0].PrivacyLevel != "mask" {
		t.Fatalf("mask-level segment: %d %s", res.status, res.raw)
	}
}
