package main

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"math/rand/v2"
)

// RUMBatch is one POST /v1/write/rum body: NDJSON events, zlib-compressed and sent with
// Content-Encoding: deflate, as Datadog's SDK does with compressIntakeRequests.
type RUMBatch struct {
	Data   []byte // compressed body
	Events int
	Raw    int // uncompressed size
}

// rumSession is the state a browser SDK keeps per session while it emits events.
type rumSession struct {
	id, viewID, viewURL string
	viewVersion         int64
	viewStart           int64
	actions, errors     int64
	resources, tasks    int64
	userID              string
}

// RUMBuilder emits RUM events shaped like the Datadog/Guance browser schema (the fields
// DESIGN.md §3.2 lists, plus the _dd, connectivity, display and device blocks real SDKs
// add, so events are ~1 KB as on the wire), from a pool of concurrent sessions.
type RUMBuilder struct {
	rng      *rand.Rand
	appID    string
	now      int64
	sessions []*rumSession
}

// NewRUMBuilder returns a builder over `sessions` concurrent sessions.
func NewRUMBuilder(appID string, now int64, sessions int, seed uint64) *RUMBuilder {
	b := &RUMBuilder{rng: rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d)), appID: appID, now: now}
	for i := 0; i < sessions; i++ {
		s := &rumSession{id: newUUID(b.rng), userID: fmt.Sprintf("user-%d", b.rng.IntN(sessions*4))}
		b.newView(s)
		b.sessions = append(b.sessions, s)
	}
	return b
}

var (
	benchPaths     = []string{"/", "/products", "/products/42", "/cart", "/checkout", "/account", "/search?q=shoes", "/orders/1187"}
	resourceTypes  = []string{"xhr", "fetch", "js", "css", "image", "font", "image", "fetch"}
	actionTargets  = []string{"Add to cart", "Checkout", "Search", "Save", "Next page", "Close dialog", "Sort by price"}
	errorMessages  = []string{"TypeError: Cannot read properties of undefined (reading 'price')", "Failed to fetch", "ReferenceError: cartTotal is not defined", "Script error."}
	userAgentLines = []string{"Chrome", "Firefox", "Safari", "Edge"}
)

func (b *RUMBuilder) newView(s *rumSession) {
	s.viewID = newUUID(b.rng)
	s.viewURL = "https://shop.example.test" + benchPaths[b.rng.IntN(len(benchPaths))]
	s.viewVersion = 0
	s.viewStart = b.now - int64(b.rng.IntN(600_000))
	s.actions, s.errors, s.resources, s.tasks = 0, 0, 0, 0
}

// Batch builds one batch of n events from random sessions.
func (b *RUMBuilder) Batch(n int) (RUMBatch, error) {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw) // Encode ends each event with '\n': NDJSON
	for i := 0; i < n; i++ {
		s := b.sessions[b.rng.IntN(len(b.sessions))]
		if err := enc.Encode(b.event(s)); err != nil {
			return RUMBatch{}, fmt.Errorf("encode rum event: %w", err)
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return RUMBatch{}, fmt.Errorf("deflate rum batch: %w", err)
	}
	if err := zw.Close(); err != nil {
		return RUMBatch{}, fmt.Errorf("deflate rum batch: %w", err)
	}
	return RUMBatch{Data: z.Bytes(), Events: n, Raw: raw.Len()}, nil
}

type obj = map[string]any

