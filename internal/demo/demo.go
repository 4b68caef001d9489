// Package demo is a small fictional shop, instrumented with Reprise's SDK, that
// `reprise serve --demo` serves at /demo/ so a newcomer can click around and then
// replay themselves, and that the end-to-end tests drive in Chromium.
//
// The pages exercise what a replay must show: a form (text, email, password), a
// sortable table, a modal, a fetch, an uncaught error and a second page. Elements
// carry stable ids and data-testid attributes, and visible texts are unique, so a
// test can find them in the browser and again in the replayed DOM.
package demo

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed site
var siteFS embed.FS

// Site is the demo's files, rooted at the site directory (index.html, orders.html, ...).
var Site = mustSub(siteFS, "site")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic("demo: embedded site missing: " + err.Error())
	}
	return sub
}

// csp is strict on scripts, as a careful customer's site would be: the SDK must work
// from a plain <script src> with no inline code. worker-src allows blob: because
// browser SDKs commonly start their compression Worker from a blob URL.
const csp = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; " +
	"style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'self'; frame-ancestors 'self'"

// Handler serves the demo site with paths relative to /demo/ ("/", "/orders.html",
// "/api/items.json"). Mount it with the prefix stripped:
//
//	mux.Handle("/demo/", http.StripPrefix("/demo", demo.Handler()))
//
// The pages refer to their scripts, styles and API by absolute /demo/... paths, and
// load the SDK from /sdk/reprise.js, so they expect that mount point.
func Handler() http.Handler {
	files := http.FileServerFS(Site)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		// The demo changes with the binary; never let a browser keep a stale page.
		h.Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}
