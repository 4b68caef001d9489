package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// sessionRow is a session aggregate being updated by the writer.
type sessionRow struct {
	store.Session
	lastDate int64  // newest event date folded in: newest-wins fields follow it
	text     string // sessionText as stored in the text index ("" if none yet)
	orig     []any  // sessionValues as loaded; nil for a session not yet stored
	hasTime  bool   // start/end hold real values
	dirty    bool
}

const sessionCols = `id, app, start, end_ms, duration, view_count, error_count, action_count, has_replay,
	user_id, user_name, user_email, user_agent, browser, os, device, service, env, version, first_url, last_url`

func scanSession(sc interface{ Scan(...any) error }, s *store.Session, extra ...any) error {
	dest := []any{&s.ID, &s.ApplicationID, &s.Start, &s.End, &s.Duration, &s.ViewCount, &s.ErrorCount,
		&s.ActionCount, &s.HasReplay, &s.User.ID, &s.User.Name, &s.User.Email, &s.UserAgent, &s.Browser, &s.OS,
		&s.Device, &s.Service, &s.Env, &s.Version, &s.FirstURL, &s.LastURL}
	return sc.Scan(append(dest, extra...)...)
}

// session returns the aggregate of id, loaded from the table on first use in
// this batch, or a new one.
func (b *batch) session(id string) (*sessionRow, error) {
	if r, ok := b.sessions[id]; ok {
		return r, nil
	}
	if c, ok := b.cache.get(id); ok {
		r := &sessionRow{Session: c.s, lastDate: c.lastDate, hasTime: true}
		r.text = sessionText(&r.Session)
		r.orig = sessionValues(&r.Session, r.lastDate)
		b.sessions[id] = r
		return r, nil
	}
	st, err := b.stmt(`SELECT ` + sessionCols + `, last_date FROM sessions WHERE id = ?`)
	if err != nil {
		return nil, err
	}
	r := &sessionRow{}
	err = scanSession(st.QueryRowContext(b.ctx, id), &r.Session, &r.lastDate)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		r = &sessionRow{Session: store.Session{ID: id}}
	case err != nil:
		return nil, fmt.Errorf("load session %s: %w", id, err)
	default:
		r.hasTime = true
		r.text = sessionText(&r.Session)
		r.orig = sessionValues(&r.Session, r.lastDate)
	}
	b.sessions[id] = r
	return r, nil
}

// fold applies stored rows to their sessions' aggregates.
func (b *batch) fold(effects []effect) error {
	for _, e := range effects {
		sid := ""
		if e.ev != nil {
			sid = e.ev.SessionID
		} else {
			sid = e.seg.SessionID
		}
		r, err := b.session(sid)
		if err != nil {
			return err
		}
		if e.ev != nil {
			r.addEvent(e.ev, e.counted, e.ua)
		} else {
			r.addSegment(e.seg)
		}
		r.dirty = true
	}
	return nil
}

func (r *sessionRow) span(start, end int64) {
	if start <= 0 {
		// No time: better no extent than a session reaching back to 1970.
		return
	}
	if !r.hasTime {
		r.Start, r.End, r.hasTime = start, end, true
		return
	}
	r.Start = min(r.Start, start)
	r.End = max(r.End, end)
}

// addEvent folds one event: start is the earliest date, end the latest of
// date (+ time spent, for views); counts go up for new views (distinct view
// ids), actions and errors; user, user agent, service/env/version and last
// URL follow the newest event that carries them.
func (r *sessionRow) addEvent(ev *rum.Event, counted bool, ua uaInfo) {
	oldStart, had := r.Start, r.hasTime
	end := ev.Date
	if ev.Type == rum.TypeView && ev.View != nil && ev.View.TimeSpent > 0 {
		end += ev.View.TimeSpent / 1e6 // ns → ms
	}
	r.span(ev.Date, end)
	if r.ApplicationID == "" {
		r.ApplicationID = ev.AppID
	}
	if ev.ViewURL != "" && (r.FirstURL == "" || !had || ev.Date < oldStart) {
		r.FirstURL = ev.ViewURL
	}
	newest := ev.Date >= r.lastDate
	set := func(dst *string, v string) {
		if v != "" && (newest || *dst == "") {
			*dst = v
		}
	}
	set(&r.LastURL, ev.ViewURL)
	set(&r.User.ID, ev.UserID)
	set(&r.User.Name, ev.UserName)
	set(&r.User.Email, ev.UserEmail)
	set(&r.Service, ev.Service)
	set(&r.Env, ev.Env)
	set(&r.Version, ev.Version)
	if ev.UserAgent != "" && (newest || r.UserAgent == "") {
		r.UserAgent, r.Browser, r.OS, r.Device = ev.UserAgent, ua.Browser, ua.OS, ua.Device
	}
	if newest {
		r.lastDate = ev.Date
	}
	r.HasReplay = r.HasReplay || ev.HasReplay
	if counted {
		switch ev.Type {
		case rum.TypeView:
			r.ViewCount++
		case rum.TypeError:
			r.ErrorCount++
		case rum.TypeAction:
			r.ActionCount++
		}
	}
}

