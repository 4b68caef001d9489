// Package web serves Reprise's user interface: server-rendered explorer and
// detail pages, the replay player page, embedded static assets, the SDK
// bundle and (in demo mode) the demo site. It reads data only through
// store.Reader.
package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/reprise-rum/reprise/internal/demo"
	"github.com/reprise-rum/reprise/internal/store"
)

// Config is everything the web pages need from the rest of the binary.
type Config struct {
	Reader store.Reader
	Demo   bool // also serve the instrumented demo site at /demo/
	Logger *slog.Logger
}

// handler carries the dependencies of every page handler.
type handler struct {
	reader store.Reader
	log    *slog.Logger
	pages  *pages
	assets *assets
}

// newHandler loads the embedded assets and templates that the team's pages
// and the access pages (RegisterAccess) both render with. A nil log is
// slog.Default().
func newHandler(reader store.Reader, log *slog.Logger) (*handler, error) {
	if log == nil {
		log = slog.Default()
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	pg, err := parsePages(as)
	if err != nil {
		return nil, err
	}
	return &handler{reader: reader, log: log, pages: pg, assets: as}, nil
}

// Register adds every UI route to mux. The route table is this one function,
// read top to bottom.
func Register(mux *http.ServeMux, cfg Config) error {
	if cfg.Reader == nil {
		return errors.New("web: Config.Reader is nil")
	}
	h, err := newHandler(cfg.Reader, cfg.Logger)
	if err != nil {
		return err
	}

	mux.HandleFunc("GET /{$}", h.homeRedirect)
	mux.HandleFunc("GET /explorer/{kind}", h.explorerList)

	mux.HandleFunc("GET /sessions/{id}", h.sessionShow)
	mux.HandleFunc("GET /views/{id}", h.viewShow)
	mux.HandleFunc("GET /errors/{id}", h.errorShow)
	mux.HandleFunc("GET /resources/{id}", h.resourceShow)
	mux.HandleFunc("GET /actions/{id}", h.actionShow)
	mux.HandleFunc("GET /long_tasks/{id}", h.longTaskShow)

	mux.HandleFunc("GET /replay/{session}", h.replayShow)

	mux.HandleFunc("GET /static/{sum}/{path...}", h.staticFile)
	mux.HandleFunc("GET /sdk/reprise.js", h.sdkBundle("dist/reprise.js"))
	mux.HandleFunc("GET /sdk/reprise.esm.js", h.sdkBundle("dist/reprise.esm.js"))

	if cfg.Demo {
		// The demo pages use absolute /demo/... paths and load /sdk/reprise.js.
		mux.Handle("GET /demo/", http.StripPrefix("/demo", demo.Handler()))
	}

	return nil
}

// homeRedirect sends the bare root to the sessions explorer, where a
// newcomer starts.
func (h *handler) homeRedirect(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/explorer/sessions", http.StatusFound)
}
