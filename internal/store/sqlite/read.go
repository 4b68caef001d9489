package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// ListSessions returns one page of sessions matching f, in f.Sort order
// (default newest first), with the total number of matches.
func (s *Store) ListSessions(ctx context.Context, f store.Filter) (store.SessionPage, error) {
	o, err := parseSort(f.Sort, sessionSorts)
	if err != nil {
		return store.SessionPage{}, err
	}
	page := store.SessionPage{Sessions: []store.Session{}}
	text, err := s.resolveText(ctx, "sessions", f.Query)
	if err != nil {
		return page, err
	}
	w := sessionWhere(f, text, "")
	if page.Total, page.TotalCapped, err = s.count(ctx, "sessions s", w); err != nil {
		return page, fmt.Errorf("count sessions: %w", err)
	}
	if walk, err := s.shouldWalk(ctx, "sessions", page.Total, page.TotalCapped, clampLimit(f.Limit)); err != nil {
		return page, err
	} else if walk {
		w = sessionWhere(f, text, o.col.col)
	}
	if f.Cursor != "" {
		c, err := o.decodeCursor(f.Cursor)
		if err != nil {
			return page, err
		}
		o.after(w, "s", c)
	}
	limit := clampLimit(f.Limit)
	q := `SELECT ` + prefixed("s", sessionCols) + `, s.seq, s.` + o.col.col + ` FROM sessions s` + w.sql() +
		o.orderBy("s") + fmt.Sprintf(" LIMIT %d", limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, w.args...)
	if err != nil {
		return page, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var lastSeq int64
	var lastVal any
	for rows.Next() {
		if len(page.Sessions) == limit {
			page.NextCursor = o.encodeCursor(lastVal, lastSeq)
			break
		}
		var sess store.Session
		if err := scanSession(rows, &sess, &lastSeq, &lastVal); err != nil {
			return page, fmt.Errorf("list sessions: %w", err)
		}
		page.Sessions = append(page.Sessions, sess)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("list sessions: %w", err)
	}
	return page, nil
}

// count counts matches up to Options.CountCap: an exact count of millions
// of rows costs far more than the page itself. capped reports that the cap
// was reached (n is then the cap).
func (s *Store) count(ctx context.Context, from string, w *where) (n int64, capped bool, err error) {
	limit := s.opts.CountCap
	err = s.rdb.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1 FROM %s%s LIMIT %d)`, from, w.sql(), limit+1),
		w.args...).Scan(&n)
	if n > int64(limit) {
		return int64(limit), true, err
	}
	return n, false, err
}

// shouldWalk decides between the two plans for a page of matches out of a
// table's rows: walk the sort index, filtering, until a page is found (cost
// about limit*rows/matches rows), or collect the matches through the
// filters' indexes and sort them (cost about matches). Walking wins when
// matches > sqrt(limit*rows). MAX(seq) stands in for the row count: one
// index probe, where COUNT(*) reads the whole table.
func (s *Store) shouldWalk(ctx context.Context, table string, matches int64, capped bool, limit int) (bool, error) {
	if capped {
		return true, nil
	}
	var rows sql.NullInt64
	if err := s.rdb.QueryRowContext(ctx, `SELECT MAX(seq) FROM `+table).Scan(&rows); err != nil {
		return false, fmt.Errorf("size of %s: %w", table, err)
	}
	return float64(matches)*float64(matches) > float64(limit)*float64(rows.Int64), nil
}

// prefixed qualifies a comma-separated column list with a table alias.
func prefixed(alias, cols string) string {
	var out []byte
	start := true
	for i := 0; i < len(cols); i++ {
		c := cols[i]
		if start && c != ' ' && c != '\n' && c != '\t' {
			out = append(out, alias...)
			out = append(out, '.')
			start = false
		}
		if c == ',' {
			start = true
		}
		out = append(out, c)
	}
	return string(out)
}

// GetSession returns one session aggregate, or ErrNotFound.
func (s *Store) GetSession(ctx context.Context, id string) (store.Session, error) {
	var sess store.Session
	err := scanSession(s.rdb.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE id = ?`, id), &sess)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, fmt.Errorf("session %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return sess, fmt.Errorf("get session %s: %w", id, err)
	}
	return sess, nil
}

// decodeEvent rebuilds an event from its stored doc and raw columns.
func decodeEvent(doc, raw []byte) (rum.Event, error) {
	var ev rum.Event
	if err := json.Unmarshal(doc, &ev); err != nil {
		return ev, fmt.Errorf("decode stored event: %w", err)
	}
	if raw != nil {
		ev.Raw = json.RawMessage(slices.Clone(raw))
	} else {
		ev.Raw = nil
	}
	return ev, nil
}

