package sqlite

import (
	"context"
	"fmt"

	"github.com/reprise-rum/reprise/internal/store"
)

// Delete removes a session's aggregate and events and marks its segments
// deleted; their bytes go when DeleteBefore finds their blob file holds no
// live segment. ErrNotFound if nothing had the id.
func (s *Store) Delete(ctx context.Context, sessionID string) error {
	return s.enqueue(ctx, &request{op: func(ctx context.Context, b *batch) (func(), error) {
		var found int64
		if err := unindexText(ctx, b.tx, "sessions", `SELECT seq FROM sessions WHERE id = ?`, sessionID); err != nil {
			return nil, err
		}
		res, err := b.tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, sessionID)
		if err != nil {
			return nil, fmt.Errorf("delete session %s: %w", sessionID, err)
		}
		n, _ := res.RowsAffected()
		found += n
		for _, t := range eventTables {
			if err := unindexText(ctx, b.tx, t.name, `SELECT seq FROM `+t.name+` WHERE session_id = ?`, sessionID); err != nil {
				return nil, err
			}
			res, err := b.tx.ExecContext(ctx, `DELETE FROM `+t.name+` WHERE session_id = ?`, sessionID)
			if err != nil {
				return nil, fmt.Errorf("delete session %s %s: %w", sessionID, t.name, err)
			}
			n, _ := res.RowsAffected()
			found += n
		}
		res, err = b.tx.ExecContext(ctx, `UPDATE segments SET deleted = 1 WHERE session_id = ? AND deleted = 0`, sessionID)
		if err != nil {
			return nil, fmt.Errorf("delete session %s segments: %w", sessionID, err)
		}
		n, _ = res.RowsAffected()
		if found+n == 0 {
			return nil, fmt.Errorf("delete session %s: %w", sessionID, store.ErrNotFound)
		}
		return nil, nil
	}})
}

// DeleteBefore removes every session that ended before cutoff (ms since
// epoch), with its events, and marks its segments deleted; then it drops
// each blob file left without a live segment. It returns how many sessions
// it removed.
func (s *Store) DeleteBefore(ctx context.Context, cutoff int64) (int64, error) {
	var removed int64
	err := s.enqueue(ctx, &request{op: func(ctx context.Context, b *batch) (func(), error) {
		expired := `SELECT id FROM sessions WHERE end_ms < ?`
		for _, t := range eventTables {
			if err := unindexText(ctx, b.tx, t.name, `SELECT seq FROM `+t.name+` WHERE session_id IN (`+expired+`)`, cutoff); err != nil {
				return nil, err
			}
			if _, err := b.tx.ExecContext(ctx, `DELETE FROM `+t.name+` WHERE session_id IN (`+expired+`)`, cutoff); err != nil {
				return nil, fmt.Errorf("retention %s: %w", t.name, err)
			}
		}
		if _, err := b.tx.ExecContext(ctx, `UPDATE segments SET deleted = 1 WHERE deleted = 0 AND session_id IN (`+expired+`)`, cutoff); err != nil {
			return nil, fmt.Errorf("retention segments: %w", err)
		}
		if err := unindexText(ctx, b.tx, "sessions", `SELECT seq FROM sessions WHERE end_ms < ?`, cutoff); err != nil {
			return nil, err
		}
		res, err := b.tx.ExecContext(ctx, `DELETE FROM sessions WHERE end_ms < ?`, cutoff)
		if err != nil {
			return nil, fmt.Errorf("retention sessions: %w", err)
		}
		removed, _ = res.RowsAffected()

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
