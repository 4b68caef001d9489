package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/reprise-rum/reprise/internal/config"
)

// segmentAt posts a one-record segment of app recorded at level.
func segmentAt(tb testing.TB, s *Server, app, level string) result {
	tb.Helper()
	seg := `{"records":[{"type":4,"timestamp":1700000000000,"data":{"href":"https://x.test/","width":800,"height":600}}]}`
	form, ct := multipartOf(tb,
		part{name: "segment", filename: "s-1", contentType: "application/octet-stream", data: string(zlibOf([]byte(seg)))},
		part{name: "event", filename: "blob", contentType: "application/json", data: `{"application":{"id":"` + app + `"},"session":{"id":"s-` + app + `"},"view":{"id":"v"},"start":1700000000000,"end":1700000000000,"records_count":1,"format":"rrweb","privacy_level":"` + level + `"}`},
	)
	return send(tb, s, http.MethodPost, "/v1/write/rum/replay", ct, form)
}

// Private by default: a replay recorded with inputs shown is refused unless
// the operator lowers the minimum, globally or for one application.
func TestReplayPrivacyMinimum(t *testing.T) {
	s := newTestServer(t, nil)
	if res := segmentAt(t, s, "shop", "allow"); res.status != http.StatusForbidden || !strings.Contains(string(res.raw), "mask-user-input") {
		t.Fatalf("allow under the default minimum: %d %s", res.status, res.raw)
	}
	for _, level := range []string{"mask-user-input", "mask", ""} {
		if res := segmentAt(t, s, "shop", level); res.status != http.StatusAccepted {
			t.Errorf("level %q: %d %s", level, res.status, res.raw)
		}
	}

	s = newTestServer(t, func(c *config.Config) {
		c.Redact.MinReplayPrivacyLevel = "allow"
		c.Apps = []config.App{{ID: "bank", MinReplayPrivacyLevel: "mask"}}
	})
	if res := segmentAt(t, s, "lab", "allow"); res.status != http.StatusAccepted {
		t.Errorf("lab, allow, no minimum: %d %s", res.status, res.raw)
	}
	if res := segmentAt(t, s, "bank", "mask-user-input"); res.status != http.StatusForbidden {
		t.Errorf("bank below its own minimum: %d %s", res.status, res.raw)
	}
}

func TestRedactionMetrics(t *testing.T) {
	s := newTestServer(t, nil)
	m := string(get(t, s, "/metrics").raw)
	if !strings.Contains(m, `reprise_redactions_total{pattern="card"} 0`) || !strings.Contains(m, `reprise_redactions_total{pattern="email"} 0`) {
		t.Fatalf("metrics before any redaction:\n%s", grepLines(m, "redactions"))
	}
	line := `{"type":"error","date":1700000000000,"application":{"id":"shop"},"session":{"id":"ms"},"view":{"id":"mv","url":"https://shop.test/?e=ann%40shop.test"},` +
		`"error":{"id":"me","message":"cards 4111111111111111 and 5500 0000 0000 0004; order 4111111111111112"}}`
	if res := send(t, s, http.MethodPost, "/v1/write/rum", "text/plain", []byte(line)); res.status != http.StatusAccepted {
		t.Fatalf("intake: %d %s", res.status, res.raw)
	}
	m = string(get(t, s, "/metrics").raw)
	if !strings.Contains(m, `reprise_redactions_total{pattern="card"} 2`) || !strings.Contains(m, `reprise_redactions_total{pattern="email"} 1`) {
		t.Fatalf("metrics after one event:\n%s", grepLines(m, "redactions"))
	}
	// The Luhn-failing order number stayed.
	if res := get(t, s, "/api/v1/errors/me"); !strings.Contains(string(res.raw), "order 4111111111111112") {
		t.Fatalf("order number redacted: %s", res.raw)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