// SessionEvents returns a session's events in time order (ties in the order
// of rum.Types, then arrival), of the given types or all.
func (s *Store) SessionEvents(ctx context.Context, sessionID string, types ...string) ([]rum.Event, error) {
	if len(types) == 0 {
		types = rum.Types
	}
	var out []rum.Event
	for _, typ := range types {
		t, err := tableFor(typ)
		if err != nil {
			return nil, err
		}
		rows, err := s.rdb.QueryContext(ctx, t.selectSQL+` WHERE session_id = ? ORDER BY date, seq`, sessionID)
		if err != nil {
			return nil, fmt.Errorf("session %s %s events: %w", sessionID, typ, err)
		}
		for rows.Next() {
			var seq int64
			var doc, raw []byte
			if err := rows.Scan(&seq, &doc, &raw); err != nil {
				rows.Close()
				return nil, fmt.Errorf("session %s %s events: %w", sessionID, typ, err)
			}
			ev, err := decodeEvent(doc, raw)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, ev)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("session %s %s events: %w", sessionID, typ, err)
		}
	}
	slices.SortStableFunc(out, func(a, b rum.Event) int { return int(min(max(a.Date-b.Date, -1), 1)) })
	return out, nil
}

// ListEvents returns one page of events of type typ matching f.
func (s *Store) ListEvents(ctx context.Context, typ string, f store.Filter) (store.EventPage, error) {
	page := store.EventPage{Events: []rum.Event{}}
	t, err := tableFor(typ)
	if err != nil {
		return page, err
	}
	o, err := parseSort(f.Sort, t.sorts)
	if err != nil {
		return page, err
	}
	text, err := s.resolveText(ctx, t.name, f.Query)
	if err != nil {
		return page, err
	}
	w := eventWhere(t, f, text, "")
	if page.Total, page.TotalCapped, err = s.count(ctx, t.name+" e", w); err != nil {
		return page, fmt.Errorf("count %s: %w", t.name, err)
	}
	if walk, err := s.shouldWalk(ctx, t.name, page.Total, page.TotalCapped, clampLimit(f.Limit)); err != nil {
		return page, err
	} else if walk {
		w = eventWhere(t, f, text, o.col.col)
	}
	if f.Cursor != "" {
		c, err := o.decodeCursor(f.Cursor)
		if err != nil {
			return page, err
		}
		o.after(w, "e", c)
	}
	limit := clampLimit(f.Limit)
	q := `SELECT e.seq, e.doc, e.raw, e.` + o.col.col + ` FROM ` + t.name + ` e` + w.sql() + o.orderBy("e") +
		fmt.Sprintf(" LIMIT %d", limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, w.args...)
	if err != nil {
		return page, fmt.Errorf("list %s: %w", t.name, err)
	}
	defer rows.Close()
	var lastSeq int64
	var lastVal any
	for rows.Next() {
		if len(page.Events) == limit {
			page.NextCursor = o.encodeCursor(lastVal, lastSeq)
			break
		}
		var doc, raw []byte
		if err := rows.Scan(&lastSeq, &doc, &raw, &lastVal); err != nil {
			return page, fmt.Errorf("list %s: %w", t.name, err)
		}
		ev, err := decodeEvent(doc, raw)
		if err != nil {
			return page, err
		}
		page.Events = append(page.Events, ev)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("list %s: %w", t.name, err)
	}
	return page, nil
}

// GetEvent returns one event by type and id, or ErrNotFound.
func (s *Store) GetEvent(ctx context.Context, typ, id string) (rum.Event, error) {
	t, err := tableFor(typ)
	if err != nil {
		return rum.Event{}, err
	}
	var seq int64
	var doc, raw []byte
	err = s.rdb.QueryRowContext(ctx, t.selectSQL+` WHERE id = ?`, id).Scan(&seq, &doc, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return rum.Event{}, fmt.Errorf("%s %s: %w", typ, id, store.ErrNotFound)
	}
	if err != nil {
		return rum.Event{}, fmt.Errorf("get %s %s: %w", typ, id, err)
	}
	return decodeEvent(doc, raw)
}

const segmentCols = `id, app, session_id, view_id, start, end_ms, records_count, has_full_snapshot, index_in_view,
	source, creation_reason, raw_size, format, encoding, privacy_level, recorder_version, blob_file, blob_offset, blob_length`

func scanSegment(sc interface{ Scan(...any) error }, m *store.SegmentMeta) error {
	return sc.Scan(&m.ID, &m.AppID, &m.SessionID, &m.ViewID, &m.Start, &m.End, &m.RecordsCount,
		&m.HasFullSnapshot, &m.IndexInView, &m.Source, &m.CreationReason, &m.RawSize, &m.Format, &m.Encoding,
		&m.PrivacyLevel, &m.RecorderVersion, &m.Blob.File, &m.Blob.Offset, &m.Blob.Length)
}