func (r *sessionRow) addSegment(m *store.SegmentMeta) {
	start, end := m.Start, max(m.End, m.Start)
	r.span(start, end)
	if r.ApplicationID == "" {
		r.ApplicationID = m.AppID
	}
	r.HasReplay = true
}

// sessionValues pairs each stored column of a session with its value, in
// sessionCols order plus last_date.
func sessionValues(s *store.Session, lastDate int64) []any {
	return []any{s.ID, s.ApplicationID, s.Start, s.End, s.Duration, s.ViewCount, s.ErrorCount, s.ActionCount,
		s.HasReplay, s.User.ID, s.User.Name, s.User.Email, s.UserAgent, s.Browser, s.OS, s.Device, s.Service,
		s.Env, s.Version, s.FirstURL, s.LastURL, lastDate}
}

var sessionColNames = func() []string {
	names := strings.Split(sessionCols+", last_date", ",")
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	return names
}()

// flushSessions writes every changed aggregate (and the batch's queued
// text index entries) and forgets them all, so a
// following delete in the same batch is not undone by a stale cached row.
// An existing session is updated in the columns that changed only: each
// sessions column has its own index, and SQLite rewrites the entries of
// every index whose column is SET, changed or not.
func (b *batch) flushSessions() error {
	for id, r := range b.sessions {
		if !r.dirty {
			continue
		}
		s := &r.Session
		s.Duration = s.End - s.Start
		vals := sessionValues(s, r.lastDate)
		var query string
		var args []any
		if r.orig == nil {
			query = `INSERT INTO sessions (` + sessionCols + `, last_date) VALUES (?` +
				strings.Repeat(",?", len(vals)-1) + `) RETURNING seq`
			args = vals
		} else {
			var sets []string
			for i, v := range vals {
				if v != r.orig[i] {
					sets = append(sets, sessionColNames[i]+" = ?")
					args = append(args, v)
				}
			}
			if len(sets) == 0 {
				b.stored[id] = storedSession{s: *s, lastDate: r.lastDate}
				continue
			}
			query = `UPDATE sessions SET ` + strings.Join(sets, ", ") + ` WHERE id = ? RETURNING seq`
			args = append(args, id)
		}
		st, err := b.stmt(query)
		if err != nil {
			return err
		}
		var seq int64
		if err := st.QueryRowContext(b.ctx, args...).Scan(&seq); err != nil {
			return fmt.Errorf("store session %s: %w", id, err)
		}
		if text := sessionText(s); text != r.text {
			b.indexText("sessions", seq, text)
		}
		b.stored[id] = storedSession{s: *s, lastDate: r.lastDate}
	}
	clear(b.sessions)
	// The text entries go with the sessions: a delete that follows must
	// find every row's entry in place.
	return b.writeTexts()
}

// storedSession is a session aggregate as this writer last stored it.
type storedSession struct {
	s        store.Session
	lastDate int64
}

// sessionCache keeps the stored aggregates of recently active sessions
// across batches, so that a batch updates a busy session without reading it
// back first (a third of the aggregation's cost). Only the writer goroutine
// uses it, and only the writer writes sessions: it is exact as long as it
// is filled only from committed batches and emptied when a batch deletes
// rows or fails.
type sessionCache struct {
	m   map[string]storedSession
	max int
}

func newSessionCache(max int) *sessionCache {
	return &sessionCache{m: make(map[string]storedSession), max: max}
}

func (c *sessionCache) get(id string) (storedSession, bool) {
	if c == nil {
		return storedSession{}, false
	}
	v, ok := c.m[id]
	return v, ok
}

func (c *sessionCache) put(id string, v storedSession) {
	if c == nil || c.max <= 0 {
		return
	}
	if _, ok := c.m[id]; !ok && len(c.m) >= c.max {
		// Forget a quarter, in map order (as good as random here): cheaper
		// than tracking recency on every event, and busy sessions come back
		// with their next batch.
		n := c.max / 4
		for k := range c.m {
			delete(c.m, k)
			if n--; n <= 0 {
				break
			}
		}
	}
	c.m[id] = v
}

func (c *sessionCache) clear() {
	if c != nil {
		clear(c.m)
	}
}

// committed moves what the batch stored into the cache, once its
// transaction has committed.
func (b *batch) committed() {
	if b.dropCache {
		b.cache.clear()
		return
	}
	for id, v := range b.stored {
		b.cache.put(id, v)
	}
}
