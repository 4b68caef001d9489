package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path"
	"strings"

	"github.com/reprise-rum/reprise/internal/auth"
	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/store"
	"github.com/reprise-rum/reprise/internal/web"
)

// newAuth opens the access-control state in the data directory.
func newAuth(cfg config.Config, log *slog.Logger) (*auth.Auth, auth.Started, error) {
	apps := make([]auth.App, len(cfg.Apps))
	for i, a := range cfg.Apps {
		apps[i] = auth.App{ID: a.ID, ClientToken: a.ClientToken, AllowedOrigins: a.AllowedOrigins}
	}
	return auth.New(auth.Config{
		DataDir:       cfg.DataDir,
		AdminPassword: cfg.Auth.AdminPassword,
		APITokens:     cfg.Auth.APITokens,
		Apps:          apps,
		// `serve --demo` is for trying Reprise out: a login link at every
		// start, so `make run` always prints a way in.
		OneTimeLogin: cfg.Demo,
		Logger:       log,
	})
}

// logCredentials prints, once listening, how to get in: the generated
// password (first start only) and a one-time login link.
func logCredentials(log *slog.Logger, addr string, st auth.Started) {
	if st.GeneratedPassword != "" {
		log.Warn("first start: generated the admin password; it is shown only this once (stored hashed in data_dir/auth.json; set auth.admin_password or REPRISE_ADMIN_PASSWORD to choose one)",
			"user", auth.AdminUser, "password", st.GeneratedPassword)
	}
	if st.OneTimeLoginPath != "" {
		log.Warn("sign in with this one-time link (works once, for a day, until restart)", "url", "http://"+addr+st.OneTimeLoginPath)
	}
}

// registerAccess adds the login and share pages and the share-link API.
func (s *Server) registerAccess(mux *http.ServeMux, reader store.Reader) error {
	if s.auth == nil {
		return nil
	}
	exists := func(ctx context.Context, id string) error {
		_, err := reader.GetSession(ctx, id)
		return err
	}
	s.auth.RegisterShareAPI(mux, exists, func(err error) bool { return errors.Is(err, store.ErrNotFound) })
	return web.RegisterAccess(mux, web.AccessConfig{Auth: s.auth, Reader: reader, Logger: s.log})
}

// public lists what needs no login: intake (checked per application by
// client token instead), health and readiness (load balancers probe them
// without credentials; /metrics takes an API token), the SDK bundle, static
// assets, the demo site, and the login and share pages. Everything else, including any route
// added later, is behind the login.
func (s *Server) public(r *http.Request) bool {
	p := r.URL.Path
	if s.intakePaths[intakeKey(p)] || p == defaultReplayPath {
		return true
	}
	switch p {
	case "/healthz", "/readyz", "/login", "/sdk/reprise.js", "/sdk/reprise.esm.js":
		return true
	}
	// Prefixes only for clean paths: "/static/../api/…" is not public (the
	// route table would redirect it anyway).
	if clean := path.Clean(p); clean != p && clean+"/" != p {
		return false
	}
	for _, prefix := range []string{"/static/", "/login/once/", "/share/"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return s.cfg.Demo && strings.HasPrefix(p, "/demo/")
}
