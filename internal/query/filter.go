package query

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/reprise-rum/reprise/internal/store"
)

// maxLimit matches store.Filter's documented maximum.
const maxLimit = 1000

// parseFilter reads every store.Filter field from query parameters. Times
// are ms since the epoch or RFC 3339.
func parseFilter(q url.Values) (store.Filter, error) {
	f := store.Filter{
		App:          q.Get("app"),
		Env:          q.Get("env"),
		Service:      q.Get("service"),
		Version:      q.Get("version"),
		User:         q.Get("user"),
		SessionID:    q.Get("session_id"),
		ViewID:       q.Get("view_id"),
		URL:          q.Get("url"),
		Browser:      q.Get("browser"),
		OS:           q.Get("os"),
		Device:       q.Get("device"),
		Query:        q.Get("q"),
		ResourceType: q.Get("resource_type"),
		ActionType:   q.Get("action_type"),
		ErrorSource:  q.Get("error_source"),
		Sort:         q.Get("sort"),
		Cursor:       q.Get("cursor"),
	}
	var err error
	if f.From, err = timeParam(q, "from"); err != nil {
		return f, err
	}
	if f.To, err = timeParam(q, "to"); err != nil {
		return f, err
	}
	if f.From > 0 && f.To > 0 && f.To <= f.From {
		return f, badRequestf("to (%d) must be after from (%d)", f.To, f.From)
	}
	if f.HasReplay, err = boolParam(q, "has_replay"); err != nil {
		return f, err
	}
	if f.HasError, err = boolParam(q, "has_error"); err != nil {
		return f, err
	}
	if f.StatusCode, err = intParam(q, "status_code", 0, 999); err != nil {
		return f, err
	}
	if f.Limit, err = intParam(q, "limit", 1, maxLimit); err != nil {
		return f, err
	}
	return f, nil
}

// timeParam reads ms since the epoch, or an RFC 3339 time; absent is 0.
func timeParam(q url.Values, name string) (int64, error) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return 0, nil
	}
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		if ms < 0 {
			return 0, badRequestf("%s=%s: negative time", name, v)
		}
		return ms, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return 0, badRequestf("%s=%q: want ms since the epoch or an RFC 3339 time", name, v)
	}
	return t.UnixMilli(), nil
}

func boolParam(q url.Values, name string) (*bool, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, badRequestf("%s=%q: want true or false", name, v)
	}
	return &b, nil
}

// intParam reads an optional integer within [min, max]; absent is 0.
func intParam(q url.Values, name string, min, max int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, badRequestf("%s=%q: want an integer from %d to %d", name, v, min, max)
	}
	return n, nil
}

// typesParam reads ?type=view,error (or repeated type=) as event types,
// accepting the singular and the API's plural spellings.
func typesParam(q url.Values) ([]string, error) {
	var out []string
	for _, v := range q["type"] {
		for t := range strings.SplitSeq(v, ",") {
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			if single, ok := eventTypes[t]; ok {
				t = single
			}
			if !knownType(t) {
				return nil, badRequestf("type=%q: unknown event type", t)
			}
			out = append(out, t)
		}
	}
	return out, nil
}

func knownType(t string) bool {
	for _, single := range eventTypes {
		if single == t {
			return true
		}
	}
	return false
}
