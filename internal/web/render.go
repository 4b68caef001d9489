package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/reprise-rum/reprise/internal/auth"
	"github.com/reprise-rum/reprise/internal/store"
)

//go:embed templates
var templateFS embed.FS

// Content-Security-Policy of every page: scripts only from our own origin, no
// inline scripts, no plugins, not framable by other sites.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; " +
	"form-action 'self'; frame-ancestors 'self'"

// playerCSP is the replay page's policy. The rrweb Replayer rebuilds the
// recorded DOM in an about:blank iframe sandboxed without allow-scripts, which
// inherits this policy: scripts stay 'self' only (recorded scripts never run),
// but the recorded page's images, styles, fonts and media come from its own
// origin, so those may load from anywhere, as in every replay product.
const playerCSP = "default-src 'self'; script-src 'self'; " +
	"style-src 'self' 'unsafe-inline' https: http:; img-src 'self' data: blob: https: http:; " +
	"font-src 'self' data: https: http:; media-src 'self' data: blob: https: http:; " +
	"connect-src 'self'; frame-src 'self' about: blob:; worker-src 'self' blob:; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'self'"

// page is what the layout template receives: the chrome (title, active nav
// item) and the page's own data.
type page struct {
	Title string
	Nav   string // the explorer kind highlighted in the left nav
	Data  any
	// CSRF is the logged-in person's CSRF token (a meta tag for scripts,
	// a field of the sign-out form); set by render.
	CSRF string
	// Shared marks a page shown through a public share link: no
	// navigation or team-only controls (internal/web/share_show.go).
	Shared bool
}

// navItem is one entry of the left navigation.
type navItem struct{ Kind, Label string }

// pages holds one parsed template set per page file; each set is the layout,
// the shared partials and that page's "content".
type pages struct {
	byName map[string]*template.Template
}

func parsePages(as *assets) (*pages, error) {
	funcs := templateFuncs(as)
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	pg := &pages{byName: map[string]*template.Template{}}
	for _, p := range names {
		name := strings.TrimPrefix(p, "templates/")
		if name == "layout.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, p)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		pg.byName[name] = t
	}
	return pg, nil
}

// render executes a page into a buffer first, so that a template error turns
// into a clean 500 instead of half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := h.pages.byName[name]
	if !ok {
		h.renderError(w, r, fmt.Errorf("render: no template %q", name))
		return
	}
	if !p.Shared {
		p.CSRF = auth.CSRFToken(r.Context())
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		h.log.Error("render page", "template", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "same-origin")
	if p.Shared {
		// The share token is in the URL: send it nowhere.
		hdr.Set("Referrer-Policy", "no-referrer")
	}
	if name == "replay.html" {
		hdr.Set("Content-Security-Policy", playerCSP)
	} else {
		hdr.Set("Content-Security-Policy", pageCSP)
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage is the data of the error template.
type errorPage struct {
	Status  int
	Heading string
	Detail  string
}

// renderError answers with a 404 page for store.ErrNotFound and a logged 500
// page for anything else; the client never sees internal error text.
func (h *handler) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		h.render(w, r, http.StatusNotFound, "problem.html", page{Title: "Not found", Data: errorPage{
			Status: 404, Heading: "Not found", Detail: "Nothing is stored under " + r.URL.Path + ". It may have expired or never reached the collector.",
		}})
		return
	}
	if errors.Is(err, store.ErrBadFilter) {
		h.badRequest(w, r, "The store cannot run this query: "+err.Error())
		return
	}
	h.log.Error("web page", "method", r.Method, "path", r.URL.Path, "err", err)
	h.render(w, r, http.StatusInternalServerError, "problem.html", page{Title: "Error", Data: errorPage{
		Status: 500, Heading: "Something went wrong", Detail: "The page could not be loaded. The error has been logged on the server.",
	}})
}

// badRequest renders a 400 page with a message meant for the user.
func (h *handler) badRequest(w http.ResponseWriter, r *http.Request, msg string) {
	h.render(w, r, http.StatusBadRequest, "problem.html", page{Title: "Bad request", Data: errorPage{
		Status: 400, Heading: "Bad request", Detail: msg,
	}})
}
