package server

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/store"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
)

// postSession stores two events and one replay segment of session id.
func postSession(tb testing.TB, s *Server, id string) {
	tb.Helper()
	body := rumEvent("view", id, "v-"+id, 1_700_000_000_000) + "\n" + rumEvent("error", id, "e-"+id, 1_700_000_000_500) + "\n"
	if res := send(tb, s, http.MethodPost, "/v1/write/rum", "text/plain", []byte(body)); res.status != http.StatusAccepted {
		tb.Fatalf("rum intake: %d %s", res.status, res.raw)
	}
	form, ct := multipartOf(tb,
		part{name: "segment", filename: id + "-1", contentType: "application/octet-stream", data: string(segmentBytes(id))},
		part{name: "event", filename: "blob", contentType: "application/json", data: `{"application":{"id":"app"},"session":{"id":"` + id + `"},"view":{"id":"v-` + id + `"},"start":1700000000000,"end":1700000000001,"records_count":2,"has_full_snapshot":true,"index_in_view":0,"source":"browser","format":"rrweb","privacy_level":"mask-user-input"}`},
	)
	if res := send(tb, s, http.MethodPost, "/v1/write/rum/replay", ct, form); res.status != http.StatusAccepted {
		tb.Fatalf("replay intake: %d %s", res.status, res.raw)
	}
}

// segmentBytes is the stored (compressed) segment of session id: its page URL
// names the session, so each session's bytes are distinct on disk.
func segmentBytes(id string) []byte {
	seg := `{"records":[{"type":4,"timestamp":1700000000000,"data":{"href":"https://x.test/` + id + `","width":800,"height":600}},{"type":2,"timestamp":1700000000001,"data":{"node":{"type":0,"id":1,"childNodes":[]},"initialOffset":{"top":0,"left":0}}}]}`
	return zlibOf([]byte(seg))
}

// onDisk reports whether b occurs in any file of the data directory.
func onDisk(tb testing.TB, dir string, b []byte) bool {
	tb.Helper()
	found := false
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, err := os.ReadFile(p); err == nil && bytes.Contains(data, b) {
				found = true
			}
		}
		return nil
	})
	return found
}

func TestDeleteSessionAPI(t *testing.T) {
	dir := t.TempDir()
	s := newTestServer(t, func(c *config.Config) { c.DataDir = dir })
	postSession(t, s, "s-erase")
	postSession(t, s, "s-keep")
	if !onDisk(t, dir, segmentBytes("s-erase")) {
		t.Fatal("before: the segment is not on disk as sent")
	}
	if res := get(t, s, "/api/v1/sessions/s-erase"); res.status != http.StatusOK {
		t.Fatalf("before: GET session = %d %s", res.status, res.raw)
	}

	res := send(t, s, http.MethodDelete, "/api/v1/sessions/s-erase", "", nil)
	if res.status != http.StatusOK || !strings.Contains(string(res.raw), `"deleted":true`) {
		t.Fatalf("DELETE = %d %s", res.status, res.raw)
	}
	for _, p := range []string{"/api/v1/sessions/s-erase", "/api/v1/errors/e-s-erase"} {
		if res := get(t, s, p); res.status != http.StatusNotFound {
			t.Errorf("after: GET %s = %d %s, want 404", p, res.status, res.raw)
		}
	}
	if res := get(t, s, "/api/v1/sessions/s-erase/events"); strings.Contains(string(res.raw), "e-s-erase") {
		t.Errorf("after: events still served: %s", res.raw)
	}
	if res := get(t, s, "/api/v1/sessions/s-erase/segments"); strings.Contains(string(res.raw), `"session_id":"s-erase"`) {
		t.Errorf("after: segments still listed: %s", res.raw)
	}
	// Its replay bytes are gone from the blob file it shares with the other
	// session, which is untouched, replay included.
	if onDisk(t, dir, segmentBytes("s-erase")) {
		t.Error("after: the erased session's segment bytes are still on disk")
	}
	if res := get(t, s, "/api/v1/sessions/s-keep/replay"); res.status != http.StatusOK || !strings.Contains(string(res.raw), "x.test/s-keep") {
		t.Errorf("other session's replay: %d %s", res.status, res.raw)
	}
	postSession(t, s, "s-later") // appends still work after the scrub rolled the file
	if res := get(t, s, "/api/v1/sessions/s-later/replay"); res.status != http.StatusOK || !strings.Contains(string(res.raw), "x.test/s-later") {
		t.Errorf("replay stored after the erasure: %d %s", res.status, res.raw)
	}
	if res := send(t, s, http.MethodDelete, "/api/v1/sessions/s-erase", "", nil); res.status != http.StatusNotFound {
		t.Errorf("second DELETE = %d, want 404", res.status)
	}
}

