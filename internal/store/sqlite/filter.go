package sqlite

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

const (
	defaultLimit = 50
	maxLimit     = 1000
)

// where collects the conditions of one query.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// contains is a LIKE pattern matching s anywhere (ASCII case-insensitive,
// as SQLite's LIKE is); use with ESCAPE '\'.
func contains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// browserCond matches "Chrome" to "Chrome 120" as well as the exact value.
// The prefix is a range (every string starting "Chrome " sorts between
// "Chrome " and "Chrome!") so that the browser index serves both terms.
func browserCond(w *where, col, v string) {
	w.add("("+col+" = ? OR ("+col+" > ? AND "+col+" < ?))", v, v+" ", v+"!")
}

// colRef names alias.col in a condition. When walk names a column (the sort
// column of a page known to have many matches), every other column gets a
// unary + that keeps the planner off its index: it then walks the sort
// column's index and stops after one page, instead of collecting every match
// through a filter's index and sorting them all. With few matches the
// reverse is faster, so walk is "" then (ListSessions, ListEvents decide).
func colRef(alias, walk string) func(col string) string {
	return func(col string) string {
		if walk != "" && col != walk {
			return "+" + alias + "." + col
		}
		return alias + "." + col
	}
}

// sessionWhere turns f into conditions on the sessions table (alias s).
// Event-only fields (StatusCode, ResourceType, ActionType, ErrorSource) do
// not apply to sessions and are ignored.
func sessionWhere(f store.Filter, text textMatch, walk string) *where {
	w := &where{}
	c := colRef("s", walk)
	scopeConds(w, c, "start", f)
	if f.SessionID != "" {
		w.add(c("id")+" = ?", f.SessionID)
	}
	if f.ViewID != "" {
		w.add(c("id")+" IN (SELECT session_id FROM views WHERE id = ?)", f.ViewID)
	}
	if f.URL != "" {
		w.add(c("id")+` IN (SELECT session_id FROM views WHERE view_url LIKE ? ESCAPE '\')`, contains(f.URL))
	}
	clientConds(w, c, f)
	text.cond(w, "s", []string{"user_id", "user_name", "user_email", "first_url", "last_url"}, "s.id = ?", f.Query)
	if f.HasReplay != nil {
		w.add(c("has_replay")+" = ?", *f.HasReplay)
	}
	if f.HasError != nil {
		if *f.HasError {
			w.add(c("error_count") + " > 0")
		} else {
			w.add(c("error_count") + " = 0")
		}
	}
	return w
}

// eventWhere turns f into conditions on t's table (alias e). HasReplay and
// HasError ask about the event's session, except that HasError on views asks
// whether the view itself had errors. walk: as for sessionWhere.
func eventWhere(t *eventTable, f store.Filter, text textMatch, walk string) *where {
	w := &where{}
	c := colRef("e", walk)
	scopeConds(w, c, "date", f)
	if f.SessionID != "" {
		w.add(c("session_id")+" = ?", f.SessionID)
	}
	if f.ViewID != "" {
		w.add(c("view_id")+" = ?", f.ViewID)
	}
	if f.URL != "" {
		w.add(c("view_url")+` LIKE ? ESCAPE '\'`, contains(f.URL))
	}
	clientConds(w, c, f)
	text.cond(w, "e", t.text, "")
	if f.HasReplay != nil {
		w.add("EXISTS (SELECT 1 FROM sessions s WHERE s.id = e.session_id AND s.has_replay = ?)", *f.HasReplay)
	}
	if f.HasError != nil {
		switch {
		case t.typ == rum.TypeView && *f.HasError:
			w.add(c("error_count") + " > 0")
		case t.typ == rum.TypeView:
			w.add(c("error_count") + " = 0")
		case *f.HasError:
			w.add("EXISTS (SELECT 1 FROM sessions s WHERE s.id = e.session_id AND s.error_count > 0)")
		default:
			w.add("EXISTS (SELECT 1 FROM sessions s WHERE s.id = e.session_id AND s.error_count = 0)")
		}
	}
	switch t.typ {
	case rum.TypeResource:
		if f.StatusCode != 0 {
			w.add(c("status_code")+" = ?", f.StatusCode)
		}
		if f.ResourceType != "" {
			w.add(c("resource_type")+" = ?", f.ResourceType)
		}
	case rum.TypeAction:
		if f.ActionType != "" {
			w.add(c("action_type")+" = ?", f.ActionType)
		}
	case rum.TypeError:
		if f.ErrorSource != "" {
			w.add(c("source")+" = ?", f.ErrorSource)
		}
	}
	return w
}