// event returns the next event of session s; the mix is that of a busy page: mostly
// resources and actions, view updates as the view's counters change, a few errors.
func (b *RUMBuilder) event(s *rumSession) obj {
	date := s.viewStart + int64(b.rng.IntN(120_000))
	e := obj{
		"date":         date,
		"application":  obj{"id": b.appID},
		"session":      obj{"id": s.id, "type": "user", "has_replay": true},
		"view":         obj{"id": s.viewID, "url": s.viewURL, "referrer": "https://shop.example.test/"},
		"source":       "browser",
		"service":      "shop",
		"env":          "prod",
		"version":      "1.4.2",
		"usr":          obj{"id": s.userID, "name": "Customer " + s.userID[5:], "email": s.userID + "@example.test"},
		"connectivity": obj{"status": "connected", "interfaces": []string{"wifi"}, "effective_type": "4g"},
		"display":      obj{"viewport": obj{"width": 1280 + b.rng.IntN(5)*160, "height": 720 + b.rng.IntN(4)*80}},
		"device":       obj{"locale": "en-US", "time_zone": "Europe/Paris", "type": "desktop"},
		"_dd": obj{"format_version": 2, "drift": b.rng.IntN(5), "sdk_name": "rum",
			"configuration": obj{"session_sample_rate": 100, "session_replay_sample_rate": 100}},
		"ddtags": "sdk_version:0.1.0,env:prod,service:shop,version:1.4.2,browser:" + userAgentLines[b.rng.IntN(len(userAgentLines))],
	}
	switch p := b.rng.IntN(100); {
	case p < 45:
		s.resources++
		typ := resourceTypes[b.rng.IntN(len(resourceTypes))]
		e["type"] = "resource"
		e["resource"] = obj{
			"id": newUUID(b.rng), "type": typ, "method": "GET", "status_code": 200,
			"url":      fmt.Sprintf("https://shop.example.test/api/items/%d?page=%d", b.rng.IntN(10000), b.rng.IntN(20)),
			"duration": int64(b.rng.IntN(900_000_000)), "size": b.rng.IntN(200_000),
			"render_blocking_status": "non-blocking", "delivery_type": "cache",
		}
	case p < 65:
		s.actions++
		e["type"] = "action"
		e["action"] = obj{"id": newUUID(b.rng), "type": "click",
			"target":       obj{"name": actionTargets[b.rng.IntN(len(actionTargets))]},
			"loading_time": int64(b.rng.IntN(200_000_000)), "frustration": obj{"type": []string{}}}
	case p < 70:
		s.errors++
		e["type"] = "error"
		msg := errorMessages[b.rng.IntN(len(errorMessages))]
		e["error"] = obj{"id": newUUID(b.rng), "message": msg, "source": "source", "type": "TypeError", "handling": "unhandled",
			"stack": msg + "\n    at renderCart (https://shop.example.test/static/app.4f9c.js:1:48213)\n    at onClick (https://shop.example.test/static/app.4f9c.js:1:51022)"}
	case p < 78:
		s.tasks++
		e["type"] = "long_task"
		e["long_task"] = obj{"id": newUUID(b.rng), "duration": int64(50_000_000 + b.rng.IntN(300_000_000))}
	case p < 80:
		e["type"] = "vital"
		e["vital"] = obj{"id": newUUID(b.rng), "type": "duration", "name": "checkout", "duration": int64(b.rng.IntN(3_000_000_000))}
	default:
		// A view update: same view id, a higher document version, grown counters.
		s.viewVersion++
		e["type"] = "view"
		e["date"] = s.viewStart
		v := e["view"].(obj)
		v["loading_time"] = int64(300_000_000 + b.rng.IntN(2_000_000_000))
		v["first_contentful_paint"] = int64(200_000_000 + b.rng.IntN(900_000_000))
		v["largest_contentful_paint"] = int64(400_000_000 + b.rng.IntN(1_500_000_000))
		v["cumulative_layout_shift"] = float64(b.rng.IntN(300)) / 1000
		v["interaction_to_next_paint"] = int64(b.rng.IntN(400_000_000))
		v["time_spent"] = int64(b.rng.IntN(120_000)) * 1_000_000
		v["action"] = obj{"count": s.actions}
		v["error"] = obj{"count": s.errors}
		v["resource"] = obj{"count": s.resources}
		v["long_task"] = obj{"count": s.tasks}
		v["is_active"] = true
		v["loading_type"] = "initial_load"
		e["_dd"].(obj)["document_version"] = s.viewVersion
		if s.viewVersion > 8 && b.rng.IntN(4) == 0 {
			b.newView(s) // the user moves on
		}
	}
	return e
}
