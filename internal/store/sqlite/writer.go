package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// request is one queued write. Exactly one of events, seg or op is set.
type request struct {
	events []rum.Event
	seg    *segmentWrite
	// op runs inside the batch transaction (deletes); after, if it returns
	// one, runs once the transaction has committed.
	op   func(ctx context.Context, b *batch) (after func(), err error)
	done chan error // buffered: the writer never blocks acknowledging
	err  error
}

type segmentWrite struct {
	meta store.SegmentMeta
	data []byte
}

// enqueue hands r to the writer and waits for its acknowledgement.
func (s *Store) enqueue(ctx context.Context, r *request) error {
	r.done = make(chan error, 1)
	s.closeMu.RLock()
	if s.closed {
		s.closeMu.RUnlock()
		return store.ErrClosed
	}
	if s.opts.WaitWhenFull {
		select {
		case s.queue <- r:
		case <-ctx.Done():
			s.closeMu.RUnlock()
			return ctx.Err()
		}
	} else {
		select {
		case s.queue <- r:
		default:
			s.closeMu.RUnlock()
			return store.ErrOverloaded
		}
	}
	s.closeMu.RUnlock()
	// Once queued the write will happen; a caller that stops waiting just
	// doesn't learn the outcome.
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeLoop is the single writer: it takes what is queued (up to MaxBatch),
// commits it as one batch, acknowledges, and repeats until Close.
func (s *Store) writeLoop() {
	defer close(s.done)
	batch := make([]*request, 0, s.opts.MaxBatch)
	for r := range s.queue {
		batch = append(batch[:0], r)
	drain:
		for len(batch) < s.opts.MaxBatch {
			select {
			case r, ok := <-s.queue:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.inflight.Store(int64(len(batch)))
		s.commitBatch(batch)
		s.inflight.Store(0)
		s.batches.Add(1)
		s.requests.Add(int64(len(batch)))
		clear(batch)
	}
}

// commitBatch makes a batch durable: segment bytes appended and fsynced once,
// then every index row and event in one SQLite transaction (synchronous=FULL
// fsyncs the WAL at commit), then each request acknowledged. Blobs are synced
// before the index commits, so an index row never points at bytes that a
// crash could lose.
func (s *Store) commitBatch(batch []*request) {
	ctx := context.Background()
	appended := false
	for _, r := range batch {
		if r.seg == nil {
			continue
		}
		ref, err := s.blobs.Append(ctx, r.seg.data)
		if err != nil {
			r.err = fmt.Errorf("store segment for session %s: %w", r.seg.meta.SessionID, err)
			continue
		}
		r.seg.meta.Blob = ref
		appended = true
	}
	if appended && !s.opts.Unsafe {
		if err := s.blobs.Sync(ctx); err != nil {
			for _, r := range batch {
				if r.seg != nil && r.err == nil {
					r.err = fmt.Errorf("store segment for session %s: %w", r.seg.meta.SessionID, err)
				}
			}
		}
	}
	afters, err := s.applyBatch(ctx, batch)
	if err != nil {
		s.log.Error("store: batch commit failed", "requests", len(batch), "err", err)
		for _, r := range batch {
			if r.err == nil {
				r.err = err
			}
		}
	} else {
		for _, after := range afters {
			after()
		}
	}
	for _, r := range batch {
		r.done <- r.err
	}
}

// applyBatch runs every request that is still good inside one transaction,
// each under a savepoint so that one failing request is rolled back alone.
func (s *Store) applyBatch(ctx context.Context, reqs []*request) ([]func(), error) {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin batch: %w", err)
	}
	b := newBatch(ctx, tx)
	for _, r := range reqs {
		if r.seg != nil && r.err == nil {
			b.pendingFiles[r.seg.meta.Blob.File] = true
		}
	}
	var afters []func()
	for _, r := range reqs {
		if r.err != nil {
			continue
		}
		if r.op != nil {
			// Deletes must see the sessions this batch has aggregated so far.
			if err := b.flushSessions(); err != nil {
				tx.Rollback()
				return nil, err
			}
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT req`); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("savepoint: %w", err)
		}
		var effects []effect
		var after func()
		switch {
		case r.op != nil:
			after, err = r.op(ctx, b)
		case r.seg != nil:
			effects, err = b.insertSegment(&r.seg.meta)
		default:
			effects, err = b.insertEvents(r.events)
		}
		if err != nil {
			r.err = err
			if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO req`); rerr != nil {
				tx.Rollback()
				return nil, fmt.Errorf("rollback to savepoint: %w", rerr)
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE req`); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("release savepoint: %w", err)
		}
		if r.err != nil {
			continue
		}
		if err := b.fold(effects); err != nil {
			tx.Rollback()
			return nil, err
		}
		if after != nil {
			afters = append(afters, after)
		}
	}
	if err := b.flushSessions(); err != nil {
		tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit batch: %w", err)
	}
	return afters, nil
}

// batch is the writer's state for one transaction.
type batch struct {
	ctx      context.Context
	tx       *sql.Tx
	sessions map[string]*sessionRow // loaded and changed in this batch
	ua       map[string]uaInfo      // parsed user agents
	stmts    map[string]*sql.Stmt   // prepared in this transaction
	// pendingFiles received segment bytes in this batch: retention must
	// not drop them even if no committed row points at them yet.
	pendingFiles map[string]bool
}

func newBatch(ctx context.Context, tx *sql.Tx) *batch {
	return &batch{ctx: ctx, tx: tx, sessions: map[string]*sessionRow{}, ua: map[string]uaInfo{},
		stmts: map[string]*sql.Stmt{}, pendingFiles: map[string]bool{}}
}
