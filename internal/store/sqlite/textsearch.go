package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// Free text (Filter.Query) is a case-insensitive substring match over each
// explorer's main text. A LIKE '%q%' scan is fast when q is common (the page
// fills after a few rows) and slow when q is rare (every row is read). An
// FTS5 trigram index is the reverse. So a query first asks the index for up
// to CountCap matching rows: if that is all of them, the list is restricted
// to those rowids; if there are more, q is common and LIKE is used.
//
// Index tables are contentless (they keep only trigrams), keyed by the
// row's seq, and maintained by the writer.

// ftsTables maps a table to its trigram index table. Long tasks and vitals
// search their view URL with LIKE: few rows, rarely searched.
var ftsTables = map[string]string{
	"sessions":  "sessions_fts",
	"views":     "views_fts",
	"actions":   "actions_fts",
	"errors":    "errors_fts",
	"resources": "resources_fts",
}

// sessionText is what free text searches in a session.
func sessionText(s *store.Session) string {
	return strings.Join([]string{s.User.ID, s.User.Name, s.User.Email, s.FirstURL, s.LastURL}, "\n")
}

// eventText is what free text searches in an event (see eventTable.text).
func eventText(ev *rum.Event) string {
	switch ev.Type {
	case rum.TypeView:
		return ev.ViewURL + "\n" + ev.ViewName
	case rum.TypeAction:
		if ev.Action != nil {
			return ev.Action.TargetName
		}
	case rum.TypeError:
		if ev.Error != nil {
			return ev.Error.Message
		}
	case rum.TypeResource:
		if ev.Resource != nil {
			return ev.Resource.URL
		}
	}
	return ""
}

// textMatch is the resolved form of a Filter.Query for one table.
type textMatch struct {
	query  string
	rowids string // JSON array of matching seqs; "" means use LIKE
}

// resolveText probes the trigram index of table for q.
func (s *Store) resolveText(ctx context.Context, table, q string) (textMatch, error) {
	m := textMatch{query: q}
	fts, ok := ftsTables[table]
	if q == "" || !ok || utf8.RuneCountInString(q) < 3 {
		return m, nil // trigrams need three characters
	}
	rows, err := s.rdb.QueryContext(ctx, fmt.Sprintf(`SELECT rowid FROM %[1]s WHERE %[1]s MATCH ? LIMIT %d`, fts, s.opts.CountCap+1),
		`"`+strings.ReplaceAll(q, `"`, `""`)+`"`)
	if err != nil {
		return m, fmt.Errorf("text search %s: %w", table, err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return m, fmt.Errorf("text search %s: %w", table, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return m, fmt.Errorf("text search %s: %w", table, err)
	}
	if len(ids) > s.opts.CountCap {
		return m, nil // common: LIKE finds a page quickly
	}
	b, _ := json.Marshal(ids)
	m.rowids = string(b)
	return m, nil
}

// cond adds the text condition on alias.seq, or LIKE over cols.
func (m textMatch) cond(w *where, alias string, cols []string, extraOr string, extraArgs ...any) {
	if m.query == "" {
		return
	}
	var ors []string
	var args []any
	if extraOr != "" {
		ors = append(ors, extraOr)
		args = append(args, extraArgs...)
	}
	if m.rowids != "" {
		ors = append(ors, alias+".seq IN (SELECT value FROM json_each(?))")
		args = append(args, m.rowids)
	} else {
		for _, c := range cols {
			ors = append(ors, alias+"."+c+` LIKE ? ESCAPE '\'`)
			args = append(args, contains(m.query))
		}
	}
	w.add("("+strings.Join(ors, " OR ")+")", args...)
}

// indexText queues the trigram entry of one row (written, or rewritten,
// by writeTexts).
func (b *batch) indexText(table string, seq int64, text string) {
	if _, ok := ftsTables[table]; !ok {
		return
	}
	b.texts = append(b.texts, pendingText{table: table, seq: seq, text: text})
}

// pendingText is a trigram entry waiting for writeTexts.
type pendingText struct {
	table string
	seq   int64
	text  string
}

// writeTexts writes the queued trigram entries, grouped by index. They are
// written together at the end because FTS5 keeps a transaction's new terms
// in memory only until the next statement that opens a statement journal
// (an upsert, an UPDATE): then it flushes them to disk as a new segment and
// soon merges segments. Interleaved with the row writes, that was one
// flush and merge per event; grouped, it is one per batch.
func (b *batch) writeTexts() error {
	slices.SortStableFunc(b.texts, func(x, y pendingText) int { return strings.Compare(x.table, y.table) })
	for _, t := range b.texts {
		st, err := b.stmt(`INSERT OR REPLACE INTO ` + ftsTables[t.table] + `(rowid, text) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(b.ctx, t.seq, t.text); err != nil {
			return fmt.Errorf("index text of %s %d: %w", t.table, t.seq, err)
		}
	}
	b.texts = b.texts[:0]
	return nil
}

// unindexText deletes the trigram entries of the rows of table selected by
// `seq IN (subquery)`; callers run it before deleting those rows.
func unindexText(ctx context.Context, tx *sql.Tx, table, subquery string, args ...any) error {
	fts, ok := ftsTables[table]
	if !ok {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+fts+` WHERE rowid IN (`+subquery+`)`, args...); err != nil {
		return fmt.Errorf("unindex text of %s: %w", table, err)
	}
	return nil
}

func migrateTextSearch(ctx context.Context, tx *sql.Tx) error {
	backfill := map[string]string{
		"sessions":  `user_id || char(10) || user_name || char(10) || user_email || char(10) || first_url || char(10) || last_url`,
		"views":     `view_url || char(10) || name`,
		"actions":   `target_name`,
		"errors":    `message`,
		"resources": `url`,
	}
	for _, table := range []string{"sessions", "views", "actions", "errors", "resources"} {
		fts := table + "_fts"
		if _, err := tx.ExecContext(ctx, `CREATE VIRTUAL TABLE `+fts+` USING fts5(text, content='', contentless_delete=1, tokenize='trigram')`); err != nil {
			return fmt.Errorf("create %s: %w", fts, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+fts+`(rowid, text) SELECT seq, `+backfill[table]+` FROM `+table); err != nil {
			return fmt.Errorf("fill %s: %w", fts, err)
		}
	}
	return nil
}