func TestDeleteSessionsCommand(t *testing.T) {
	cfg := config.Default()
	dir := t.TempDir()
	cfg.DataDir = dir
	st, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Deps{Config: cfg, Store: st, Logger: quiet, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	postSession(t, s, "only")
	if err := st.Close(); err != nil { // as `reprise delete` wants: serve stopped
		t.Fatal(err)
	}
	blobs, _ := filepath.Glob(filepath.Join(dir, "segments", "*"))
	if len(blobs) == 0 {
		t.Fatal("no blob file written")
	}

	if err := DeleteSessions(context.Background(), cfg, []string{"only"}); err != nil {
		t.Fatal(err)
	}
	// The session had its blob file to itself: the bytes are gone too.
	for _, b := range blobs {
		if _, err := os.Stat(b); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("blob file %s still there (%v)", b, err)
		}
	}
	st, err = sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.GetSession(context.Background(), "only"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetSession after delete: %v, want ErrNotFound", err)
	}
	if err := DeleteSessions(context.Background(), cfg, []string{"only"}); err == nil {
		t.Error("deleting an unknown session: no error")
	}
}

// An erasure leaves no copy of the deleted text in the database, its free
// pages or its WAL, while the server keeps running.
func TestDeleteSessionLeavesNoBytes(t *testing.T) {
	dir := t.TempDir()
	s := newTestServer(t, func(c *config.Config) { c.DataDir = dir })
	line := `{"type":"error","date":1700000000000,"application":{"id":"shop"},"session":{"id":"zz"},"view":{"id":"zv","url":"https://shop.test/"},"error":{"id":"ze","message":"ErasureMarkerWombat"}}`
	if res := send(t, s, http.MethodPost, "/v1/write/rum", "text/plain", []byte(line)); res.status != http.StatusAccepted {
		t.Fatalf("intake: %d %s", res.status, res.raw)
	}
	if res := send(t, s, http.MethodDelete, "/api/v1/sessions/zz", "", nil); res.status != http.StatusOK {
		t.Fatalf("DELETE = %d %s", res.status, res.raw)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // a directory
		}
		if bytes.Contains(b, []byte("ErasureMarkerWombat")) {
			t.Errorf("%s still holds the deleted text", filepath.Base(f))
		}
	}
}

// The text indexes drop a deleted row's trigrams at once (FTS5 secure-delete),
// rather than keeping them in their segments until a merge.
func TestDeleteSessionSecureDeletesTextIndexes(t *testing.T) {
	dir := t.TempDir()
	s := newTestServer(t, func(c *config.Config) { c.DataDir = dir })
	postSession(t, s, "fts")
	if res := send(t, s, http.MethodDelete, "/api/v1/sessions/fts", "", nil); res.status != http.StatusOK {
		t.Fatalf("DELETE = %d %s", res.status, res.raw)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "reprise.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, fts := range []string{"sessions_fts", "views_fts", "actions_fts", "errors_fts", "resources_fts"} {
		var v string
		if err := db.QueryRow(`SELECT v FROM ` + fts + `_config WHERE k = 'secure-delete'`).Scan(&v); err != nil || v != "1" {
			t.Errorf("%s secure-delete = %q, %v; want 1", fts, v, err)
		}
	}
}

// TestOfflineCommandsRefuseALiveDataDir: gc and delete open the store only
// when no other process (a running serve) holds the data directory.
func TestOfflineCommandsRefuseALiveDataDir(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Retention.MaxAge = config.Duration(time.Hour)
	unlock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if err := DeleteSessions(context.Background(), cfg, []string{"s1"}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("DeleteSessions on a locked dir: err=%v, want 'in use'", err)
	}
	if _, err := GC(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("GC on a locked dir: err=%v, want 'in use'", err)
	}
}
