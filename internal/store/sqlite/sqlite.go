// Package sqlite is Reprise's embedded store: RUM events, session aggregates
// and the replay segment index in SQLite (WAL), segment bytes in blob files
// (store/blobfile). One writer goroutine group-commits every queued append:
// blobs written and fsynced once, index rows committed in one transaction;
// a syncer goroutine fsyncs the WAL and acknowledges every request of the
// batch while the writer commits the next (docs/ARCHITECTURE.md).
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/reprise-rum/reprise/internal/store"
	"github.com/reprise-rum/reprise/internal/store/blobfile"
)

var (
	_ store.EventAppender   = (*Store)(nil)
	_ store.SegmentAppender = (*Store)(nil)
	_ store.Reader          = (*Store)(nil)
	_ store.Deleter         = (*Store)(nil)
)

// Options tune a Store; zero values take the defaults.
type Options struct {
	// MaxBlobFileSize rolls segment blob files at this size (64 MiB).
	MaxBlobFileSize int64
	// QueueSize bounds the appends waiting for the writer (4096). When it
	// is full, appends fail at once with store.ErrOverloaded, unless
	// WaitWhenFull is set.
	QueueSize int
	// WaitWhenFull makes appends wait for room in the queue (until their
	// context ends) instead of failing with store.ErrOverloaded. For batch
	// tools such as reprise-seed, not for HTTP ingest.
	WaitWhenFull bool
	// MaxBatch caps the requests one group commit takes (1024).
	MaxBatch int
	// ReadConns is the number of concurrent read connections (4).
	ReadConns int
	// CountCap bounds the Total that list pages count exactly (10,000);
	// past it Total is the cap and TotalCapped is set.
	CountCap int
	// CacheMB is SQLite's page cache per connection in MiB (64). Bulk
	// loads into a large store gain from far more on the writer.
	CacheMB int
	// Unsafe turns off every fsync (SQLite synchronous=OFF, no blob sync).
	// Only for bulk loading throwaway data: a crash can lose or corrupt it.
	Unsafe bool
	// Logger receives background errors; slog.Default() if nil.
	Logger *slog.Logger
}

// Store implements the store interfaces on one data directory:
// <dir>/reprise.db and <dir>/segments/.
type Store struct {
	opts  Options
	log   *slog.Logger
	wdb   *sql.DB // one connection, used only by the writer goroutine
	rdb   *sql.DB // read-only pool for the query side
	blobs *blobfile.Store

	queue   chan *request
	closeMu sync.RWMutex // held for reading while enqueueing; Close takes it for writing
	closed  bool
	done    chan struct{} // closed when the writer goroutine has exited

	batches, requests atomic.Int64 // group commits so far, and the requests they carried
	inflight          atomic.Int64 // requests in the batch being committed

	walPath   string        // the writer fsyncs it itself (syncer.go)
	ckpt      *checkpointer // background WAL checkpoints (checkpoint.go)
	sessCache *sessionCache // writer goroutine only

	commitObserver atomic.Pointer[func(requests int, durable time.Duration)] // ObserveCommits
}

// Stats reports how well group commit is batching.
type Stats struct {
	Batches    int64 `json:"batches"`  // transactions committed by the writer
	Requests   int64 `json:"requests"` // appends and deletes they carried
	QueueDepth int   `json:"queue_depth"`
}

// Stats returns the writer's counters.
func (s *Store) Stats() Stats {
	return Stats{Batches: s.batches.Load(), Requests: s.requests.Load(), QueueDepth: s.QueueDepth()}
}