// order is a parsed Filter.Sort.
type order struct {
	key  string // as the caller named it
	col  sortCol
	desc bool
}

func parseSort(sort string, sorts map[string]sortCol) (order, error) {
	if sort == "" {
		sort = "-date"
	}
	o := order{key: strings.TrimPrefix(sort, "-"), desc: strings.HasPrefix(sort, "-")}
	col, ok := sorts[o.key]
	if !ok {
		return order{}, fmt.Errorf("sort by %q: %w: unknown column", o.key, store.ErrBadFilter)
	}
	o.col = col
	return o, nil
}

// orderBy sorts by the column, then by seq (rowid) in the same direction:
// the tie-break that keeps paging exact when many rows share a sort value.
func (o order) orderBy(alias string) string {
	dir := " ASC"
	if o.desc {
		dir = " DESC"
	}
	return " ORDER BY " + alias + "." + o.col.col + dir + ", " + alias + ".seq" + dir
}

// after adds the keyset condition for a cursor: rows strictly past the last
// row of the previous page in sort order.
func (o order) after(w *where, alias string, c cursor) {
	op := ">"
	if o.desc {
		op = "<"
	}
	w.add(fmt.Sprintf("(%[1]s.%[2]s, %[1]s.seq) %[3]s (?, ?)", alias, o.col.col, op), c.Value, c.Seq)
}

// cursor is the position after the last row of a page. It is opaque to
// callers (base64 of JSON) and names its sort so that a cursor is never
// applied to a different order.
type cursor struct {
	Key   string `json:"k"`
	Desc  bool   `json:"d,omitempty"`
	Value any    `json:"v"`
	Seq   int64  `json:"s"`
}

func (o order) encodeCursor(value any, seq int64) string {
	b, _ := json.Marshal(cursor{Key: o.key, Desc: o.desc, Value: value, Seq: seq})
	return base64.RawURLEncoding.EncodeToString(b)
}

func (o order) decodeCursor(s string) (cursor, error) {
	bad := func(why string) (cursor, error) {
		return cursor{}, fmt.Errorf("cursor: %w: %s", store.ErrBadFilter, why)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return bad("not base64")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var c cursor
	if err := dec.Decode(&c); err != nil {
		return bad("malformed")
	}
	if c.Key != o.key || c.Desc != o.desc {
		return bad("made for another sort order")
	}
	switch v := c.Value.(type) {
	case json.Number:
		switch o.col.kind {
		case intCol:
			n, err := v.Int64()
			if err != nil {
				return bad("value not an integer")
			}
			c.Value = n
		case floatCol:
			f, err := v.Float64()
			if err != nil {
				return bad("value not a number")
			}
			c.Value = f
		default:
			return bad("value of the wrong kind")
		}
	case string:
		if o.col.kind != textCol {
			return bad("value of the wrong kind")
		}
	default:
		return bad("value of the wrong kind")
	}
	return c, nil
}

func clampLimit(n int) int {
	if n <= 0 {
		return defaultLimit
	}
	return min(n, maxLimit)
}

// scopeConds adds the conditions sessions and events share: the time range on
// timeCol, application, env, service, version and user.
func scopeConds(w *where, c func(string) string, timeCol string, f store.Filter) {
	if f.From != 0 {
		w.add(c(timeCol)+" >= ?", f.From)
	}
	if f.To != 0 {
		w.add(c(timeCol)+" < ?", f.To)
	}
	if f.App != "" {
		w.add(c("app")+" = ?", f.App)
	}
	if f.Env != "" {
		w.add(c("env")+" = ?", f.Env)
	}
	if f.Service != "" {
		w.add(c("service")+" = ?", f.Service)
	}
	if f.Version != "" {
		w.add(c("version")+" = ?", f.Version)
	}
	if f.User != "" {
		w.add("("+c("user_id")+" = ? OR "+c("user_email")+" = ? OR "+c("user_name")+" = ?)", f.User, f.User, f.User)
	}
}

// clientConds adds the browser, OS and device conditions.
func clientConds(w *where, c func(string) string, f store.Filter) {
	if f.Browser != "" {
		browserCond(w, c("browser"), f.Browser)
	}
	if f.OS != "" {
		w.add(c("os")+" = ?", f.OS)
	}
	if f.Device != "" {
		w.add(c("device")+" = ?", strings.ToLower(f.Device))
	}
}
