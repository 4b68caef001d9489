// Package server assembles Reprise: it opens the store, builds the intake,
// query API and UI on one route table, serves HTTP, and shuts down in order.
// Start-up and shutdown read top to bottom in Run.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/reprise-rum/reprise/internal/auth"
	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/ddreplay"
	"github.com/reprise-rum/reprise/internal/ingest"
	reprisemetrics "github.com/reprise-rum/reprise/internal/metrics"
	"github.com/reprise-rum/reprise/internal/query"
	"github.com/reprise-rum/reprise/internal/redact"
	"github.com/reprise-rum/reprise/internal/replay"
	"github.com/reprise-rum/reprise/internal/retention"
	"github.com/reprise-rum/reprise/internal/store"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
	"github.com/reprise-rum/reprise/internal/web"
)

// Store is everything the server needs from storage: the append side for
// ingest, the read side for the API and pages.
type Store interface {
	store.EventAppender
	store.SegmentAppender
	store.Reader
}

// Deps are the parts New wires together.
type Deps struct {
	Config  config.Config
	Store   Store
	Logger  *slog.Logger
	Version string
	// Auth puts the UI and API behind the login and checks intake client
	// tokens. Run always sets it; nil (tests of other parts) leaves every
	// route open.
	Auth *auth.Auth
}

// Server is the assembled HTTP surface.
type Server struct {
	cfg         config.Config
	log         *slog.Logger
	version     string
	ingest      *ingest.Handler
	handler     http.Handler
	intakePaths map[string]bool
	draining    atomic.Bool
	ops         *ops // metrics, readiness, intake backpressure (ops.go)
	auth        *auth.Auth
}

// New builds the route table and middleware over d.Store.
func New(d Deps) (*Server, error) {
	log := d.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Server{cfg: d.Config, log: log, version: d.Version, intakePaths: map[string]bool{}, auth: d.Auth}
	limits := d.Config.Limits
	s.ops = newOps(d.Config, d.Store, func() ingest.StatsSnapshot { return s.ingest.Stats() })
	appender := timedAppender{st: d.Store, h: s.ops.appendSeconds}

	redactor, err := newRedactor(d.Config.Redact, s.ops.reg)
	if err != nil {
		return nil, err
	}
	ing, err := ingest.New(ingest.Config{
		Limits:        limits,
		Events:        appender,
		Segments:      appender,
		ReplayEnabled: len(d.Config.RUM.SessionReplayEndpoints) > 0,
		Redactor:      redactor,
		SegmentPolicy: d.Config.SegmentPolicy(),
		Logger:        log,
	})
	if err != nil {
		return nil, err
	}
	s.ingest = ing
	// Erasure requests (DELETE /api/v1/sessions/{id}) need the store's delete side.
	deleter, _ := d.Store.(store.Deleter)
	api, err := query.New(query.Config{
		Reader:  d.Store,
		Deleter: deleter,
		Streamer: &replay.Streamer{
			Reader:               d.Store,
			NewConverter:         func() replay.Converter { return ddreplay.NewViewConverter() },
			MaxDecompressedBytes: limits.MaxDecompressedBytes,
			Logger:               log,
		},
		Logger: log,
	})
	if err != nil {
		return nil, err
	}
	mux, err := s.routes(ing, api, web.Config{Reader: d.Store, Demo: d.Config.Demo, Logger: log})
	if err != nil {
		return nil, err
	}
	var h http.Handler = mux
	if d.Auth != nil {
		h = d.Auth.Guard(mux, s.public)
	}
	s.handler = s.middleware(h)
	// Outermost, so that refusals while draining count too.
	s.handler = s.ops.http.Wrap(s.handler, s.classify)
	return s, nil
}

// Handler is the whole HTTP surface, for tests and Run.
func (s *Server) Handler() http.Handler { return s.handler }

// Drain makes every new request answer 503 from now on.
func (s *Server) Drain() { s.draining.Store(true) }

