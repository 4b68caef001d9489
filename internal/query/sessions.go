package query

import (
	"net/http"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// ListSessions serves GET /api/v1/sessions?from&to&app&q&has_replay&…
func (a *API) ListSessions() http.HandlerFunc {
	return a.wrap(func(r *http.Request) (any, error) {
		f, err := parseFilter(r.URL.Query())
		if err != nil {
			return nil, err
		}
		page, err := a.reader.ListSessions(r.Context(), f)
		if page.Sessions == nil {
			page.Sessions = []store.Session{}
		}
		return page, err
	})
}

// sessionDetail is a session with its views (latest version each).
type sessionDetail struct {
	store.Session
	Views []rum.Event `json:"views"`
}

// GetSession serves GET /api/v1/sessions/{id}.
func (a *API) GetSession() http.HandlerFunc {
	return a.wrap(func(r *http.Request) (any, error) {
		id := r.PathValue("id")
		s, err := a.reader.GetSession(r.Context(), id)
		if err != nil {
			return nil, err
		}
		views, err := a.reader.SessionEvents(r.Context(), id, rum.TypeView)
		if err != nil {
			return nil, err
		}
		if views == nil {
			views = []rum.Event{}
		}
		return sessionDetail{Session: s, Views: views}, nil
	})
}

// SessionEvents serves GET /api/v1/sessions/{id}/events?type=view,error:
// the session's events in time order.
func (a *API) SessionEvents() http.HandlerFunc {
	return a.wrap(func(r *http.Request) (any, error) {
		id := r.PathValue("id")
		types, err := typesParam(r.URL.Query())
		if err != nil {
			return nil, err
		}
		if _, err := a.reader.GetSession(r.Context(), id); err != nil {
			return nil, err
		}
		evs, err := a.reader.SessionEvents(r.Context(), id, types...)
		if err != nil {
			return nil, err
		}
		if evs == nil {
			evs = []rum.Event{}
		}
		return map[string]any{"events": evs}, nil
	})
}

// SessionSegments serves GET /api/v1/sessions/{id}/segments: the segment
// index the player uses to load a long session progressively.
func (a *API) SessionSegments() http.HandlerFunc {
	return a.wrap(func(r *http.Request) (any, error) {
		id := r.PathValue("id")
		q := r.URL.Query()
		from, err := timeParam(q, "from")
		if err != nil {
			return nil, err
		}
		to, err := timeParam(q, "to")
		if err != nil {
			return nil, err
		}
		if _, err := a.reader.GetSession(r.Context(), id); err != nil {
			return nil, err
		}
		segs, err := a.reader.Segments(r.Context(), id, from, to)
		if err != nil {
			return nil, err
		}
		if segs == nil {
			segs = []store.SegmentMeta{}
		}
		return map[string]any{"segments": segs}, nil
	})
}
