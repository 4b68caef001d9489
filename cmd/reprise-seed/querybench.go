package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
)

// queryBench times the explorers' typical queries against an existing data
// directory and prints p50/p95/max per query: the check behind "explorer
// p95 < 100 ms at 1M sessions".
func queryBench(ctx context.Context, dir string, rounds int) error {
	st, err := sqlite.Open(ctx, dir, sqlite.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now().UnixMilli()
	day := int64(24 * 3600_000)
	yes := true

	first, err := st.ListSessions(ctx, store.Filter{Limit: 50})
	if err != nil {
		return err
	}
	if len(first.Sessions) == 0 {
		return fmt.Errorf("no sessions in %s: seed first", dir)
	}
	sid := first.Sessions[0].ID
	views, err := st.SessionEvents(ctx, sid, rum.TypeView)
	if err != nil || len(views) == 0 {
		return fmt.Errorf("views of session %s: %d, %v", sid, len(views), err)
	}
	vid := views[0].ID

	type q struct {
		name string
		run  func() error
	}
	sessions := func(f store.Filter) func() error {
		return func() error { _, err := st.ListSessions(ctx, f); return err }
	}
	events := func(typ string, f store.Filter) func() error {
		return func() error { _, err := st.ListEvents(ctx, typ, f); return err }
	}
	hist := func(typ string, f store.Filter) func() error {
		return func() error { _, err := st.Histogram(ctx, typ, f, 48); return err }
	}
	queries := []q{
		{"sessions newest", sessions(store.Filter{})},
		{"sessions page 2", sessions(store.Filter{Cursor: first.NextCursor})},
		{"sessions last 24h", sessions(store.Filter{From: now - day, To: now})},
		{"sessions last 7d app", sessions(store.Filter{From: now - 7*day, To: now, App: "shop"})},
		{"sessions has error", sessions(store.Filter{HasError: &yes})},
		{"sessions has replay", sessions(store.Filter{HasReplay: &yes})},
		{"sessions browser", sessions(store.Filter{Browser: "Firefox"})},
		{"sessions device mobile", sessions(store.Filter{Device: "mobile"})},
		{"sessions user", sessions(store.Filter{User: "u00042"})},
		{"sessions by -duration", sessions(store.Filter{Sort: "-duration"})},
		{"sessions by -error_count", sessions(store.Filter{Sort: "-error_count"})},
		{"sessions text 'Ada.4'", sessions(store.Filter{Query: "Ada.4", From: now - day, To: now})},
		{"session get", func() error { _, err := st.GetSession(ctx, sid); return err }},
		{"session events", func() error { _, err := st.SessionEvents(ctx, sid); return err }},
		{"view's resources", events(rum.TypeResource, store.Filter{ViewID: vid})},
		{"session's errors", events(rum.TypeError, store.Filter{SessionID: sid})},
		{"views newest", events(rum.TypeView, store.Filter{})},
		{"views by -loading_time 24h", events(rum.TypeView, store.Filter{Sort: "-loading_time", From: now - day, To: now})},
		{"views url", events(rum.TypeView, store.Filter{URL: "/checkout", From: now - day, To: now})},
		{"errors newest", events(rum.TypeError, store.Filter{})},
		{"errors source network", events(rum.TypeError, store.Filter{ErrorSource: "network"})},
		{"errors text 24h", events(rum.TypeError, store.Filter{Query: "fetch", From: now - day, To: now})},
		{"resources 404", events(rum.TypeResource, store.Filter{StatusCode: 404})},
		{"resources by -duration 24h", events(rum.TypeResource, store.Filter{Sort: "-duration", From: now - day, To: now})},
		{"actions newest", events(rum.TypeAction, store.Filter{})},
		{"long tasks newest", events(rum.TypeLongTask, store.Filter{})},
		{"histogram sessions 7d", hist("session", store.Filter{From: now - 7*day, To: now})},
		{"histogram errors 24h", hist(rum.TypeError, store.Filter{From: now - day, To: now})},
		{"histogram sessions all", hist("session", store.Filter{})},
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "query\tp50 ms\tp95 ms\tmax ms\t")
	for _, q := range queries {
		var ds []time.Duration
		for range rounds {
			start := time.Now()
			if err := q.run(); err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
			ds = append(ds, time.Since(start))
		}
		slices.Sort(ds)
		ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", q.name, ms(ds[len(ds)/2]), ms(ds[(len(ds)*95+99)/100-1]), ms(ds[len(ds)-1]))
	}
	return tw.Flush()
}
