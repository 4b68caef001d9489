package query

import (
	"net/http"
	"strconv"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// ListEvents serves GET /api/v1/{type}?… for views, actions, errors,
// resources, long_tasks and vitals.
func (a *API) ListEvents() http.HandlerFunc {
	return a.wrap(func(r *http.Request) (any, error) {
		typ, err := eventType(r.PathValue("type"))
		if err != nil {
			return nil, err
		}
		f, err := parseFilter(r.URL.Query())
		if err != nil {
			return nil, err
		}
		page, err := a.reader.ListEvents(r.Context(), typ, f)
		if page.Events == nil {
			page.Events = []rum.Event{}
		}
		return page, err
	})
}

// GetEvent serves GET /api/v1/{type}/{id}.
func (a *API) GetEvent() http.HandlerFunc {
	return a.wrap(func(r *http.Request) (any, error) {
		typ, err := eventType(r.PathValue("type"))
		if err != nil {
			return nil, err
		}
		return a.reader.GetEvent(r.Context(), typ, r.PathValue("id"))
	})
}

// Histogram serves GET /api/v1/histogram?type=session|view|…&buckets=N&…
// (the explorer filters): counts over time for the explorer's bar chart.
func (a *API) Histogram() http.HandlerFunc {
	return a.wrap(func(r *http.Request) (any, error) {
		q := r.URL.Query()
		typ := q.Get("type")
		if single, ok := eventTypes[typ]; ok {
			typ = single
		}
		if typ == "sessions" || typ == "" {
			typ = "session"
		}
		if typ != "session" && !knownType(typ) {
			return nil, badRequestf("type=%q: want session or an event type", q.Get("type"))
		}
		buckets := 60
		if v := q.Get("buckets"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return nil, badRequestf("buckets=%q: want an integer from 1 to 1000", v)
			}
			buckets = n
		}
		f, err := parseFilter(q)
		if err != nil {
			return nil, err
		}
		bs, err := a.reader.Histogram(r.Context(), typ, f, buckets)
		if err != nil {
			return nil, err
		}
		if bs == nil {
			bs = []store.Bucket{}
		}
		return map[string]any{"buckets": bs}, nil
	})
}
