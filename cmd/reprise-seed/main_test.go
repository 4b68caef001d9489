package main

import (
	"compress/zlib"
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
)

func TestSeed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := config{dataDir: dir, sessions: 600, eventsPerSession: 10, days: 7, replayRatio: 0.5, seed: 3, workers: 2}
	if err := run(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(ctx, dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	page, err := st.ListSessions(ctx, store.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Sessions) != 600 {
		t.Fatalf("%d sessions, want 600", len(page.Sessions))
	}
	now := time.Now().UnixMilli()
	var replays, withErrors, events int
	for _, s := range page.Sessions {
		if s.Start < now-8*24*3600_000 || s.Start > now || s.ViewCount < 1 || s.Browser == "" || s.Duration <= 0 {
			t.Fatalf("implausible session %+v", s)
		}
		if s.HasReplay {
			replays++
		}
		if s.ErrorCount > 0 {
			withErrors++
		}
	}
	for _, typ := range rum.Types {
		p, _ := st.ListEvents(ctx, typ, store.Filter{})
		events += int(p.Total)
	}
	if replays < 200 || replays > 400 || withErrors == 0 || events < 600*5 {
		t.Fatalf("replays %d, sessions with errors %d, events %d", replays, withErrors, events)
	}
	// A seeded replay is a real, playable rrweb recording.
	yes := true
	rp, _ := st.ListSessions(ctx, store.Filter{HasReplay: &yes, Limit: 1})
	segs, err := st.Segments(ctx, rp.Sessions[0].ID, 0, 0)
	if err != nil || len(segs) != 1 {
		t.Fatalf("segments %d, %v", len(segs), err)
	}
	rc, err := st.OpenSegment(ctx, segs[0])
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zlib.NewReader(rc)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	var body struct{ Records []struct{ Type int } }
	if err := json.Unmarshal(b, &body); err != nil || len(body.Records) != 3 || body.Records[1].Type != 2 {
		t.Fatalf("seeded segment %s: %v", b, err)
	}
}