// Open opens (creating if needed) the store in dir, runs pending migrations
// and starts the writer.
func Open(ctx context.Context, dir string, opts Options) (*Store, error) {
	if opts.MaxBlobFileSize <= 0 {
		opts.MaxBlobFileSize = blobfile.DefaultMaxFileSize
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 4096
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 1024
	}
	if opts.CacheMB <= 0 {
		opts.CacheMB = 64
	}
	if opts.CountCap <= 0 {
		opts.CountCap = 10_000
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = 4
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	dbPath := filepath.Join(dir, "reprise.db")
	// WAL + NORMAL: a commit writes the WAL without fsyncing it; the
	// syncer fsyncs it before acknowledging (syncer.go), so the writer need
	// not wait. Checkpoints still sync under NORMAL.
	sync := "NORMAL"
	if opts.Unsafe {
		sync = "OFF"
	}
	wdb, err := sql.Open("sqlite", dsn(dbPath, false, sync, opts.CacheMB))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dbPath, err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	if err := migrate(ctx, wdb); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open %s: %w", dbPath, err)
	}
	// The planner needs statistics to tell a selective filter (user, session)
	// from one that matches half the table (browser, env), where scanning the
	// time index is faster. analysis_limit keeps ANALYZE to milliseconds even
	// on large tables; 0x10002 analyzes tables that have never been.
	if _, err := wdb.ExecContext(ctx, `PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002`); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("optimize %s: %w", dbPath, err)
	}
	rdb, err := sql.Open("sqlite", dsn(dbPath, true, sync, 64))
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open %s for reading: %w", dbPath, err)
	}
	rdb.SetMaxOpenConns(opts.ReadConns)
	rdb.SetMaxIdleConns(opts.ReadConns)
	blobs, err := blobfile.Open(filepath.Join(dir, "segments"), blobfile.Options{MaxFileSize: opts.MaxBlobFileSize})
	if err != nil {
		wdb.Close()
		rdb.Close()
		return nil, fmt.Errorf("open segment blobs: %w", err)
	}
	ckpt, err := startCheckpointer(dbPath, sync, log)
	if err != nil {
		wdb.Close()
		rdb.Close()
		blobs.Close()
		return nil, err
	}
	s := &Store{
		ckpt:  ckpt,
		opts:  opts,
		log:   log,
		wdb:   wdb,
		rdb:   rdb,
		blobs: blobs,
		queue: make(chan *request, opts.QueueSize),
		done:  make(chan struct{}),

		walPath:   dbPath + "-wal",
		sessCache: newSessionCache(sessionCacheSize),
	}
	go s.writeLoop()
	return s, nil
}

// sessionCacheSize bounds the session aggregates the writer remembers
// (a few hundred bytes each).
const sessionCacheSize = 20_000

// dsn builds the modernc.org/sqlite connection string; pragmas apply to
// every connection the pool opens.
func dsn(path string, readOnly bool, sync string, cacheMB int) string {
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		"synchronous(" + sync + ")",
		"busy_timeout(10000)",
		"foreign_keys(0)",
		fmt.Sprintf("cache_size(%d)", -cacheMB*1024), // negative: KiB
		"temp_store(MEMORY)",
	} {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// Only the writer writes, so take the write lock up front rather
		// than upgrading mid-transaction.
		q.Set("_txlock", "immediate")
		// Checkpoints run beside the writer, not inside its commits
		// (checkpoint.go).
		q.Add("_pragma", "wal_autocheckpoint(0)")
	}
	return "file:" + path + "?" + q.Encode()
}

// QueueDepth is the number of appends waiting for the writer: ingest's view
// of back-pressure.
func (s *Store) QueueDepth() int { return len(s.queue) }

// QueueCap is the queue's capacity; QueueDepth()==QueueCap() means the next
// append fails with store.ErrOverloaded.
func (s *Store) QueueCap() int { return cap(s.queue) }

// Blobs exposes the segment blob store (for tools such as export and gc).
func (s *Store) Blobs() *blobfile.Store { return s.blobs }

// Close stops taking appends, lets the writer finish every queued one, and
// closes the databases and blob files.
func (s *Store) Close() error {
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		return nil
	}
	s.closed = true
	close(s.queue)
	s.closeMu.Unlock()
	<-s.done
	var errs []error
	if err := s.ckpt.stop(); err != nil {
		errs = append(errs, err)
	}
	if err := s.blobs.Close(); err != nil {
		errs = append(errs, err)
	}
	if _, err := s.wdb.Exec(`PRAGMA analysis_limit=1000; PRAGMA optimize`); err != nil {
		errs = append(errs, fmt.Errorf("optimize: %w", err))
	}
	if _, err := s.wdb.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		errs = append(errs, fmt.Errorf("checkpoint: %w", err))
	}
	if err := s.rdb.Close(); err != nil {
		errs = append(errs, err)
	}
	if err := s.wdb.Close(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}
