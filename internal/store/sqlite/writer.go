package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// request is one queued write. Exactly one of events, seg or op is set.
type request struct {
	events []rum.Event
	rows   []eventRow // events' prepared values, one per event
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

// writeLoop is the single writer: it takes everything queued (up to
// MaxBatch: no timer, whatever arrived while the previous batch committed),
// commits it as one transaction, and hands it to the syncer, which makes it
// durable and acknowledges it while the writer already builds the next
// batch (syncer.go). It repeats until Close.
func (s *Store) writeLoop() {
	defer close(s.done)
	sy := s.startSyncer()
	defer sy.stop()
	for r := range s.queue {
		// A new slice each time: the syncer still holds the previous batch.
		batch := make([]*request, 1, min(len(s.queue)+1, s.opts.MaxBatch))
		batch[0] = r
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
		start := time.Now()
		afters := s.commitBatch(batch)
		s.inflight.Store(0)
		s.batches.Add(1)
		s.requests.Add(int64(len(batch)))
		sy.hand(batch, afters, start)
		s.afterCommit()
	}
}

// commitBatch commits a batch: segment bytes appended to the blob files,
// then every index row and event in one SQLite transaction. The blob fsync
// runs while the transaction is built and is waited for before it commits,
// so an index row never points at bytes that a crash could lose. The WAL is
// not fsynced here (synchronous=NORMAL): the syncer does that before any
// acknowledgement. It returns what must run once the batch is durable.
func (s *Store) commitBatch(batch []*request) []func() {
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
	var blobsSynced func() error
	if appended && !s.opts.Unsafe {
		done := make(chan error, 1)
		go func() { done <- s.blobs.Sync(ctx) }()
		blobsSynced = sync.OnceValue(func() error { return <-done })
		// However the batch ends, the sync has finished before the next
		// batch appends to the blob files.
		defer blobsSynced()
	}
	afters, err := s.applyBatch(ctx, batch, blobsSynced)
	if errors.Is(err, errBlobSync) {
		// The bytes may not be on disk: fail the segments, keep the rest.
		for _, r := range batch {
			if r.seg != nil && r.err == nil {
				r.err = fmt.Errorf("store segment for session %s: %w", r.seg.meta.SessionID, err)
			}
		}
		afters, err = s.applyBatch(ctx, batch, nil)
	}
	if err != nil {
		s.log.Error("store: batch commit failed", "requests", len(batch), "err", err)
		for _, r := range batch {
			if r.err == nil {
				r.err = err
			}
		}
		s.sessCache.clear()
		return nil
	}
	return afters
}

// errBlobSync means the blob files could not be synced before the commit.
var errBlobSync = errors.New("sync segment blobs")

// errRetryAlone means a request failed inside a batch run without
// savepoints: the batch is run again with one savepoint per request.
var errRetryAlone = errors.New("a request failed: retry the batch with savepoints")

// applyBatch runs every request that is still good inside one transaction.
// Requests almost never fail, so it first runs them all without savepoints:
// a savepoint per request costs sub-journal writes and makes every FTS5
// index flush its pending terms to disk at each one, which was a third of
// the writer's time. Only if a request fails is the transaction rolled back
// and run again, each request under its own savepoint so that the failing
// one is rolled back alone. beforeCommit, if set, runs just before COMMIT;
// its error (wrapped in errBlobSync) rolls everything back.
func (s *Store) applyBatch(ctx context.Context, reqs []*request, beforeCommit func() error) ([]func(), error) {
	afters, err := s.runBatch(ctx, reqs, false, beforeCommit)
	if errors.Is(err, errRetryAlone) {
		afters, err = s.runBatch(ctx, reqs, true, beforeCommit)
	}
	return afters, err
}

func (s *Store) runBatch(ctx context.Context, reqs []*request, savepoints bool, beforeCommit func() error) ([]func(), error) {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin batch: %w", err)
	}
	b := newBatch(ctx, tx, s.sessCache)
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
			b.dropCache = true
			// Deletes must see the sessions this batch has aggregated so far.
			if err := b.flushSessions(); err != nil {
				tx.Rollback()
				return nil, err
			}
		}
		if savepoints {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT req`); err != nil {
				tx.Rollback()
				return nil, fmt.Errorf("savepoint: %w", err)
			}
		}
		var effects []effect
		var after func()
		texts := len(b.texts)
		switch {
		case r.op != nil:
			after, err = r.op(ctx, b)
		case r.seg != nil:
			effects, err = b.insertSegment(&r.seg.meta)
		default:
			effects, err = b.insertEvents(r.events, r.rows)
		}
		if err != nil && !savepoints {
			tx.Rollback()
			return nil, fmt.Errorf("%w: %w", errRetryAlone, err)
		}
		if savepoints {
			if err != nil {
				r.err = err
				b.texts = b.texts[:texts]
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
	if beforeCommit != nil {
		if err := beforeCommit(); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("%w: %w", errBlobSync, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit batch: %w", err)
	}
	b.committed()
	return afters, nil
}

// batch is the writer's state for one transaction.
type batch struct {
	ctx      context.Context
	tx       *sql.Tx
	sessions map[string]*sessionRow // loaded and changed in this batch
	stmts    map[string]*sql.Stmt   // prepared in this transaction
	texts    []pendingText          // text index entries to write (writeTexts)
	// pendingFiles received segment bytes in this batch: retention must
	// not drop them even if no committed row points at them yet.
	pendingFiles map[string]bool
	// cache holds the stored state of sessions across batches; stored is
	// what this batch wrote, put into the cache once it commits, and
	// dropCache says the batch deleted rows, so the whole cache goes.
	cache     *sessionCache
	stored    map[string]storedSession
	dropCache bool
}

func newBatch(ctx context.Context, tx *sql.Tx, cache *sessionCache) *batch {
	return &batch{ctx: ctx, tx: tx, sessions: map[string]*sessionRow{},
		stmts: map[string]*sql.Stmt{}, pendingFiles: map[string]bool{}, cache: cache, stored: map[string]storedSession{}}
}
