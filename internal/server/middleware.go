package server

import (
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	reprisemetrics "github.com/reprise-rum/reprise/internal/metrics"
	"github.com/reprise-rum/reprise/internal/respond"
)

// middleware wraps the route table, outermost first: recover from panics,
// log the request, set security headers, refuse new work while draining.
func (s *Server) middleware(next http.Handler) http.Handler {
	return s.recoverPanic(s.logRequest(securityHeaders(s.refuseWhileDraining(next))))
}

func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &reprisemetrics.StatusRecorder{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			s.log.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			if rec.Status == 0 {
				respond.Error(rec, r, s.log, http.StatusInternalServerError, "internal error")
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// logRequest logs every request once it is answered. Successful intake
// posts, the bulk of the traffic, are logged at debug level only.
func (s *Server) logRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec, ok := w.(*reprisemetrics.StatusRecorder)
		if !ok {
			rec = &reprisemetrics.StatusRecorder{ResponseWriter: w}
		}
		next.ServeHTTP(rec, r)
		status := rec.Status
		if status == 0 {
			status = http.StatusOK
		}
		level := slog.LevelInfo
		switch {
		case status >= 500:
			level = slog.LevelError
		case status < 400 && s.intakePaths[intakeKey(r.URL.Path)]:
			level = slog.LevelDebug
		}
		s.log.Log(r.Context(), level, "request",
			"method", r.Method, "path", r.URL.Path, "status", status, "bytes", rec.Bytes,
			"duration_ms", float64(time.Since(start).Microseconds())/1000, "remote", r.RemoteAddr)
	})
}

// intakeKey maps the Datadog function-proxy paths onto their registered
// pattern so they count as intake too.
func intakeKey(path string) string {
	if i := strings.Index(path, "/api/v2/"); i > 0 {
		return path[:i] + "/api/v2/{track}"
	}
	return path
}

// securityHeaders apply to every response; pages add their own CSP.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		// Session ids are in UI URLs; keep them from other sites' logs.
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// refuseWhileDraining answers 503 once shutdown has begun, so that clients
// on kept-alive connections retry elsewhere or later rather than have their
// request cut off.
func (s *Server) refuseWhileDraining(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.draining.Load() {
			respond.Unavailable(w, r, s.log, "server is shutting down, retry later")
			return
		}
		next.ServeHTTP(w, r)
	})
}
