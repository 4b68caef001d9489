package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

var (
	apps      = []string{"shop", "shop", "shop", "admin", "blog"}
	envs      = []string{"prod", "prod", "prod", "staging"}
	versions  = []string{"1.4.0", "1.4.1", "1.5.0", "2.0.0-rc.1"}
	firstName = []string{"Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Tim", "Radia"}
	pages     = []string{"/", "/products", "/products/42", "/products/7?color=red", "/cart", "/checkout", "/checkout/pay",
		"/account", "/search?q=shoes", "/blog/2026/hello", "/admin/orders", "/admin/users/17", "/help"}
	agents = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
		"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36",
		"Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
	}
	errorMessages = []string{"TypeError: Cannot read properties of undefined (reading 'id')", "Failed to fetch",
		"ReferenceError: gtag is not defined", "Uncaught (in promise) Error: 500 Internal Server Error",
		"Script error.", "ResizeObserver loop completed with undelivered notifications."}
	errorSources  = []string{"source", "network", "console", "custom"}
	targets       = []string{"Add to cart", "Checkout", "Search", "Sign in", "Next page", "Pay now", "Menu", "Close"}
	resourceTypes = []string{"fetch", "xhr", "js", "css", "image", "font", "document"}
	statusCodes   = []int{200, 200, 200, 200, 200, 200, 200, 304, 404, 500}
)

type generator struct {
	cfg config
	now int64
	r   *rand.Rand
}

func newGenerator(cfg config, now int64, r *rand.Rand) *generator {
	return &generator{cfg: cfg, now: now, r: r}
}

func (g *generator) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g *generator) id() string {
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", g.r.Uint32(), g.r.Uint32()&0xffff, g.r.Uint32()&0xffff,
		g.r.Uint32()&0xffff, g.r.Uint64()&0xffffffffffff)
}

// session generates one session's events in time order, and its replay
// segment's metadata if it has one.
func (g *generator) session(i int) ([]rum.Event, *store.SegmentMeta) {
	sid := g.id()
	app := g.pick(apps)
	// Starts rise with i (plus jitter), as ingest sees them: newest last.
	span := max(int64(g.cfg.days)*24*3600_000, 1)
	step := span / int64(max(g.cfg.sessions, 1))
	start := g.now - span + int64(i)*step + g.r.Int64N(max(step, 1)*4+1)
	start = min(start, g.now-1)
	base := rum.Event{AppID: app, SessionID: sid, Service: app + "-web", Env: g.pick(envs), Version: g.pick(versions),
		Source: "browser", UserAgent: g.pick(agents)}
	if g.r.IntN(10) < 7 {
		u := g.r.IntN(20_000)
		name := g.pick(firstName)
		base.UserID, base.UserName, base.UserEmail = fmt.Sprintf("u%05d", u), name, fmt.Sprintf("%s.%d@example.com", name, u)
	}
	replay := g.r.Float64() < g.cfg.replayRatio
	base.HasReplay = replay

	n := max(1, g.cfg.eventsPerSession/2+g.r.IntN(g.cfg.eventsPerSession+1))
	nViews := max(1, n/5)
	var evs []rum.Event
	t := start
	for v := range nViews {
		view := base
		view.Type, view.ID, view.Date = rum.TypeView, g.id(), t
		view.ViewID = view.ID
		view.ViewURL = "https://" + app + ".example" + g.pick(pages)
		view.DocumentVersion = int64(2 + g.r.IntN(8))
		spent := int64(2_000 + g.r.IntN(120_000))
		view.View = &rum.ViewFields{
			LoadingTime: int64(200+g.r.IntN(4000)) * 1e6, FirstContentfulPaint: int64(100+g.r.IntN(2000)) * 1e6,
			LargestContentfulPaint: int64(300+g.r.IntN(5000)) * 1e6, CumulativeLayoutShift: float64(g.r.IntN(300)) / 1000,
			InteractionToNextPaint: int64(16+g.r.IntN(500)) * 1e6, TimeToFirstByte: int64(20+g.r.IntN(800)) * 1e6,
			TimeSpent: spent * 1e6,
		}
		// This view's share of the other events, spread over its time.
		share := (n - nViews) / nViews
		if v == nViews-1 {
			share = n - nViews - share*(nViews-1)
		}
		var children []rum.Event
		for range share {
			e := base
			e.ViewID, e.ViewURL, e.ID = view.ID, view.ViewURL, g.id()
			e.Date = t + g.r.Int64N(spent)
			switch k := g.r.IntN(100); {
			case k < 40:
				e.Type = rum.TypeAction
				e.Action = &rum.ActionFields{Type: "click", TargetName: g.pick(targets)}
				view.View.ActionCount++
			case k < 85:
				e.Type = rum.TypeResource
				e.Resource = &rum.ResourceFields{URL: "https://" + app + ".example/api/" + g.pick([]string{"cart", "products", "user", "search", "pay"}),
					Type: g.pick(resourceTypes), Method: "GET", StatusCode: statusCodes[g.r.IntN(len(statusCodes))],
					Duration: int64(5+g.r.IntN(900)) * 1e6, Size: int64(g.r.IntN(200_000))}
				view.View.ResourceCount++
			case k < 93:
				e.Type = rum.TypeLongTask
				e.LongTask = &rum.LongTaskFields{Duration: int64(50+g.r.IntN(400)) * 1e6}
				view.View.LongTaskCount++
			default:
				e.Type = rum.TypeError
				e.Error = &rum.ErrorFields{Message: g.pick(errorMessages), Source: g.pick(errorSources), Kind: "Error",
					Stack: "Error: boom\n    at checkout (https://" + app + ".example/app.js:1:2345)"}
				view.View.ErrorCount++
			}
			e.Raw = rawJSON(&e)
			children = append(children, e)
		}
		view.Raw = rawJSON(&view)
		evs = append(evs, view)
		evs = append(evs, children...)
		t += spent + int64(g.r.IntN(5000))
	}
	if !replay {
		return evs, nil
	}
	return evs, &store.SegmentMeta{AppID: app, SessionID: sid, ViewID: evs[0].ID, Start: start, End: start + 1500,
		RecordsCount: 3, HasFullSnapshot: true, Source: "browser", CreationReason: "init", RawSize: 600,
		Format: "rrweb", Encoding: "deflate", RecorderVersion: "2.1.6"}
}

