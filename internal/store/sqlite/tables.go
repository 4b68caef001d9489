package sqlite

import (
	"fmt"
	"strings"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// colKind tells how a sort column's value is carried in a cursor.
type colKind int

const (
	intCol colKind = iota
	floatCol
	textCol
)

type sortCol struct {
	col  string
	kind colKind
}

// eventTable maps one RUM event type to its table: the columns beyond the
// common ones, what free text searches, and what the explorer may sort by.
type eventTable struct {
	typ   string
	name  string
	cols  []string
	vals  func(ev *rum.Event) []any
	text  []string // columns Filter.Query searches (substring)
	sorts map[string]sortCol

	insertSQL string
	selectSQL string // common prefix "SELECT seq, doc, raw FROM name"
}

// commonCols are inserted for every event, in this order (see eventCommonDDL).
var commonCols = []string{"id", "session_id", "view_id", "app", "date", "view_url", "service", "env",
	"version", "user_id", "user_name", "user_email", "browser", "os", "device", "doc", "raw"}

// commonSorts are the sort keys every event table has.
var commonSorts = map[string]sortCol{
	"date":       {"date", intCol},
	"session_id": {"session_id", textCol},
	"view_url":   {"view_url", textCol},
	"url":        {"view_url", textCol},
	"app":        {"app", textCol},
	"browser":    {"browser", textCol},
	"os":         {"os", textCol},
	"device":     {"device", textCol},
	"user":       {"user_name", textCol},
}

func withSorts(extra map[string]sortCol) map[string]sortCol {
	m := map[string]sortCol{}
	for k, v := range commonSorts {
		m[k] = v
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

var eventTables = map[string]*eventTable{
	rum.TypeView: {
		typ: rum.TypeView, name: "views",
		cols: []string{"document_version", "name", "loading_time", "first_contentful_paint", "largest_contentful_paint",
			"cumulative_layout_shift", "interaction_to_next_paint", "time_to_first_byte", "time_spent",
			"action_count", "error_count", "resource_count", "long_task_count"},
		vals: func(ev *rum.Event) []any {
			v := ev.View
			if v == nil {
				v = &rum.ViewFields{}
			}
			return []any{ev.DocumentVersion, ev.ViewName, v.LoadingTime, v.FirstContentfulPaint, v.LargestContentfulPaint,
				v.CumulativeLayoutShift, v.InteractionToNextPaint, v.TimeToFirstByte, v.TimeSpent,
				v.ActionCount, v.ErrorCount, v.ResourceCount, v.LongTaskCount}
		},
		text: []string{"view_url", "name"},
		sorts: withSorts(map[string]sortCol{
			"name":                      {"name", textCol},
			"loading_time":              {"loading_time", intCol},
			"first_contentful_paint":    {"first_contentful_paint", intCol},
			"largest_contentful_paint":  {"largest_contentful_paint", intCol},
			"cumulative_layout_shift":   {"cumulative_layout_shift", floatCol},
			"interaction_to_next_paint": {"interaction_to_next_paint", intCol},
			"time_to_first_byte":        {"time_to_first_byte", intCol},
			"time_spent":                {"time_spent", intCol},
			"duration":                  {"time_spent", intCol},
			"action_count":              {"action_count", intCol},
			"error_count":               {"error_count", intCol},
			"resource_count":            {"resource_count", intCol},
			"long_task_count":           {"long_task_count", intCol},
		}),
	},
	rum.TypeAction: {
		typ: rum.TypeAction, name: "actions",
		cols: []string{"action_type", "target_name"},
		vals: func(ev *rum.Event) []any {
			a := ev.Action
			if a == nil {
				a = &rum.ActionFields{}
			}
			return []any{a.Type, a.TargetName}
		},
		text: []string{"target_name"},
		sorts: withSorts(map[string]sortCol{
			"type":        {"action_type", textCol},
			"action_type": {"action_type", textCol},
			"target_name": {"target_name", textCol},
			"name":        {"target_name", textCol},
		}),
	},
	rum.TypeError: {
		typ: rum.TypeError, name: "errors",
		cols: []string{"message", "source", "kind"},
		vals: func(ev *rum.Event) []any {
			e := ev.Error
			if e == nil {
				e = &rum.ErrorFields{}
			}
			return []any{e.Message, e.Source, e.Kind}
		},
		text: []string{"message"},
		sorts: withSorts(map[string]sortCol{
			"message": {"message", textCol},
			"source":  {"source", textCol},
			"kind":    {"kind", textCol},
			"type":    {"kind", textCol},
		}),
	},
	rum.TypeResource: {
		typ: rum.TypeResource, name: "resources",
		cols: []string{"url", "resource_type", "method", "status_code", "duration", "size"},
		vals: func(ev *rum.Event) []any {
			r := ev.Resource
			if r == nil {
				r = &rum.ResourceFields{}
			}
			return []any{r.URL, r.Type, r.Method, r.StatusCode, r.Duration, r.Size}
		},
		text: []string{"url"},
		sorts: withSorts(map[string]sortCol{
			"resource_url":  {"url", textCol},
			"type":          {"resource_type", textCol},
			"resource_type": {"resource_type", textCol},
			"method":        {"method", textCol},
			"status_code":   {"status_code", intCol},
			"status":        {"status_code", intCol},
			"duration":      {"duration", intCol},
			"size":          {"size", intCol},
		}),
	},
	rum.TypeLongTask: {
		typ: rum.TypeLongTask, name: "long_tasks",
		cols: []string{"duration"},
		vals: func(ev *rum.Event) []any {
			if ev.LongTask == nil {
				return []any{int64(0)}
			}
			return []any{ev.LongTask.Duration}
		},
		text:  []string{"view_url"},
		sorts: withSorts(map[string]sortCol{"duration": {"duration", intCol}}),
	},
	rum.TypeVital: {
		typ: rum.TypeVital, name: "vitals",
		vals:  func(*rum.Event) []any { return nil },
		text:  []string{"view_url"},
		sorts: withSorts(nil),
	},
}

func init() {
	for _, t := range eventTables {
		cols := append(append([]string{}, commonCols...), t.cols...)
		ph := strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",")
		t.insertSQL = fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s)`, t.name, strings.Join(cols, ","), ph)
		if t.typ == rum.TypeView {
			// The highest document version wins; equal versions take the
			// later arrival (a retransmission may be fuller).
			var set []string
			for _, c := range cols[1:] {
				set = append(set, c+"=excluded."+c)
			}
			t.insertSQL += ` ON CONFLICT(id) DO UPDATE SET ` + strings.Join(set, ",") +
				` WHERE excluded.document_version >= views.document_version`
		} else {
			// Resent events (same id) are stored once and counted once.
			t.insertSQL += ` ON CONFLICT(id) DO NOTHING`
		}
		t.selectSQL = `SELECT seq, doc, raw FROM ` + t.name
	}
}

// tableFor returns the table of an event type, or ErrBadFilter.
func tableFor(typ string) (*eventTable, error) {
	t, ok := eventTables[typ]
	if !ok {
		return nil, fmt.Errorf("event type %q: %w", typ, store.ErrBadFilter)
	}
	return t, nil
}

// sessionSorts are the sessions explorer's sort keys.
var sessionSorts = map[string]sortCol{
	"date":         {"start", intCol},
	"start":        {"start", intCol},
	"end":          {"end_ms", intCol},
	"duration":     {"duration", intCol},
	"view_count":   {"view_count", intCol},
	"error_count":  {"error_count", intCol},
	"action_count": {"action_count", intCol},
	"user":         {"user_name", textCol},
	"user_id":      {"user_id", textCol},
	"user_email":   {"user_email", textCol},
	"browser":      {"browser", textCol},
	"os":           {"os", textCol},
	"device":       {"device", textCol},
	"app":          {"app", textCol},
	"has_replay":   {"has_replay", intCol},
	"id":           {"id", textCol},
}
