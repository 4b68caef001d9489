package web

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/reprise-rum/reprise/internal/store"
)

// segmentsReader is the shared fakeReader with a segment index.
type segmentsReader struct {
	*fakeReader
	segs []store.SegmentMeta
	err  error
}

func (r *segmentsReader) Segments(context.Context, string, int64, int64) ([]store.SegmentMeta, error) {
	return r.segs, r.err
}

func TestReplayShowPlayerPage(t *testing.T) {
	sess := store.Session{ID: "s-1", Start: 1_700_000_000_000, End: 1_700_000_230_000, Duration: 230_000,
		User: store.User{Name: "Ada </script><b>x"}, Browser: "Chrome", OS: "Linux", Device: "Desktop"}
	r := &segmentsReader{fakeReader: &fakeReader{sessions: []store.Session{sess}}, segs: []store.SegmentMeta{
		{ID: "g1", SessionID: "s-1", Start: 1_700_000_000_000, End: 1_700_000_009_000, HasFullSnapshot: true, RecordsCount: 12},
		{ID: "g2", SessionID: "s-1", Start: 1_700_000_010_000, End: 1_700_000_019_000, RecordsCount: 9},
	}}
	mux := newServer(t, r, false)

	res, body := get(t, mux, "/replay/s-1?t=25000")
	if got, want := res.StatusCode, http.StatusOK; got != want {
		t.Fatalf("status=%d, want %d: %s", got, want, body)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("CSP %q does not restrict scripts to 'self'", csp)
	}
	mustContain(t, body, `id="player"`, `data-session="s-1"`, `id="replayer"`, `id="rp-timeline"`, `id="rp-share"`,
		`id="rp-fold"`, `id="rp-skip"`, `data-speed="1.5"`, `id="rp-fullscreen"`, `href="/sessions/s-1"`, "dist/player.js", "css/player.css")
	if strings.Contains(body, "</script><b>x") {
		t.Error("the user name reached the page unescaped")
	}

	// The embedded index is JSON the player can parse: the session and every segment.
	m := regexp.MustCompile(`(?s)<script type="application/json" id="rp-index">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no embedded index")
	}
	var idx struct {
		Session  store.Session       `json:"session"`
		Segments []store.SegmentMeta `json:"segments"`
	}
	if err := json.Unmarshal([]byte(m[1]), &idx); err != nil {
		t.Fatalf("embedded index is not JSON: %v\n%s", err, html.UnescapeString(m[1]))
	}
	if got, want := idx.Session.User.Name, sess.User.Name; got != want {
		t.Errorf("index user=%q, want %q", got, want)
	}
	if got, want := len(idx.Segments), 2; got != want || !idx.Segments[0].HasFullSnapshot || idx.Segments[1].ID != "g2" {
		t.Errorf("index segments=%+v, want g1 (full snapshot), g2", idx.Segments)
	}
}

func TestReplayShowErrors(t *testing.T) {
	sess := store.Session{ID: "s-1", Start: 1}
	for _, tc := range []struct {
		name, target string
		segErr       error
		want         int
	}{
		{"unknown session", "/replay/nope", nil, http.StatusNotFound},
		{"negative t", "/replay/s-1?t=-5", nil, http.StatusBadRequest},
		{"t not a number", "/replay/s-1?t=soon", nil, http.StatusBadRequest},
		{"segment index fails", "/replay/s-1", errors.New("disk on fire"), http.StatusInternalServerError},
		{"no segments yet", "/replay/s-1", nil, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &segmentsReader{fakeReader: &fakeReader{sessions: []store.Session{sess}}, err: tc.segErr}
			res, body := get(t, newServer(t, r, false), tc.target)
			if got := res.StatusCode; got != tc.want {
				t.Fatalf("GET %s: status=%d, want %d", tc.target, got, tc.want)
			}
			if tc.want == http.StatusOK && !strings.Contains(body, `"segments":[]`) {
				t.Errorf("an empty index should list no segments, not null")
			}
			if strings.Contains(body, "disk on fire") {
				t.Error("internal error text reached the client")
			}
		})
	}
}
