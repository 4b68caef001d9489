package server

import (
	"fmt"
	"net/http"
	"net/http/pprof"

	"github.com/reprise-rum/reprise/internal/ingest"
	"github.com/reprise-rum/reprise/internal/query"
	"github.com/reprise-rum/reprise/internal/respond"
	"github.com/reprise-rum/reprise/internal/web"
)

// defaultReplayPath answers 404 with an explanation when replay intake is
// off, instead of falling through to the UI.
const defaultReplayPath = "/v1/write/rum/replay"

// routes is Reprise's whole route table: intake, JSON API, health, and the
// UI (whose own table is web.Register), read top to bottom.
func (s *Server) routes(ing *ingest.Handler, api *query.API, webCfg web.Config) (_ *http.ServeMux, err error) {
	// ServeMux panics on conflicting patterns; a configured endpoint that
	// collides with a built-in route is a configuration error, not a crash.
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("route table: %v (check rum.endpoints, rum.session_replay_endpoints and rum.datadog_proxy)", v)
		}
	}()
	mux := http.NewServeMux()
	rum := s.cfg.RUM

	// Intake: browser SDKs post from any origin (CORS), POST only.
	for _, p := range rum.Endpoints {
		s.intake(mux, p, ing.RUM)
	}
	for _, p := range rum.SessionReplayEndpoints {
		s.intake(mux, p, ing.Replay)
	}
	if len(rum.SessionReplayEndpoints) == 0 && !contains(rum.Endpoints, defaultReplayPath) {
		mux.HandleFunc(defaultReplayPath, ing.ReplayDisabled)
	}
	if p := rum.DatadogProxy; p != "" {
		s.intake(mux, p, ing.Datadog)                        // string proxy: ?ddforward=/api/v2/…
		s.intake(mux, p+"/api/v2/{track}", ing.DatadogTrack) // function proxy: plain paths
	}

	// Query API (DESIGN 3.6).
	mux.HandleFunc("GET /api/v1/sessions", api.ListSessions())
	mux.HandleFunc("GET /api/v1/sessions/{id}", api.GetSession())
	mux.HandleFunc("GET /api/v1/sessions/{id}/events", api.SessionEvents())
	mux.HandleFunc("GET /api/v1/sessions/{id}/segments", api.SessionSegments())
	mux.HandleFunc("GET /api/v1/sessions/{id}/replay", api.SessionReplay())
	mux.HandleFunc("DELETE /api/v1/sessions/{id}", api.DeleteSession()) // erasure requests (docs/privacy.md)
	mux.HandleFunc("GET /api/v1/histogram", api.Histogram())
	mux.HandleFunc("GET /api/v1/{type}", api.ListEvents())
	mux.HandleFunc("GET /api/v1/{type}/{id}", api.GetEvent())
	mux.HandleFunc("/api/", s.apiNotFound)

	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.ops.reg)
	if s.cfg.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}

	// UI pages, static assets, /sdk/reprise.js and (with --demo) /demo/.
	if err := web.Register(mux, webCfg); err != nil {
		return nil, err
	}
	// Login, logout, public share pages and the share-link API (access.go).
	if err := s.registerAccess(mux, webCfg.Reader); err != nil {
		return nil, err
	}
	return mux, nil
}

// intake registers an intake path for POST (and CORS preflight); other
// methods get a JSON 405.
func (s *Server) intake(mux *http.ServeMux, path string, h http.HandlerFunc) {
	s.intakePaths[path] = true
	h = s.guardIntake(h) // declared size and in-flight bounds (inflight.go)
	mux.Handle(path, ingest.CORS(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST, OPTIONS")
			respond.Error(w, r, s.log, http.StatusMethodNotAllowed, "intake accepts POST only")
			return
		}
		if s.auth != nil {
			// With apps configured: client token and allowed origin.
			s.auth.Intake(h).ServeHTTP(w, r)
			return
		}
		h(w, r)
	})))
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	respond.Error(w, r, s.log, http.StatusNotFound, "no API endpoint "+r.Method+" "+r.URL.Path)
}

// healthz reports liveness and the intake counters.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	respond.JSON(w, http.StatusOK, map[string]any{
		"status":  "ok",
		"version": s.version,
		"ingest":  s.ingest.Stats(),
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