// rawJSON renders the event in the RUM schema's shape, as an SDK sends it.
func rawJSON(e *rum.Event) json.RawMessage {
	m := map[string]any{
		"type": e.Type, "date": e.Date, "service": e.Service, "env": e.Env, "version": e.Version, "source": e.Source,
		"application": map[string]any{"id": e.AppID},
		"session":     map[string]any{"id": e.SessionID, "type": "user", "has_replay": e.HasReplay},
		"view":        map[string]any{"id": e.ViewID, "url": e.ViewURL},
	}
	if e.UserID != "" {
		m["usr"] = map[string]any{"id": e.UserID, "name": e.UserName, "email": e.UserEmail}
	}
	switch e.Type {
	case rum.TypeView:
		v := e.View
		m["view"] = map[string]any{"id": e.ViewID, "url": e.ViewURL, "loading_time": v.LoadingTime,
			"largest_contentful_paint": v.LargestContentfulPaint, "time_spent": v.TimeSpent,
			"action": map[string]any{"count": v.ActionCount}, "error": map[string]any{"count": v.ErrorCount},
			"resource": map[string]any{"count": v.ResourceCount}, "long_task": map[string]any{"count": v.LongTaskCount}}
		m["_dd"] = map[string]any{"document_version": e.DocumentVersion}
	case rum.TypeAction:
		m["action"] = map[string]any{"id": e.ID, "type": e.Action.Type, "target": map[string]any{"name": e.Action.TargetName}}
	case rum.TypeError:
		m["error"] = map[string]any{"id": e.ID, "message": e.Error.Message, "source": e.Error.Source, "type": e.Error.Kind, "stack": e.Error.Stack}
	case rum.TypeResource:
		r := e.Resource
		m["resource"] = map[string]any{"id": e.ID, "url": r.URL, "type": r.Type, "method": r.Method,
			"status_code": r.StatusCode, "duration": r.Duration, "size": r.Size}
	case rum.TypeLongTask:
		m["long_task"] = map[string]any{"id": e.ID, "duration": e.LongTask.Duration}
	}
	b, _ := json.Marshal(m)
	return b
}
