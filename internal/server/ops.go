package server

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/ingest"
	reprisemetrics "github.com/reprise-rum/reprise/internal/metrics"
	"github.com/reprise-rum/reprise/internal/respond"
	"github.com/reprise-rum/reprise/internal/retention"
	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
)

// ops is the operational surface: Prometheus metrics (/metrics), readiness
// (/readyz) and intake backpressure (the in-flight limiter).
type ops struct {
	reg           *reprisemetrics.Registry
	http          *reprisemetrics.HTTP
	appendSeconds *reprisemetrics.Histogram
	sweeps        *reprisemetrics.Counter
	sweptSessions *reprisemetrics.Counter
	inflight      *inflightLimiter
	queue         queueStats // nil when the store does not report its queue
	reader        store.Reader
}

// queueStats is what the embedded store reports about its write queue.
type queueStats interface {
	QueueDepth() int
	QueueCap() int
}

// commitCounter is what the embedded store counts of its group commits.
type commitCounter interface {
	Stats() sqlite.Stats
}

// commitObserver is implemented by stores that can report each group
// commit's fsync time (the embedded store does).
type commitObserver interface {
	ObserveCommits(func(requests int, fsync time.Duration))
}

func newOps(cfg config.Config, st Store, ing func() ingest.StatsSnapshot) *ops {
	reg := reprisemetrics.NewRegistry()
	o := &ops{
		reg:  reg,
		http: reprisemetrics.NewHTTP(reg),
		appendSeconds: reg.NewHistogram("reprise_store_append_seconds",
			"Time from handing data to the store until it is durable (queue wait, write, fsync, commit), by kind.", nil, "kind"),
		sweeps:        reg.NewCounter("reprise_retention_runs_total", "Retention passes, by result (ok, error).", "result"),
		sweptSessions: reg.NewCounter("reprise_retention_sessions_deleted_total", "Sessions deleted by retention."),
		inflight:      newInflightLimiter(cfg.Limits),
		reader:        st,
	}
	reg.GaugeFunc("reprise_intake_inflight_requests", "Intake requests being handled now.", func() float64 { n, _ := o.inflight.load(); return float64(n) })
	reg.GaugeFunc("reprise_intake_inflight_bytes", "Declared body bytes of the intake requests being handled now.", func() float64 { _, b := o.inflight.load(); return float64(b) })
	reg.GaugeFunc("reprise_intake_inflight_limit_requests", "limits.max_inflight_requests.", func() float64 { return float64(cfg.Limits.MaxInflightRequests) })

	if q, ok := st.(queueStats); ok {
		o.queue = q
		reg.GaugeFunc("reprise_store_queue_depth", "Appends waiting for the store's writer.", func() float64 { return float64(q.QueueDepth()) })
		reg.GaugeFunc("reprise_store_queue_capacity", "Capacity of the store's write queue; when full, intake answers 429.", func() float64 { return float64(q.QueueCap()) })
	}
	if c, ok := st.(commitCounter); ok {
		reg.CounterFunc("reprise_store_commits_total", "Group commits (one fsync each) the store's writer made.", func() float64 { return float64(c.Stats().Batches) })
		reg.CounterFunc("reprise_store_committed_requests_total", "Appends and deletes those commits carried; divided by commits, how well fsyncs are shared.", func() float64 { return float64(c.Stats().Requests) })
	}
	if c, ok := st.(commitObserver); ok {
		fsync := reg.NewHistogram("reprise_store_fsync_seconds", "Time to make one group commit durable (blob fsync and SQLite commit).", nil)
		batch := reg.NewHistogram("reprise_store_commit_requests", "Requests carried by one group commit.", []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024})
		c.ObserveCommits(func(requests int, d time.Duration) {
			fsync.Observe(d.Seconds())
			batch.Observe(float64(requests))
		})
	}
	size := &reprisemetrics.DirSize{Dir: cfg.DataDir}
	reg.GaugeFunc("reprise_store_size_bytes", "Bytes on disk in the data directory (database, WAL, segment files).", size.Bytes)

	if ing != nil {
		counters := []struct {
			name, help string
			get        func(ingest.StatsSnapshot) int64
		}{
			{"reprise_ingest_events_accepted_total", "RUM events stored.", func(s ingest.StatsSnapshot) int64 { return s.EventsAccepted }},
			{"reprise_ingest_events_rejected_total", "RUM events rejected alone from a batch or with it.", func(s ingest.StatsSnapshot) int64 { return s.EventsRejected }},
			{"reprise_ingest_telemetry_dropped_total", "Datadog SDK telemetry events dropped on purpose.", func(s ingest.StatsSnapshot) int64 { return s.TelemetryDropped }},
			{"reprise_ingest_segments_accepted_total", "Replay segments stored.", func(s ingest.StatsSnapshot) int64 { return s.SegmentsAccepted }},
			{"reprise_ingest_segments_rejected_total", "Replay segments refused.", func(s ingest.StatsSnapshot) int64 { return s.SegmentsRejected }},
		}
		for _, c := range counters {
			get := c.get
			reg.CounterFunc(c.name, c.help, func() float64 { return float64(get(ing())) })
		}
	}

	reg.GaugeFunc("reprise_go_goroutines", "Goroutines (each open connection holds at least one).", func() float64 { return float64(runtime.NumGoroutine()) })
	heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/total:bytes"}}
	reg.GaugeFunc("reprise_go_heap_objects_bytes", "Bytes of live and not yet swept heap objects.", func() float64 {
		s := []metrics.Sample{heap[0]}
		metrics.Read(s)
		return float64(s[0].Value.Uint64())
	})
	reg.GaugeFunc("reprise_go_memory_total_bytes", "All memory mapped by the Go runtime.", func() float64 {
		s := []metrics.Sample{heap[1]}
		metrics.Read(s)
		return float64(s[0].Value.Uint64())
	})
	return o
}

