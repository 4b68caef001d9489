package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// SQLite's automatic checkpoint runs inside the commit that crosses 1,000
// WAL pages, on the writer goroutine: it copied pages into the database file
// and fsynced it there, a sixth of the writer's time. The writer's
// connection has it off (wal_autocheckpoint=0); a checkpointer goroutine on
// its own connection runs PASSIVE checkpoints instead, which copy frames
// while the writer goes on committing, on the other core.
//
// A PASSIVE checkpoint never blocks the writer, so under constant load it
// never catches up completely, and SQLite restarts the WAL from its start
// only when a write begins with every frame copied. So once the WAL holds
// walFramesLimit frames, the writer itself runs a PASSIVE checkpoint between
// two batches: it copies only what came since the last background one, and
// the next batch then starts the WAL over.

const (
	// checkpointInterval spaces background checkpoints: a page written by
	// many batches in between is copied once.
	checkpointInterval = 100 * time.Millisecond
	// walFramesLimit is the WAL size (in 4 KiB pages) at which the writer
	// checkpoints itself: about 64 MiB.
	walFramesLimit = 16_000
)

type checkpointer struct {
	db     *sql.DB
	kicks  chan struct{}
	quit   chan struct{}
	done   chan struct{}
	frames atomic.Int64 // WAL frames seen by the last checkpoint
	log    *slog.Logger
}

func startCheckpointer(dbPath, sync string, log *slog.Logger) (*checkpointer, error) {
	// The checkpoint's fsyncs follow this connection's synchronous setting.
	db, err := sql.Open("sqlite", dsn(dbPath, false, sync, 2))
	if err != nil {
		return nil, fmt.Errorf("open %s for checkpoints: %w", dbPath, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	c := &checkpointer{db: db, kicks: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}), log: log}
	go c.loop()
	return c, nil
}

// kick asks for a checkpoint soon; it never blocks.
func (c *checkpointer) kick() {
	select {
	case c.kicks <- struct{}{}:
	default:
	}
}

func (c *checkpointer) loop() {
	defer close(c.done)
	for {
		select {
		case <-c.kicks:
		case <-c.quit:
			return
		}
		if frames, err := checkpoint(context.Background(), c.db); err != nil {
			c.log.Warn("store: background checkpoint failed; the writer will checkpoint", "err", err)
		} else {
			c.frames.Store(frames)
		}
		select {
		case <-time.After(checkpointInterval):
		case <-c.quit:
			return
		}
	}
}

// stop ends the goroutine and closes its connection.
func (c *checkpointer) stop() error {
	close(c.quit)
	<-c.done
	return c.db.Close()
}

// checkpoint runs a PASSIVE checkpoint on db and returns the WAL's size in
// frames.
func checkpoint(ctx context.Context, db *sql.DB) (int64, error) {
	var busy, frames, copied int64
	if err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		return 0, fmt.Errorf("checkpoint: %w", err)
	}
	return frames, nil
}

// afterCommit is the writer's part, between two batches: kick the
// background checkpointer, and checkpoint inline if the WAL has grown past
// walFramesLimit.
func (s *Store) afterCommit() {
	if s.ckpt == nil {
		return
	}
	s.ckpt.kick()
	if s.ckpt.frames.Load() < walFramesLimit {
		return
	}
	if _, err := checkpoint(context.Background(), s.wdb); err != nil {
		s.log.Warn("store: checkpoint failed", "err", err)
		return
	}
	s.ckpt.frames.Store(0)
}