// Run starts Reprise and blocks until ctx is canceled (SIGINT/SIGTERM), then
// shuts down: refuse new requests, let accepted ones finish (they are
// acknowledged only once durable), then close the store. ready, if not nil,
// receives the listening address once requests are accepted.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger, version string, ready chan<- string) error {
	// 1. Storage, ours alone (lock.go).
	unlock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := sqlite.Open(ctx, cfg.DataDir, sqlite.Options{})
	if err != nil {
		return fmt.Errorf("open store in %s: %w", cfg.DataDir, err)
	}
	defer func() {
		// 7. Storage last: every acknowledged append is already durable.
		if err := st.Close(); err != nil {
			log.Error("close store", "err", err)
		}
	}()

	// 2. Retention in the background; stopped before the store closes.
	jobCtx, stopJob := context.WithCancel(context.Background())
	var sweepMetrics atomic.Pointer[ops] // set once the server exists
	jobDone := make(chan struct{})
	job := &retention.Job{Deleter: st, MaxAge: time.Duration(cfg.Retention.MaxAge), Interval: time.Duration(cfg.Retention.Interval), Logger: log,
		OnSweep: func(res retention.Result, err error) {
			if o := sweepMetrics.Load(); o != nil {
				o.observeSweep(res, err)
			}
		}}
	go func() { defer close(jobDone); job.Run(jobCtx) }()
	defer func() { stopJob(); <-jobDone }()

	// 3. Handlers and routes.
	au, started, err := newAuth(cfg, log)
	if err != nil {
		return err
	}
	srv, err := New(Deps{Config: cfg, Store: st, Logger: log, Version: version, Auth: au})
	if err != nil {
		return err
	}

	sweepMetrics.Store(srv.ops)

	// 4. Listen, then serve.
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	hs := &http.Server{
		Handler: srv.Handler(),
		// Slow clients hold a connection for these at most (slowloris).
		// No write timeout: replays stream.
		ReadHeaderTimeout: time.Duration(cfg.ReadHeaderTimeout),
		ReadTimeout:       time.Duration(cfg.ReadTimeout),
		IdleTimeout:       time.Duration(cfg.IdleTimeout),
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	log.Info("reprise listening", "url", "http://"+ln.Addr().String()+"/", "data_dir", cfg.DataDir,
		"demo", cfg.Demo, "replay_intake", len(cfg.RUM.SessionReplayEndpoints) > 0,
		"retention", cfg.Retention.MaxAge.String(), "version", version)
	logCredentials(log, ln.Addr().String(), started)
	if ready != nil {
		ready <- ln.Addr().String()
	}

	// 5. Wait for a signal (or a fatal serve error).
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	// 6. Shut down: 503 for new requests, finish accepted ones, bounded.
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	srv.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.ShutdownTimeout))
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// GC runs one retention pass over the data directory (`reprise gc`): the
// sessions that ended more than retention.max_age ago go, with their events
// and segments. Run it while `serve` is stopped; a running server does the
// same every retention.interval.
func GC(ctx context.Context, cfg config.Config) (retention.Result, error) {
	if cfg.Retention.MaxAge <= 0 {
		return retention.Result{}, errors.New("retention.max_age is 0 (keep everything): set it, e.g. --retention-max-age 720h")
	}
	st, release, err := openOffline(ctx, cfg)
	if err != nil {
		return retention.Result{}, err
	}
	defer release()
	res, err := retention.Sweep(ctx, st, time.Duration(cfg.Retention.MaxAge), time.Now())
	if cerr := st.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close store: %w", cerr)
	}
	return res, err
}

// newRedactor builds the second privacy pass from configuration; nil when
// every pattern is off. Its counts go to /metrics as
// reprise_redactions_total{pattern} (and to /healthz through ingest).
func newRedactor(c config.Redact, reg *reprisemetrics.Registry) (*redact.Redactor, error) {
	patterns, err := redact.ParsePatterns(c.Patterns)
	if err != nil {
		return nil, err
	}
	if !c.Cards && !c.Emails && len(patterns) == 0 {
		return nil, nil
	}
	rc := redact.Config{Cards: c.Cards, Emails: c.Emails, Patterns: patterns}
	var counter *reprisemetrics.Counter
	if reg != nil {
		counter = reg.NewCounter("reprise_redactions_total", "Matches the collector replaced in RUM events, by pattern (card, email, configured names).", "pattern")
		rc.Observe = func(pattern string, n int64) { counter.Add(float64(n), pattern) }
	}
	r, err := redact.New(rc)
	if err != nil {
		return nil, err
	}
	if counter != nil {
		for _, name := range r.Names() {
			counter.Add(0, name) // every pattern shows from the start, at 0
		}
	}
	return r, nil
}
