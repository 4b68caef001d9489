package sqlite

import (
	"fmt"
	"os"
	"time"
)

// The writer commits with synchronous=NORMAL: SQLite writes the batch's WAL
// frames but does not fsync them. The syncer goroutine fsyncs the WAL and
// only then acknowledges the batch, so a 202 still means "on disk", while
// the writer goes on building the next batch instead of sitting in fsync.
// Batches committed while an fsync runs share the next one. (Checkpoints
// keep their own fsyncs under NORMAL: the WAL before copying frames into the
// database, the database after; so a WAL that is reset has nothing left
// that only it held.)

// syncer makes committed batches durable and acknowledges them.
type syncer struct {
	s    *Store
	in   chan *committedBatch
	done chan struct{}
	wal  walFile
}

// committedBatch is a batch whose transaction has committed.
type committedBatch struct {
	reqs  []*request
	start time.Time // when the writer took it, for ObserveCommits
	// durable, if set, is closed once the batch is synced instead of
	// acknowledging it: the writer runs the batch's after-commit work
	// first, then acknowledges.
	durable chan struct{}
}

func (s *Store) startSyncer() *syncer {
	// Capacity 1: the writer may commit one batch ahead of the fsync in
	// progress, not more, so acknowledgement latency stays bounded.
	sy := &syncer{s: s, in: make(chan *committedBatch, 1), done: make(chan struct{}), wal: walFile{path: s.walPath}}
	go sy.loop()
	return sy
}

// hand passes a committed batch to the syncer. A batch with after-commit
// work (deletes: scrub blobs, checkpoint, drop files) waits until it is
// durable, runs that work on the writer goroutine, which owns the write
// connection and the blob files, and is acknowledged after it, as before.
func (sy *syncer) hand(reqs []*request, afters []func(), start time.Time) {
	b := &committedBatch{reqs: reqs, start: start}
	if len(afters) == 0 {
		sy.in <- b
		return
	}
	b.durable = make(chan struct{})
	sy.in <- b
	<-b.durable
	for _, after := range afters {
		after()
	}
	acknowledge(reqs)
	sy.s.observe(b)
}

// stop waits for every handed batch to be acknowledged.
func (sy *syncer) stop() {
	close(sy.in)
	<-sy.done
	sy.wal.close()
}

func (sy *syncer) loop() {
	defer close(sy.done)
	for b := range sy.in {
		batches := []*committedBatch{b}
	drain:
		for {
			select {
			case b, ok := <-sy.in:
				if !ok {
					break drain
				}
				batches = append(batches, b)
			default:
				break drain
			}
		}
		var err error
		if !sy.s.opts.Unsafe && anyStored(batches) {
			if err = sy.wal.sync(); err != nil {
				sy.s.log.Error("store: fsync of the write-ahead log failed", "err", err)
				err = fmt.Errorf("store: %w", err)
			}
		}
		for _, b := range batches {
			if err != nil {
				for _, r := range b.reqs {
					if r.err == nil {
						r.err = err
					}
				}
			}
			if b.durable != nil {
				close(b.durable)
				continue
			}
			acknowledge(b.reqs)
			sy.s.observe(b)
		}
	}
}

// anyStored tells whether some request of the batches was committed (and
// so needs the fsync).
func anyStored(batches []*committedBatch) bool {
	for _, b := range batches {
		for _, r := range b.reqs {
			if r.err == nil {
				return true
			}
		}
	}
	return false
}

func acknowledge(reqs []*request) {
	for _, r := range reqs {
		r.done <- r.err
	}
}

// walFile is the database's -wal file, opened by us only to fsync it (an
// fsync through any descriptor flushes the file). SQLite keeps no locks on
// the WAL itself (they are on -shm), so our descriptor cannot drop one.
// SQLite may delete and recreate the WAL when its last connection closes;
// a stat before each fsync notices a new file and reopens it, so we never
// sync a stale one.
type walFile struct {
	path string
	f    *os.File
	fi   os.FileInfo
}

func (w *walFile) sync() error {
	fi, err := os.Stat(w.path)
	if err != nil {
		return fmt.Errorf("sync write-ahead log: %w", err)
	}
	if w.f == nil || !os.SameFile(fi, w.fi) {
		w.close()
		f, err := os.OpenFile(w.path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("sync write-ahead log: %w", err)
		}
		ffi, err := f.Stat()
		if err != nil {
			f.Close()
			return fmt.Errorf("sync write-ahead log: %w", err)
		}
		w.f, w.fi = f, ffi
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("sync write-ahead log: %w", err)
	}
	return nil
}

func (w *walFile) close() {
	if w.f != nil {
		w.f.Close()
		w.f, w.fi = nil, nil
	}
}

// ObserveCommits registers fn to hear of every group commit once it is
// acknowledged: the requests it carried and the time from the writer taking
// it to its acknowledgement (blob fsync, SQLite commit, WAL fsync). fn runs
// on the store's goroutines and must be quick. A later call replaces fn.
func (s *Store) ObserveCommits(fn func(requests int, durable time.Duration)) {
	s.commitObserver.Store(&fn)
}

func (s *Store) observe(b *committedBatch) {
	if fn := s.commitObserver.Load(); fn != nil {
		(*fn)(len(b.reqs), time.Since(b.start))
	}
}
