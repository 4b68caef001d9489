package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reprise-rum/reprise/internal/store"
)

// explorerKind describes one explorer: its URL segment, the store type it
// lists and where its rows link to.
type explorerKind struct {
	Kind   string // URL segment: sessions, views, …
	Label  string
	Type   string // store type: "session" or a rum event type
	Detail string // detail page prefix, e.g. "/views/"
	Search string // what the free-text search looks at
}

var explorerKinds = []explorerKind{
	{"sessions", "Sessions", "session", "/sessions/", "Search user or URL"},
	{"views", "Views", "view", "/views/", "Search view URL"},
	{"errors", "Errors", "error", "/errors/", "Search error message"},
	{"resources", "Resources", "resource", "/resources/", "Search resource URL"},
	{"actions", "Actions", "action", "/actions/", "Search action name"},
	{"long_tasks", "Long tasks", "long_task", "/long_tasks/", "Search view URL"},
}

var explorerNav = func() []navItem {
	items := make([]navItem, len(explorerKinds))
	for i, k := range explorerKinds {
		items[i] = navItem{Kind: k.Kind, Label: k.Label}
	}
	return items
}()

func findKind(kind string) (explorerKind, bool) {
	for _, k := range explorerKinds {
		if k.Kind == kind {
			return k, true
		}
	}
	return explorerKind{}, false
}

// timeRanges are the picker's presets; "custom" uses from/to.
var timeRanges = []struct {
	Key, Label string
	Span       time.Duration
}{
	{"15m", "15 min", 15 * time.Minute},
	{"1h", "1 hour", time.Hour},
	{"1d", "1 day", 24 * time.Hour},
	{"7d", "7 days", 7 * 24 * time.Hour},
}

const defaultRange = "1d"

// filterField is one explorer filter: its query parameter, label, which
// explorers show it, and fixed choices for a select (nil: free text).
type filterField struct {
	Key, Label string
	Kinds      []string // nil: every explorer
	Choices    []string
}

var filterFields = []filterField{
	{Key: "app", Label: "Application"},
	{Key: "env", Label: "Env"},
	{Key: "service", Label: "Service"},
	{Key: "version", Label: "Version"},
	{Key: "user", Label: "User"},
	{Key: "url", Label: "URL / path"},
	{Key: "browser", Label: "Browser"},
	{Key: "os", Label: "OS"},
	{Key: "device", Label: "Device", Choices: []string{"desktop", "mobile", "tablet", "bot"}},
	{Key: "has_error", Label: "Has error", Choices: []string{"true", "false"}},
	{Key: "has_replay", Label: "Has replay", Choices: []string{"true", "false"}},
	{Key: "status", Label: "Status code", Kinds: []string{"resources"}},
	{Key: "resource_type", Label: "Resource type", Kinds: []string{"resources"},
		Choices: []string{"document", "xhr", "fetch", "css", "js", "image", "font", "media", "beacon", "other"}},
	{Key: "action_type", Label: "Action type", Kinds: []string{"actions"},
		Choices: []string{"click", "tap", "scroll", "swipe", "custom", "application_start"}},
	{Key: "error_source", Label: "Error source", Kinds: []string{"errors"},
		Choices: []string{"source", "console", "network", "custom", "report", "logger"}},
	{Key: "session", Label: "Session ID"},
	{Key: "view", Label: "View ID"},
}

