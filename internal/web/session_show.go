package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// sessionPageData is the session detail: who, on what, where, and the
// session's pages and events in order.
type sessionPageData struct {
	Session       store.Session
	User          string
	Location      string
	Views         []eventLink
	Timeline      []timelineItem
	ResourceCount int
	LongTaskCount int
	ReplayHref    string
	ID            string
}

// timelineItem is one line of the session's event list.
type timelineItem struct {
	Type, Label, Detail string
	Offset              int64
	Href, PlayHref      string
}

func (h *handler) sessionShow(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s, err := h.reader.GetSession(r.Context(), id)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	events, err := h.reader.SessionEvents(r.Context(), id)
	if err != nil {
		h.renderError(w, r, fmt.Errorf("session %s events: %w", id, err))
		return
	}
	p := sessionPageData{Session: s, ID: s.ID, User: userLabel(s.User)}
	if s.HasReplay {
		p.ReplayHref = replayURL(s.ID, 0)
	}
	play := func(date int64) string {
		if !s.HasReplay {
			return ""
		}
		return replayURL(s.ID, date-s.Start)
	}
	for _, e := range events {
		item := timelineItem{Type: e.Type, Offset: max(0, e.Date-s.Start), PlayHref: play(e.Date)}
		switch e.Type {
		case rum.TypeView:
			p.Views = append(p.Views, eventLink{Event: e, Href: "/views/" + url.PathEscape(e.ID), Offset: item.Offset, PlayHref: item.PlayHref})
			if p.Location == "" {
				p.Location = location(e.Raw)
			}
			item.Label, item.Detail, item.Href = "View", urlPath(e.ViewURL), "/views/"+url.PathEscape(e.ID)
		case rum.TypeError:
			item.Label, item.Href = "Error", "/errors/"+url.PathEscape(e.ID)
			if e.Error != nil {
				item.Detail = e.Error.Message
			}
		case rum.TypeAction:
			item.Label, item.Href = "Action", "/actions/"+url.PathEscape(e.ID)
			if e.Action != nil {
				item.Detail = strings.TrimSpace(e.Action.Type + " " + quoteName(e.Action.TargetName))
			}
		case rum.TypeResource:
			p.ResourceCount++
			continue // too many to list; the view pages show them in a waterfall
		case rum.TypeLongTask:
			p.LongTaskCount++
			item.Label, item.Href = "Long task", "/long_tasks/"+url.PathEscape(e.ID)
			if e.LongTask != nil {
				item.Detail = fmtNanos(e.LongTask.Duration) + " on " + urlPath(e.ViewURL)
			}
		default:
			continue
		}
		p.Timeline = append(p.Timeline, item)
	}
	h.render(w, r, http.StatusOK, "session.html", page{Title: "Session · " + p.User, Nav: "sessions", Data: p})
}

func quoteName(s string) string {
	if s == "" {
		return ""
	}
	return "“" + s + "”"
}

// location reads the geo attributes a collector in front of Reprise (or a
// Datadog-compatible pipeline) may have added to the event; "" when absent.
func location(raw json.RawMessage) string {
	var v struct {
		Geo struct {
			City      string `json:"city"`
			Country   string `json:"country"`
			Continent string `json:"continent"`
		} `json:"geo"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return ""
	}
	var parts []string
	for _, p := range []string{v.Geo.City, v.Geo.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}
