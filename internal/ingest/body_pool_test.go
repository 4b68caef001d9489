package ingest

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"github.com/reprise-rum/reprise/internal/config"
)

// Inflated batches share pooled buffers: what a batch stored must stay
// intact while later batches are inflated into the same memory.
func TestRUMPooledBodiesDoNotLeakIntoStoredEvents(t *testing.T) {
	st := &memStore{}
	mux := newMux(t, st, config.DefaultLimits(), true)
	const requests = 20
	for i := range requests {
		var lines []string
		for j := range 10 {
			lines = append(lines, event("action", fmt.Sprintf("r%d-a%d", i, j), 1000+j))
		}
		req := post("/v1/write/rum", "text/plain", zlibBytes(t, batch(lines...)))
		req.Header.Set("Content-Encoding", "deflate")
		if res := do(t, mux, req); res.status != http.StatusAccepted {
			t.Fatalf("request %d: status %d: %s", i, res.status, res.raw)
		}
	}
	if len(st.events) != requests*10 {
		t.Fatalf("stored %d events, want %d", len(st.events), requests*10)
	}
	for k, ev := range st.events {
		id := fmt.Sprintf("r%d-a%d", k/10, k%10)
		if ev.ID != id || !bytes.Contains(ev.Raw, []byte(`"`+id+`"`)) {
			t.Fatalf("event %d: id %q raw %s, want %s", k, ev.ID, ev.Raw, id)
		}
	}
}
