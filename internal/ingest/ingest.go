// Package ingest is the HTTP intake: it decodes, validates and limits what
// SDKs send, hands it to the store's append side and acknowledges only once
// the store says it is durable. It speaks Reprise's protocol (NDJSON RUM
// events, multipart replay segments), Guance's flat replay form fields and
// the Datadog browser SDK's proxy protocol.
package ingest

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/redact"
	"github.com/reprise-rum/reprise/internal/replay"
	"github.com/reprise-rum/reprise/internal/respond"
	"github.com/reprise-rum/reprise/internal/store"
)

// Config is what the intake handlers need; the server fills it in.
type Config struct {
	Limits        config.Limits
	Events        store.EventAppender
	Segments      store.SegmentAppender
	ReplayEnabled bool // false: replay intake answers 404, also via the Datadog proxy
	// Redactor, if set, is the second privacy pass over every RUM event
	// before it is stored.
	Redactor *redact.Redactor
	// SegmentPolicy refuses replay segments recorded below a privacy level.
	SegmentPolicy redact.SegmentPolicy
	Logger        *slog.Logger
}

// Handler serves the intake endpoints. The server's route table decides
// which paths lead here.
type Handler struct {
	limits        config.Limits
	events        store.EventAppender
	segments      store.SegmentAppender
	replayEnabled bool
	redactor      *redact.Redactor
	segmentPolicy redact.SegmentPolicy
	log           *slog.Logger
	stats         Stats
}

// Stats counts what the intake saw since start.
type Stats struct {
	EventsAccepted   atomic.Int64
	EventsRejected   atomic.Int64
	TelemetryDropped atomic.Int64 // Datadog SDK self-telemetry, dropped silently
	SegmentsAccepted atomic.Int64
	SegmentsRejected atomic.Int64
	ResourcesDropped atomic.Int64 // Datadog canvas image uploads, not supported
}

// StatsSnapshot is Stats as plain numbers, for /healthz.
type StatsSnapshot struct {
	EventsAccepted   int64          `json:"events_accepted"`
	EventsRejected   int64          `json:"events_rejected"`
	TelemetryDropped int64          `json:"telemetry_dropped"`
	SegmentsAccepted int64          `json:"segments_accepted"`
	SegmentsRejected int64          `json:"segments_rejected"`
	ResourcesDropped int64          `json:"replay_resources_dropped"`
	Redactions       []redact.Count `json:"redactions,omitempty"` // replacements per pattern
}

// New checks cfg and returns the intake handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Events == nil {
		return nil, errors.New("ingest: Config.Events is nil")
	}
	if cfg.ReplayEnabled && cfg.Segments == nil {
		return nil, errors.New("ingest: replay enabled but Config.Segments is nil")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Handler{
		limits:        cfg.Limits,
		events:        cfg.Events,
		segments:      cfg.Segments,
		replayEnabled: cfg.ReplayEnabled,
		redactor:      cfg.Redactor,
		segmentPolicy: cfg.SegmentPolicy,
		log:           log,
	}, nil
}

// Stats returns the counters so far.
func (h *Handler) Stats() StatsSnapshot {
	return StatsSnapshot{
		EventsAccepted:   h.stats.EventsAccepted.Load(),
		EventsRejected:   h.stats.EventsRejected.Load(),
		TelemetryDropped: h.stats.TelemetryDropped.Load(),
		SegmentsAccepted: h.stats.SegmentsAccepted.Load(),
		SegmentsRejected: h.stats.SegmentsRejected.Load(),
		ResourcesDropped: h.stats.ResourcesDropped.Load(),
		Redactions:       h.redactions(),
	}
}

func (h *Handler) redactions() []redact.Count {
	if h.redactor == nil {
		return nil
	}
	return h.redactor.Counts()
}

// ReplayDisabled answers the default replay path (and Datadog replay
// uploads) when session_replay_endpoints is empty.
func (h *Handler) ReplayDisabled(w http.ResponseWriter, r *http.Request) {
	respond.Error(w, r, h.log, http.StatusNotFound, "session replay intake is disabled (rum.session_replay_endpoints is empty)")
}

// requestError is a failure with the status the client should see.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func errorf(status int, msg string) error { return &requestError{status: status, msg: msg} }

// fail answers err with its status: request errors as they are, store
// errors as 429 (overloaded, so SDKs retry later), 503 (closing) or 500.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var re *requestError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &re):
		respond.Error(w, r, h.log, re.status, re.msg)
	case errors.As(err, &mbe):
		respond.Error(w, r, h.log, http.StatusRequestEntityTooLarge, "request body is larger than limits.max_body_bytes")
	case errors.Is(err, replay.ErrTooLarge):
		respond.Error(w, r, h.log, http.StatusRequestEntityTooLarge, "data inflates past limits.max_decompressed_bytes")
	case errors.Is(err, store.ErrOverloaded):
		respond.Overloaded(w, r, h.log, 2)
	case errors.Is(err, store.ErrClosed), errors.Is(err, context.Canceled):
		respond.Unavailable(w, r, h.log, "server is shutting down, retry later")
	default:
		h.log.Error("ingest: store append failed", "path", r.URL.Path, "err", err)
		respond.Error(w, r, h.log, http.StatusInternalServerError, "could not store the data, retry later")
	}
}
