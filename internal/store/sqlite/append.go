package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
	"github.com/reprise-rum/reprise/internal/useragent"
)

type uaInfo = useragent.Info

// AppendEvents stores events durably, returning once their batch has
// committed. Views keep their highest DocumentVersion; session aggregates
// change in the same transaction. An event without a session id or of an
// unknown type fails the whole call with rum.ErrInvalid (ingest rejects such
// events one by one before calling). store.ErrOverloaded when the write
// queue is full, store.ErrClosed after Close.
func (s *Store) AppendEvents(ctx context.Context, events []rum.Event) error {
	if len(events) == 0 {
		return nil
	}
	for i := range events {
		ev := &events[i]
		if _, ok := eventTables[ev.Type]; !ok {
			return fmt.Errorf("append events: event %d: %w: unknown type %q", i, rum.ErrInvalid, ev.Type)
		}
		if ev.SessionID == "" {
			return fmt.Errorf("append events: event %d: %w: no session id", i, rum.ErrInvalid)
		}
	}
	// The writer may still read the events after a cancelled caller has
	// moved on, so it gets its own copy of the slice. Ids, row values and
	// parsed user agents are made here, on the caller's goroutine (many run
	// at once), so the single writer only writes.
	r := &request{events: append([]rum.Event(nil), events...)}
	r.rows = make([]eventRow, len(r.events))
	uas := map[string]uaInfo{} // a batch comes from one browser, mostly
	for i := range r.events {
		ev := &r.events[i]
		if ev.ID == "" {
			ev.ID = newID()
		}
		ua, ok := uas[ev.UserAgent]
		if !ok {
			ua = useragent.Parse(ev.UserAgent)
			uas[ev.UserAgent] = ua
		}
		args, err := rowArgs(ev, eventTables[ev.Type], ua)
		if err != nil {
			return fmt.Errorf("append events: %w", err)
		}
		r.rows[i] = eventRow{args: args, ua: ua}
	}
	return s.enqueue(ctx, r)
}

// eventRow is an event's prepared insert: its column values, and its
// parsed user agent for the session aggregate.
type eventRow struct {
	args []any
	ua   uaInfo
}

// AppendSegment stores one replay segment: its bytes in a blob file (synced)
// and its index row (committed) before returning. meta.ID is assigned here.
func (s *Store) AppendSegment(ctx context.Context, meta store.SegmentMeta, data []byte) error {
	if meta.SessionID == "" {
		return fmt.Errorf("append segment: %w: no session id", rum.ErrInvalid)
	}
	meta.ID = newID()
	return s.enqueue(ctx, &request{seg: &segmentWrite{meta: meta, data: append([]byte(nil), data...)}})
}

// newID makes a 24-hex-digit id that starts with the time in microseconds,
// so that ids assigned by the store land at the end of their unique index
// rather than on a random page of it; 40 random bits keep them unique.
func newID() string {
	var b [5]byte
	rand.Read(b[:])
	return fmt.Sprintf("%014x", time.Now().UnixMicro()) + hex.EncodeToString(b[:])
}

// effect is what one stored row does to its session's aggregate.
type effect struct {
	ev      *rum.Event
	ua      uaInfo // the event's parsed user agent
	seg     *store.SegmentMeta
	counted bool // a new view, action or error (not a resend or a newer view version)
}

// stmt prepares query once per batch; the transaction closes it.
func (b *batch) stmt(query string) (*sql.Stmt, error) {
	if st, ok := b.stmts[query]; ok {
		return st, nil
	}
	st, err := b.tx.PrepareContext(b.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare %.40s: %w", query, err)
	}
	b.stmts[query] = st
	return st, nil
}

// insertEvents writes one request's events; rows are their prepared
// values (AppendEvents).
func (b *batch) insertEvents(events []rum.Event, rows []eventRow) ([]effect, error) {
	effects := make([]effect, 0, len(events))
	for i := range events {
		ev := &events[i]
		t := eventTables[ev.Type]
		st, err := b.stmt(t.insertSQL)
		if err != nil {
			return nil, err
		}
		isNewView := false
		if t.typ == rum.TypeView {
			viewExists, err := b.stmt(`SELECT 1 FROM views WHERE id = ?`)
			if err != nil {
				return nil, err
			}
			var one int
			err = viewExists.QueryRowContext(b.ctx, ev.ID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				isNewView = true
			} else if err != nil {
				return nil, fmt.Errorf("store view %s: %w", ev.ID, err)
			}
		}
		res, err := st.ExecContext(b.ctx, rows[i].args...)
		if err != nil {
			return nil, fmt.Errorf("store %s %s of session %s: %w", ev.Type, ev.ID, ev.SessionID, err)
		}
		counted := isNewView
		if t.typ != rum.TypeView {
			n, _ := res.RowsAffected()
			counted = n == 1
		}
		// A view's text (URL, name) is fixed for its id, so only a new row
		// is indexed; a resent event is not a new row.
		if counted {
			seq, err := res.LastInsertId()
			if err != nil {
				return nil, fmt.Errorf("store %s %s: %w", ev.Type, ev.ID, err)
			}
			b.indexText(t.name, seq, eventText(ev))
		}
		effects = append(effects, effect{ev: ev, ua: rows[i].ua, counted: counted})
	}
	return effects, nil
}

// rowArgs are the values of commonCols then t.cols.
func rowArgs(ev *rum.Event, t *eventTable, ua uaInfo) ([]any, error) {
	raw := ev.Raw
	doc := *ev
	doc.Raw = nil
	docJSON, err := json.Marshal(&doc)
	if err != nil {
		return nil, fmt.Errorf("encode %s %s: %w", ev.Type, ev.ID, err)
	}
	args := []any{ev.ID, ev.SessionID, ev.ViewID, ev.AppID, ev.Date, ev.ViewURL, ev.Service, ev.Env,
		ev.Version, ev.UserID, ev.UserName, ev.UserEmail, ua.Browser, ua.OS, ua.Device, docJSON, []byte(raw)}
	return append(args, t.vals(ev)...), nil
}

// insertSegment writes one segment's index row (its blob is already synced).
func (b *batch) insertSegment(m *store.SegmentMeta) ([]effect, error) {
	st, err := b.stmt(`INSERT INTO segments (id, app, session_id, view_id, start, end_ms,
		records_count, has_full_snapshot, index_in_view, source, creation_reason, raw_size, format, encoding,
		privacy_level, recorder_version, blob_file, blob_offset, blob_length)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return nil, err
	}
	_, err = st.ExecContext(b.ctx, m.ID, m.AppID, m.SessionID, m.ViewID, m.Start, m.End, m.RecordsCount, m.HasFullSnapshot, m.IndexInView,
		m.Source, m.CreationReason, m.RawSize, m.Format, m.Encoding, m.PrivacyLevel, m.RecorderVersion,
		m.Blob.File, m.Blob.Offset, m.Blob.Length)
	if err != nil {
		return nil, fmt.Errorf("store segment index for session %s: %w", m.SessionID, err)
	}
	return []effect{{seg: m}}, nil
}
