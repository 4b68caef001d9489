package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/reprise-rum/reprise/internal/store"
)

// retentionChunk is how many expired sessions one writer batch deletes:
// retention of a large store then interleaves with ingest instead of holding
// the writer (and filling the queue) for minutes.
const retentionChunk = 500

// Delete removes a session's aggregate and events and marks its segments
// deleted; their bytes go when DeleteBefore finds their blob file holds no
// live segment. ErrNotFound if nothing had the id.
//
// It serves erasure requests: with SQLite's secure_delete on for the
// duration, the deleted rows are overwritten with zeros instead of lingering
// in free pages, and after the commit a checkpoint moves the zeroed pages into
// the database file and truncates the WAL that still held the old ones (best
// effort: a long-running reader can keep the WAL until the next checkpoint).
func (s *Store) Delete(ctx context.Context, sessionID string) error {
	return s.enqueue(ctx, &request{op: func(ctx context.Context, b *batch) (func(), error) {
		if _, err := b.tx.ExecContext(ctx, `PRAGMA secure_delete=ON`); err != nil {
			return nil, fmt.Errorf("delete session %s: secure_delete: %w", sessionID, err)
		}
		defer b.tx.ExecContext(ctx, `PRAGMA secure_delete=OFF`) // appends stay cheap
		// The text indexes (contentless FTS5) would otherwise keep a deleted
		// row's trigrams in their segments until a merge: FTS5's own
		// secure-delete removes them now. It is a persistent setting of each
		// index; setting it again is a one-row write.
		for _, fts := range ftsTables {
			if _, err := b.tx.ExecContext(ctx, `INSERT INTO `+fts+`(`+fts+`, rank) VALUES('secure-delete', 1)`); err != nil {
				return nil, fmt.Errorf("delete session %s: %s secure-delete: %w", sessionID, fts, err)
			}
		}
		// The session's replay bytes share blob files with other sessions:
		// they are overwritten with zeros once the deletion has committed.
		refs, err := segmentRefs(ctx, b.tx, sessionID)
		if err != nil {
			return nil, fmt.Errorf("delete session %s: %w", sessionID, err)
		}
		ids, _ := json.Marshal([]string{sessionID})
		n, err := deleteSessions(ctx, b.tx, string(ids))
		if err != nil {
			return nil, fmt.Errorf("delete session %s: %w", sessionID, err)
		}
		if n == 0 {
			return nil, fmt.Errorf("delete session %s: %w", sessionID, store.ErrNotFound)
		}
		return func() {
			if err := s.blobs.Scrub(refs); err != nil {
				s.log.Error("store: could not scrub an erased session's replay bytes", "session", sessionID, "err", err)
			}
			if err := truncateWAL(ctx, s.wdb); err != nil {
				s.log.Warn("store: checkpoint after an erasure failed; the WAL keeps old pages until the next one", "err", err)
			}
		}, nil
	}})
}

// deleteSessions removes the sessions whose ids are in the JSON array ids,
// with their events and text index entries, and marks their segments
// deleted. It returns how many rows of any kind it found.
func deleteSessions(ctx context.Context, tx *sql.Tx, ids string) (int64, error) {
	in := `(SELECT value FROM json_each(?))`
	var found int64
	exec := func(query string) error {
		res, err := tx.ExecContext(ctx, query, ids)
		if err != nil {
			return fmt.Errorf("%.50s: %w", query, err)
		}
		n, _ := res.RowsAffected()
		found += n
		return nil
	}
	for _, t := range eventTables {
		if err := unindexText(ctx, tx, t.name, `SELECT seq FROM `+t.name+` WHERE session_id IN `+in, ids); err != nil {
			return 0, err
		}
		if err := exec(`DELETE FROM ` + t.name + ` WHERE session_id IN ` + in); err != nil {
			return 0, err
		}
	}
	if err := exec(`UPDATE segments SET deleted = 1 WHERE deleted = 0 AND session_id IN ` + in); err != nil {
		return 0, err
	}
	if err := unindexText(ctx, tx, "sessions", `SELECT seq FROM sessions WHERE id IN `+in, ids); err != nil {
		return 0, err
	}
	if err := exec(`DELETE FROM sessions WHERE id IN ` + in); err != nil {
		return 0, err
	}
	return found, nil
}