func (f filterField) appliesTo(kind string) bool {
	if f.Kinds == nil {
		return true
	}
	for _, k := range f.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// explorerQuery is an explorer's URL query, parsed: the store filter plus
// what the page needs to rebuild links (time range, cursor history).
type explorerQuery struct {
	Kind   explorerKind
	Range  string // a timeRanges key or "custom"
	Filter store.Filter
	values url.Values // canonical parameters, without paging
	Prev   []string   // cursors of the pages before this one, oldest first
}

// parseExplorerQuery turns the URL query into a store.Filter. Relative ranges
// are resolved against now, so reloading a "last hour" page shows the last hour.
func parseExplorerQuery(kind explorerKind, v url.Values, now time.Time) (explorerQuery, error) {
	q := explorerQuery{Kind: kind, values: url.Values{}}
	f := &q.Filter

	// The custom range's Apply button sends range=custom beside the form's
	// hidden current range; custom wins.
	q.Range = v.Get("range")
	if slices.Contains(v["range"], "custom") || (q.Range == "" && (v.Get("from") != "" || v.Get("to") != "")) {
		q.Range = "custom"
	}
	if q.Range == "custom" {
		from, err := parseTimeParam(v.Get("from"))
		if err != nil {
			return q, fmt.Errorf("from: %w", err)
		}
		to, err := parseTimeParam(v.Get("to"))
		if err != nil {
			return q, fmt.Errorf("to: %w", err)
		}
		if to == 0 {
			to = now.UnixMilli()
		}
		if from >= to {
			return q, fmt.Errorf("the time range ends before it starts")
		}
		f.From, f.To = from, to
		q.values.Set("range", "custom")
		q.values.Set("from", v.Get("from"))
		if v.Get("to") != "" {
			q.values.Set("to", v.Get("to"))
		}
	} else {
		span := time.Duration(0)
		for _, tr := range timeRanges {
			if tr.Key == q.Range {
				span = tr.Span
			}
		}
		if span == 0 {
			q.Range, span = defaultRange, 24*time.Hour
		}
		f.To = now.UnixMilli() + 1 // To is exclusive; include what arrived this millisecond
		f.From = now.Add(-span).UnixMilli()
		if q.Range != defaultRange {
			q.values.Set("range", q.Range)
		}
	}

	text := func(key string, dst *string) {
		if s := strings.TrimSpace(v.Get(key)); s != "" {
			*dst = s
			q.values.Set(key, s)
		}
	}
	text("app", &f.App)
	text("env", &f.Env)
	text("service", &f.Service)
	text("version", &f.Version)
	text("user", &f.User)
	text("session", &f.SessionID)
	text("view", &f.ViewID)
	text("url", &f.URL)
	text("browser", &f.Browser)
	text("os", &f.OS)
	text("device", &f.Device)
	text("q", &f.Query)
	text("resource_type", &f.ResourceType)
	text("action_type", &f.ActionType)
	text("error_source", &f.ErrorSource)
	text("sort", &f.Sort)
	for _, key := range []string{"has_error", "has_replay"} {
		s := v.Get(key)
		if s == "" {
			continue
		}
		b, err := strconv.ParseBool(s)
		if err != nil {
			return q, fmt.Errorf("%s: want true or false, got %q", key, s)
		}
		if key == "has_error" {
			f.HasError = &b
		} else {
			f.HasReplay = &b
		}
		q.values.Set(key, strconv.FormatBool(b))
	}
	if s := strings.TrimSpace(v.Get("status")); s != "" {
		code, err := strconv.Atoi(s)
		if err != nil || code < 100 || code > 599 {
			return q, fmt.Errorf("status: want an HTTP status code, got %q", s)
		}
		f.StatusCode = code
		q.values.Set("status", s)
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return q, fmt.Errorf("limit: want 1 to 1000, got %q", s)
		}
		f.Limit = n
		q.values.Set("limit", s)
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	f.Cursor = v.Get("cursor")
	q.Prev = v["pc"]
	return q, nil
}

// parseTimeParam accepts ms since the epoch (what links carry) or a
// datetime-local value (what the custom range form sends), in server time.
func parseTimeParam(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return ms, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("want a date like 2024-05-01T14:30, got %q", s)
}

// url builds the explorer URL with the current parameters, key/value pairs
// changed (an empty value removes the key). Paging starts over.
func (q explorerQuery) url(kv ...string) string {
	v := url.Values{}
	for k, vs := range q.values {
		v[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	return q.encode(v)
}

func (q explorerQuery) encode(v url.Values) string {
	s := "/explorer/" + q.Kind.Kind
	if len(v) > 0 {
		s += "?" + v.Encode()
	}
	return s
}

// pageURL links to another page of the same list: the cursor and the history
// of cursors before it (for "previous").
func (q explorerQuery) pageURL(cursor string, prev []string) string {
	v := url.Values{}
	for k, vs := range q.values {
		v[k] = vs
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if len(prev) > 0 {
		v["pc"] = prev
	}
	return q.encode(v)
}

// nextURL is the page after this one.
func (q explorerQuery) nextURL(next string) string {
	if next == "" {
		return ""
	}
	prev := append(append([]string(nil), q.Prev...), q.Filter.Cursor)
	return q.pageURL(next, prev)
}

// prevURL is the page before this one, or "" on the first page.
func (q explorerQuery) prevURL() string {
	if q.Filter.Cursor == "" {
		return ""
	}
	if len(q.Prev) == 0 {
		return q.pageURL("", nil)
	}
	return q.pageURL(q.Prev[len(q.Prev)-1], q.Prev[:len(q.Prev)-1])
}

// canonicalURL is this page's URL with only meaningful parameters. A
// submitted form leaves every empty field in the URL; the handler redirects
// to this so links stay short and shareable.
func (q explorerQuery) canonicalURL() string {
	return q.pageURL(q.Filter.Cursor, q.Prev)
}
