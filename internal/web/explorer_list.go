package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// explorerPage is the data of explorer.html.
type explorerPage struct {
	Kind      explorerKind
	Range     string
	Ranges    []link
	FromInput string // datetime-local values of the current window
	ToInput   string
	Query     string
	Sort      string
	Fields    []fieldInput
	Chips     []chip
	ClearHref string
	Columns   []column
	Sessions  []sessionRow
	Events    []eventRow
	Total     int64
	Capped    bool // Total is a lower bound: the store stopped counting
	Shown     int
	PrevHref  string
	NextHref  string
	Histogram histogram
	Origin    string // this server, for the empty state's SDK snippet
}

type link struct {
	Label, Href string
	Active      bool
}

type fieldInput struct {
	Key, Label, Value string
	Choices           []string
}

type chip struct{ Label, Value, RemoveHref string }

type column struct {
	Label, Href, Dir, Class string
}

type sessionRow struct {
	store.Session
	Href, PlayHref string
}

type eventRow struct {
	rum.Event
	Href, PlayHref, SessionHref string
	User                        string
}

func (h *handler) explorerList(w http.ResponseWriter, r *http.Request) {
	kind, ok := findKind(r.PathValue("kind"))
	if !ok {
		h.renderError(w, r, store.ErrNotFound)
		return
	}
	q, err := parseExplorerQuery(kind, r.URL.Query(), time.Now())
	if err != nil {
		h.badRequest(w, r, "Invalid filter: "+err.Error())
		return
	}
	if canon := q.canonicalURL(); canon != r.URL.Path+queryString(r.URL.Query()) {
		http.Redirect(w, r, canon, http.StatusFound)
		return
	}

	ctx := r.Context()
	p := explorerPage{Kind: kind, Range: q.Range, Query: q.Filter.Query, Sort: q.Filter.Sort, ClearHref: q.encode(nil), Origin: origin(r)}
	var next string
	if kind.Type == "session" {
		page, err := h.reader.ListSessions(ctx, q.Filter)
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		for _, s := range page.Sessions {
			row := sessionRow{Session: s, Href: "/sessions/" + url.PathEscape(s.ID)}
			if s.HasReplay {
				row.PlayHref = replayURL(s.ID, 0)
			}
			p.Sessions = append(p.Sessions, row)
		}
		p.Total, p.Capped, p.Shown, next = page.Total, page.TotalCapped, len(page.Sessions), page.NextCursor
	} else {
		page, err := h.reader.ListEvents(ctx, kind.Type, q.Filter)
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		sessions := h.sessionsOf(r, page.Events)
		for _, e := range page.Events {
			row := eventRow{Event: e, Href: kind.Detail + url.PathEscape(e.ID),
				SessionHref: "/sessions/" + url.PathEscape(e.SessionID),
				User:        userLabel(store.User{ID: e.UserID, Name: e.UserName, Email: e.UserEmail})}
			if s, ok := sessions[e.SessionID]; ok && s.HasReplay {
				row.PlayHref = replayURL(s.ID, e.Date-s.Start)
			}
			p.Events = append(p.Events, row)
		}
		p.Total, p.Capped, p.Shown, next = page.Total, page.TotalCapped, len(page.Events), page.NextCursor
	}
	p.NextHref, p.PrevHref = q.nextURL(next), q.prevURL()

	buckets, err := h.reader.Histogram(ctx, kind.Type, q.Filter, histogramBuckets)
	if err != nil {
		// The list is what matters; a page without its chart is still useful.
		h.log.Warn("explorer histogram", "kind", kind.Kind, "err", err)
	} else {
		p.Histogram = buildHistogram(q, buckets)
	}

	p.FromInput = time.UnixMilli(q.Filter.From).Format("2006-01-02T15:04")
	p.ToInput = time.UnixMilli(q.Filter.To).Format("2006-01-02T15:04")
	for _, tr := range timeRanges {
		p.Ranges = append(p.Ranges, link{Label: tr.Label, Href: q.url("range", tr.Key, "from", "", "to", ""), Active: q.Range == tr.Key})
	}
	for _, f := range filterFields {
		if !f.appliesTo(kind.Kind) {
			continue
		}
		val := q.values.Get(f.Key)
		p.Fields = append(p.Fields, fieldInput{Key: f.Key, Label: f.Label, Value: val, Choices: f.Choices})
		if val != "" {
			p.Chips = append(p.Chips, chip{Label: f.Label, Value: val, RemoveHref: q.url(f.Key, "")})
		}
	}
	if q.Filter.Query != "" {
		p.Chips = append(p.Chips, chip{Label: "Search", Value: q.Filter.Query, RemoveHref: q.url("q", "")})
	}
	p.Columns = explorerColumns(q)
	h.render(w, r, http.StatusOK, "explorer.html", page{Title: kind.Label + " explorer", Nav: kind.Kind, Data: p})
}

