package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
)

// reprise gc --older-than removes what ended before now minus the age, with
// its segment bytes, and keeps the rest.
func TestGCOlderThan(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, dir, sqlite.Options{MaxBlobFileSize: 32 << 10})
	if err != nil {
		t.Fatal(err)
	}
	for i, when := range []time.Time{time.Now().Add(-72 * time.Hour), time.Now().Add(-time.Minute)} {
		id := fmt.Sprintf("gc-%d", i)
		ev := rum.Event{Type: rum.TypeView, ID: "v-" + id, ViewID: "v-" + id, SessionID: id, Date: when.UnixMilli(), View: &rum.ViewFields{}, Raw: []byte(`{}`)}
		if err := st.AppendEvents(ctx, []rum.Event{ev}); err != nil {
			t.Fatal(err)
		}
		meta := store.SegmentMeta{SessionID: id, Start: when.UnixMilli(), End: when.UnixMilli() + 1, Format: "rrweb", RecordsCount: 1}
		if err := st.AppendSegment(ctx, meta, bytes.Repeat([]byte{'x'}, 30<<10)); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	for _, args := range [][]string{{"--older-than", "48h"}, {"--older-than=48h"}} {
		var out, errOut bytes.Buffer
		if code := run(append([]string{"gc", "--data-dir", dir}, args...), noEnv, &out, &errOut); code != 0 {
			t.Fatalf("gc %v: %d %s", args, code, errOut.String())
		}
		if !strings.Contains(out.String(), "removed ") || !strings.Contains(out.String(), "MiB -> ") {
			t.Fatalf("gc output %q", out.String())
		}
	}
	st, err = sqlite.Open(ctx, dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.GetSession(ctx, "gc-0"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("old session after gc: %v", err)
	}
	if _, err := st.GetSession(ctx, "gc-1"); err != nil {
		t.Errorf("recent session after gc: %v", err)
	}
}

func TestOlderThanAlias(t *testing.T) {
	got := olderThanAlias([]string{"--config", "x.toml", "--older-than", "1h", "-older-than=2h", "--older-thanx"})
	want := []string{"--config", "x.toml", "--retention-max-age", "1h", "--retention-max-age=2h", "--older-thanx"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("olderThanAlias = %q, want %q", got, want)
	}
}