// observeSweep counts a retention pass (retention.Job.OnSweep).
func (o *ops) observeSweep(res retention.Result, err error) {
	if err != nil {
		o.sweeps.Inc("error")
		return
	}
	o.sweeps.Inc("ok")
	o.sweptSessions.Add(float64(res.Sessions))
}

// timedAppender measures how long appends take to become durable.
type timedAppender struct {
	st Store
	h  *reprisemetrics.Histogram
}

func (t timedAppender) AppendEvents(ctx context.Context, evs []rum.Event) error {
	start := time.Now()
	err := t.st.AppendEvents(ctx, evs)
	t.h.Observe(time.Since(start).Seconds(), "events")
	return err
}

func (t timedAppender) AppendSegment(ctx context.Context, meta store.SegmentMeta, data []byte) error {
	start := time.Now()
	err := t.st.AppendSegment(ctx, meta, data)
	t.h.Observe(time.Since(start).Seconds(), "segment")
	return err
}

// classify names a request's handler for the HTTP metrics. The set is small
// and fixed so that paths (session ids) never become series.
func (s *Server) classify(r *http.Request) (string, bool) {
	p := r.URL.Path
	if key := intakeKey(p); s.intakePaths[key] {
		return s.intakeKind(key), true
	}
	switch {
	case p == "/metrics", p == "/healthz", p == "/readyz", strings.HasPrefix(p, "/debug/"):
		return "ops", false
	case strings.HasPrefix(p, "/api/"):
		return "api", false
	case strings.HasPrefix(p, "/static/"), strings.HasPrefix(p, "/sdk/"):
		return "static", false
	}
	return "ui", false
}

// readyz says whether this instance should get traffic now: not shutting
// down (the middleware answers 503 then), the write queue not full, and the
// store answering a read.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if q := s.ops.queue; q != nil && q.QueueDepth() >= q.QueueCap() {
		w.Header().Set("Retry-After", "1")
		respond.JSON(w, http.StatusServiceUnavailable, map[string]any{"status": "overloaded", "queue_depth": q.QueueDepth()})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.ops.reader.GetSession(ctx, "readyz-probe"); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log.Warn("readyz: store read failed", "err", err)
		respond.JSON(w, http.StatusServiceUnavailable, map[string]any{"status": "store unavailable"})
		return
	}
	respond.JSON(w, http.StatusOK, map[string]any{"status": "ready"})
}

// intakeKind names an intake route by protocol.
func (s *Server) intakeKind(key string) string {
	switch dd := s.cfg.RUM.DatadogProxy; {
	case dd != "" && (key == dd || key == dd+"/api/v2/{track}"):
		return "datadog"
	case contains(s.cfg.RUM.SessionReplayEndpoints, key):
		return "replay"
	}
	return "rum"
}