// DeleteBefore removes every session that ended before cutoff (ms since
// epoch), with its events, and marks its segments deleted; then it drops
// each blob file left without a live segment. It works in chunks of
// retentionChunk sessions, each its own writer batch, and returns how many
// sessions it removed (also when it stops early on an error).
func (s *Store) DeleteBefore(ctx context.Context, cutoff int64) (int64, error) {
	var removed int64
	for {
		var n int64
		err := s.enqueue(ctx, &request{op: func(ctx context.Context, b *batch) (func(), error) {
			var ids []string
			rows, err := b.tx.QueryContext(ctx, `SELECT id FROM sessions WHERE end_ms < ? LIMIT ?`, cutoff, retentionChunk)
			if err != nil {
				return nil, fmt.Errorf("retention: expired sessions: %w", err)
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return nil, fmt.Errorf("retention: expired sessions: %w", err)
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, fmt.Errorf("retention: expired sessions: %w", err)
			}
			if len(ids) == 0 {
				return nil, nil
			}
			js, _ := json.Marshal(ids)
			if _, err := deleteSessions(ctx, b.tx, string(js)); err != nil {
				return nil, fmt.Errorf("retention: %w", err)
			}
			n = int64(len(ids))
			return nil, nil
		}})
		if err != nil {
			return removed, err
		}
		removed += n
		if n < retentionChunk {
			break
		}
	}
	err := s.enqueue(ctx, &request{op: func(ctx context.Context, b *batch) (func(), error) {
		drop, err := s.droppableFiles(ctx, b)
		if err != nil {
			return nil, err
		}
		for _, f := range drop {
			if _, err := b.tx.ExecContext(ctx, `DELETE FROM segments WHERE blob_file = ?`, f); err != nil {
				return nil, fmt.Errorf("retention segment rows of %s: %w", f, err)
			}
		}
		// Files go only after the commit: were it to fail, the rows
		// would still point at them.
		return func() {
			for _, f := range drop {
				if err := s.blobs.Remove(f); err != nil {
					s.log.Error("store: retention could not remove blob file", "file", f, "err", err)
				}
			}
		}, nil
	}})
	return removed, err
}

// droppableFiles lists blob files with no live segment, sparing those that
// received bytes in this very batch (their rows may not be inserted yet).
func (s *Store) droppableFiles(ctx context.Context, b *batch) ([]string, error) {
	files, err := s.blobs.Files()
	if err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	rows, err := b.tx.QueryContext(ctx, `SELECT DISTINCT blob_file FROM segments WHERE deleted = 0`)
	if err != nil {
		return nil, fmt.Errorf("retention live files: %w", err)
	}
	live := map[string]bool{}
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			rows.Close()
			return nil, fmt.Errorf("retention live files: %w", err)
		}
		live[f] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("retention live files: %w", err)
	}
	var drop []string
	for _, f := range files {
		if !live[f] && !b.pendingFiles[f] {
			drop = append(drop, f)
		}
	}
	return drop, nil
}

// segmentRefs lists where a session's live segments are stored.
func segmentRefs(ctx context.Context, tx *sql.Tx, sessionID string) ([]store.BlobRef, error) {
	rows, err := tx.QueryContext(ctx, `SELECT blob_file, blob_offset, blob_length FROM segments WHERE session_id = ? AND deleted = 0`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("segment refs: %w", err)
	}
	defer rows.Close()
	var refs []store.BlobRef
	for rows.Next() {
		var r store.BlobRef
		if err := rows.Scan(&r.File, &r.Offset, &r.Length); err != nil {
			return nil, fmt.Errorf("segment refs: %w", err)
		}
		refs = append(refs, r)
	}
	return refs, rows.Err()
}

// truncateWAL copies every WAL frame into the database and empties the WAL.
// SQLite reports a checkpoint that another connection (the background
// checkpointer, a reader) kept from finishing in the result row's busy
// column, not as an error, so it is retried for a short while.
func truncateWAL(ctx context.Context, db *sql.DB) error {
	const tries = 100
	for i := 0; ; i++ {
		var busy, logFrames, copied int64
		if err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &copied); err != nil {
			return fmt.Errorf("wal checkpoint: %w", err)
		}
		if busy == 0 {
			return nil
		}
		if i == tries {
			return fmt.Errorf("wal checkpoint: still busy after %d tries", tries)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}