// Segments lists a session's live segments ordered by Start, view and
// IndexInView, optionally only those overlapping [from, to] (0 = open).
func (s *Store) Segments(ctx context.Context, sessionID string, from, to int64) ([]store.SegmentMeta, error) {
	w := &where{}
	w.add("session_id = ?", sessionID)
	w.add("deleted = 0")
	if from != 0 {
		w.add("end_ms >= ?", from)
	}
	if to != 0 {
		w.add("start <= ?", to)
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+segmentCols+` FROM segments`+w.sql()+
		` ORDER BY start, view_id, index_in_view, seq`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("segments of %s: %w", sessionID, err)
	}
	defer rows.Close()
	out := []store.SegmentMeta{}
	for rows.Next() {
		var m store.SegmentMeta
		if err := scanSegment(rows, &m); err != nil {
			return nil, fmt.Errorf("segments of %s: %w", sessionID, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("segments of %s: %w", sessionID, err)
	}
	return out, nil
}

// OpenSegment returns a segment's bytes as stored (compressed). meta needs
// either its Blob ref (as Segments returns it) or just its ID. ErrNotFound
// if the segment or its blob file is gone.
func (s *Store) OpenSegment(ctx context.Context, meta store.SegmentMeta) (io.ReadCloser, error) {
	if meta.Blob.File == "" {
		err := scanSegment(s.rdb.QueryRowContext(ctx, `SELECT `+segmentCols+` FROM segments WHERE id = ? AND deleted = 0`, meta.ID), &meta)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("segment %s: %w", meta.ID, store.ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("segment %s: %w", meta.ID, err)
		}
	}
	rc, err := s.blobs.Open(ctx, meta.Blob)
	if err != nil {
		return nil, fmt.Errorf("segment %s: %w", meta.ID, err)
	}
	return rc, nil
}

// Histogram counts items of typ ("session" or an event type) matching f in
// equal time buckets over [f.From, f.To), or over the matches' own span when
// those are 0. Each bucket is one range count on the time index, which SQLite
// answers from the index alone for unfiltered explorers.
func (s *Store) Histogram(ctx context.Context, typ string, f store.Filter, buckets int) ([]store.Bucket, error) {
	if buckets <= 0 || buckets > 1000 {
		return nil, fmt.Errorf("histogram of %d buckets: %w", buckets, store.ErrBadFilter)
	}
	var from, col string
	var w *where
	var table *eventTable
	var text textMatch
	var err error
	if typ == "session" || typ == "sessions" {
		if text, err = s.resolveText(ctx, "sessions", f.Query); err != nil {
			return nil, err
		}
		from, col, w = "sessions s", "s.start", sessionWhere(f, text, "")
	} else {
		if table, err = tableFor(typ); err != nil {
			return nil, err
		}
		if text, err = s.resolveText(ctx, table.name, f.Query); err != nil {
			return nil, err
		}
		from, col, w = table.name+" e", "e.date", eventWhere(table, f, text, "")
	}
	lo, hi := f.From, f.To
	if lo == 0 || hi == 0 {
		// Two queries: SQLite answers a lone MIN or MAX from the end of
		// the index, but MIN and MAX together by scanning it all.
		var mn, mx sql.NullInt64
		if err := s.rdb.QueryRowContext(ctx, `SELECT MIN(`+col+`) FROM `+from+w.sql(), w.args...).Scan(&mn); err != nil {
			return nil, fmt.Errorf("histogram %s span: %w", typ, err)
		}
		if err := s.rdb.QueryRowContext(ctx, `SELECT MAX(`+col+`) FROM `+from+w.sql(), w.args...).Scan(&mx); err != nil {
			return nil, fmt.Errorf("histogram %s span: %w", typ, err)
		}
		if !mn.Valid {
			return []store.Bucket{}, nil
		}
		if lo == 0 {
			lo = mn.Int64
		}
		if hi == 0 {
			hi = mx.Int64 + 1
		}
	}
	if hi <= lo {
		return []store.Bucket{}, nil
	}
	width := (hi - lo + int64(buckets) - 1) / int64(buckets)
	// Each bucket's bounds replace the filter's own time range: with both,
	// SQLite may range-scan the wide one and test the narrow one per row.
	noRange := f
	noRange.From, noRange.To = 0, 0
	if typ == "session" || typ == "sessions" {
		w = sessionWhere(noRange, text, "")
	} else {
		w = eventWhere(table, noRange, text, "")
	}
	w.add(col+" >= ?", nil)
	w.add(col+" < ?", nil)
	conn, err := s.rdb.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("histogram %s: %w", typ, err)
	}
	defer conn.Close()
	st, err := conn.PrepareContext(ctx, `SELECT COUNT(*) FROM `+from+w.sql())
	if err != nil {
		return nil, fmt.Errorf("histogram %s: %w", typ, err)
	}
	defer st.Close()
	out := make([]store.Bucket, buckets)
	n := len(w.args)
	for i := range out {
		start := lo + int64(i)*width
		out[i].Start = start
		w.args[n-2], w.args[n-1] = start, min(start+width, hi)
		if err := st.QueryRowContext(ctx, w.args...).Scan(&out[i].Count); err != nil {
			return nil, fmt.Errorf("histogram %s bucket %d: %w", typ, i, err)
		}
	}
	return out, nil
}
