// Package query is the JSON API of DESIGN 3.6, used by the web UI, the player
// and scripts. It sees only the read side of the store. Every handler has
// one shape, func(*http.Request) (any, error), and one wrap turns its result
// into the response (the replay stream excepted: it writes as it reads).
package query

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/reprise-rum/reprise/internal/replay"
	"github.com/reprise-rum/reprise/internal/respond"
	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// Config is what the API needs.
type Config struct {
	Reader   store.Reader
	Streamer *replay.Streamer
	// Deleter serves DELETE /api/v1/sessions/{id} (erasure requests); nil
	// answers 400.
	Deleter store.Deleter
	Logger  *slog.Logger
}

// API serves /api/v1. The server's route table maps paths to its methods.
type API struct {
	reader   store.Reader
	streamer *replay.Streamer
	deleter  store.Deleter
	log      *slog.Logger
}

// New checks cfg and returns the API.
func New(cfg Config) (*API, error) {
	if cfg.Reader == nil || cfg.Streamer == nil {
		return nil, errors.New("query: Config.Reader and Config.Streamer are required")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &API{reader: cfg.Reader, streamer: cfg.Streamer, deleter: cfg.Deleter, log: log}, nil
}

// apiFunc is the one shape of every JSON handler.
type apiFunc func(r *http.Request) (any, error)

// badRequest marks an error the client caused with its parameters.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badRequestf(format string, args ...any) error {
	return &badRequest{msg: fmt.Sprintf(format, args...)}
}

// wrap runs f and writes its result as JSON, or its error with the status
// it maps to.
func (a *API) wrap(f apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := f(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		respond.JSON(w, http.StatusOK, v)
	}
}

func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var br *badRequest
	switch {
	case errors.As(err, &br):
		respond.Error(w, r, a.log, http.StatusBadRequest, br.msg)
	case errors.Is(err, store.ErrBadFilter):
		respond.Error(w, r, a.log, http.StatusBadRequest, err.Error())
	case errors.Is(err, store.ErrNotFound):
		respond.Error(w, r, a.log, http.StatusNotFound, err.Error())
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this answer.
		respond.Error(w, r, a.log, 499, "request canceled")
	default:
		a.log.Error("query failed", "path", r.URL.Path, "err", err)
		respond.Error(w, r, a.log, http.StatusInternalServerError, "query failed")
	}
}

// eventTypes maps the API's plural path segment to the RUM event type.
var eventTypes = map[string]string{
	"views":      rum.TypeView,
	"actions":    rum.TypeAction,
	"errors":     rum.TypeError,
	"resources":  rum.TypeResource,
	"long_tasks": rum.TypeLongTask,
	"vitals":     rum.TypeVital,
}

func eventType(plural string) (string, error) {
	t, ok := eventTypes[plural]
	if !ok {
		return "", fmt.Errorf("unknown event type %q (want views, actions, errors, resources, long_tasks or vitals): %w", plural, store.ErrNotFound)
	}
	return t, nil
}