// sessionsOf looks up the sessions of a page of events, each once, to know
// which rows can be replayed and at what offset from the session's start.
func (h *handler) sessionsOf(r *http.Request, events []rum.Event) map[string]store.Session {
	out := map[string]store.Session{}
	for _, e := range events {
		if _, seen := out[e.SessionID]; seen || e.SessionID == "" {
			continue
		}
		s, err := h.reader.GetSession(r.Context(), e.SessionID)
		if err != nil {
			if !errors.Is(err, store.ErrNotFound) {
				h.log.Warn("explorer session lookup", "session", e.SessionID, "err", err)
			}
			s = store.Session{ID: e.SessionID}
		}
		out[e.SessionID] = s
	}
	return out
}

// origin is the scheme and host the browser used to reach us.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func queryString(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// columnDef is a table column; SortKey "" means not sortable (the keys are
// the store's sort columns). Text columns sort A→Z first, numbers and times
// largest first, as people look for the largest.
type columnDef struct {
	Label, SortKey, Class string
	Text                  bool
}

var columnsByKind = map[string][]columnDef{
	"sessions": {{"Time", "date", "nowrap", false}, {"Duration", "duration", "num", false}, {"User", "user", "", true},
		{"Pages", "view_count", "num", false}, {"Errors", "error_count", "num", false}, {"Actions", "action_count", "num", false},
		{"Browser", "browser", "", true}, {"OS / Device", "os", "", true}, {"First URL", "", "url", false}},
	"views": {{"Time", "date", "nowrap", false}, {"View", "url", "url", true}, {"Loading time", "loading_time", "num", false},
		{"LCP", "largest_contentful_paint", "num", false}, {"Time spent", "time_spent", "num", false},
		{"Errors", "error_count", "num", false}, {"User", "user", "", true}},
	"errors": {{"Time", "date", "nowrap", false}, {"Message", "message", "msg", true}, {"Type", "kind", "", true},
		{"Source", "source", "", true}, {"View", "url", "url", true}, {"User", "user", "", true}},
	"resources": {{"Time", "date", "nowrap", false}, {"Method", "method", "", true}, {"URL", "resource_url", "url", true},
		{"Type", "resource_type", "", true}, {"Status", "status_code", "num", false}, {"Duration", "duration", "num", false},
		{"Size", "size", "num", false}},
	"actions": {{"Time", "date", "nowrap", false}, {"Type", "action_type", "", true}, {"Name", "target_name", "msg", true},
		{"View", "url", "url", true}, {"User", "user", "", true}},
	"long_tasks": {{"Time", "date", "nowrap", false}, {"Duration", "duration", "num", false}, {"View", "url", "url", true},
		{"User", "user", "", true}},
}

// explorerColumns builds the header row: a sortable header links to its
// column's other direction when it is the current sort, else to its first.
func explorerColumns(q explorerQuery) []column {
	cur := q.Filter.Sort
	if cur == "" {
		cur = "-date"
	}
	var cols []column
	for _, d := range columnsByKind[q.Kind.Kind] {
		c := column{Label: d.Label, Class: d.Class}
		if d.SortKey != "" {
			first, second := "-"+d.SortKey, d.SortKey
			if d.Text {
				first, second = second, first
			}
			next := first
			switch cur {
			case first:
				next = second
			case second:
				next = first
			}
			switch cur {
			case "-" + d.SortKey:
				c.Dir = "desc"
			case d.SortKey:
				c.Dir = "asc"
			}
			if next == "-date" {
				next = "" // the default sort keeps the URL clean
			}
			c.Href = q.url("sort", next)
		}
		cols = append(cols, c)
	}
	return cols
}
