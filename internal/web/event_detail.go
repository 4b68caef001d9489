package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// eventDetail is what every event detail page (view, error, resource, action,
// long task) shows: the event, where it came from and its raw attributes.
type eventDetail struct {
	Event   rum.Event
	Kind    explorerKind
	User    string
	Source  source
	RawJSON string
}

// source is the detail pages' Source section: the session and view an event
// came from, a Play link at the event's moment and the More menu's links.
type source struct {
	SessionID    string
	Session      store.Session
	HasSession   bool // the session aggregate exists
	SessionHref  string
	ViewID       string
	ViewURL      string
	ViewName     string
	ViewHref     string
	Offset       int64  // ms from the session's start to the event
	PlayHref     string // "" when the session has no replay
	FilterHref   string // the explorer filtered by this session
	ExplorerHref string
}

// loadEvent reads one event and the session it belongs to, or answers the
// request itself (404/500) and returns false.
func (h *handler) loadEvent(w http.ResponseWriter, r *http.Request, kind explorerKind) (eventDetail, bool) {
	id := r.PathValue("id")
	e, err := h.reader.GetEvent(r.Context(), kind.Type, id)
	if err != nil {
		h.renderError(w, r, err)
		return eventDetail{}, false
	}
	d := eventDetail{Event: e, Kind: kind, RawJSON: prettyJSON(e.Raw),
		User: userLabel(store.User{ID: e.UserID, Name: e.UserName, Email: e.UserEmail})}
	d.Source, err = h.sourceOf(r.Context(), e, kind)
	if err != nil {
		h.renderError(w, r, err)
		return eventDetail{}, false
	}
	return d, true
}

// sourceOf builds the Source section. A missing session aggregate is not an
// error: the event is still worth showing, just without Play.
func (h *handler) sourceOf(ctx context.Context, e rum.Event, kind explorerKind) (source, error) {
	src := source{
		SessionID:    e.SessionID,
		SessionHref:  "/sessions/" + url.PathEscape(e.SessionID),
		ViewID:       e.ViewID,
		ViewURL:      e.ViewURL,
		ViewName:     e.ViewName,
		ExplorerHref: "/explorer/" + kind.Kind,
		FilterHref:   "/explorer/" + kind.Kind + "?" + url.Values{"session": {e.SessionID}}.Encode(),
	}
	if e.ViewID != "" {
		src.ViewHref = "/views/" + url.PathEscape(e.ViewID)
	}
	s, err := h.reader.GetSession(ctx, e.SessionID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return src, nil
	case err != nil:
		return src, err
	}
	src.Session, src.HasSession = s, true
	src.Offset = max(0, e.Date-s.Start)
	if s.HasReplay {
		src.PlayHref = replayURL(s.ID, src.Offset)
	}
	return src, nil
}

// prettyJSON indents the event as received, for the "Raw event" section.
func prettyJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}

// eventsOfView keeps the events of one view, by type.
type viewEvents struct {
	Resources, Errors, Actions, LongTasks []rum.Event
}

func splitViewEvents(events []rum.Event, viewID string) viewEvents {
	var ve viewEvents
	for _, e := range events {
		if e.ViewID != viewID {
			continue
		}
		switch e.Type {
		case rum.TypeResource:
			ve.Resources = append(ve.Resources, e)
		case rum.TypeError:
			ve.Errors = append(ve.Errors, e)
		case rum.TypeAction:
			ve.Actions = append(ve.Actions, e)
		case rum.TypeLongTask:
			ve.LongTasks = append(ve.LongTasks, e)
		}
	}
	return ve
}

func resourceName(e rum.Event) string {
	if e.Resource == nil {
		return e.ID
	}
	return urlPath(e.Resource.URL)
}

func actionName(e rum.Event) string {
	if e.Action == nil || e.Action.TargetName == "" {
		return e.ID
	}
	return e.Action.TargetName
}
