package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// static holds the CSS, page scripts and the built bundles (static/dist,
// produced by `npm run build` before `go build`).
//
//go:embed static
var staticFS embed.FS

// asset is one embedded file with its content checksum.
type asset struct {
	body  []byte
	sum   string // first 16 hex digits of sha256(body)
	ctype string
}

// assets indexes the embedded static files by their path under static/.
type assets struct {
	files map[string]asset
}

func loadAssets() (*assets, error) {
	as := &assets{files: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return fmt.Errorf("read asset %s: %w", p, err)
		}
		sum := sha256.Sum256(body)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		as.files[strings.TrimPrefix(p, "static/")] = asset{body: body, sum: hex.EncodeToString(sum[:8]), ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load assets: %w", err)
	}
	return as, nil
}

// URL returns the checksummed URL of an asset, for templates. An unknown name
// is a programming error in a template; it yields a URL that 404s rather than
// failing the whole page.
func (as *assets) URL(name string) string {
	a, ok := as.files[name]
	if !ok {
		return "/static/missing/" + name
	}
	return "/static/" + a.sum + "/" + name
}

// staticFile serves /static/{sum}/{path}. When the checksum matches, the
// response never changes and is cached as immutable; a stale checksum (a page
// rendered before an upgrade) still gets the current file, uncached.
func (h *handler) staticFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("path")
	a, ok := h.assets.files[name]
	if !ok || strings.HasSuffix(name, ".md") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.PathValue("sum") == a.sum {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Write(a.body)
}

// sdkBundle serves the browser SDK at a stable URL that customer sites embed:
// any origin may load it, and a short cache lets upgrades reach browsers soon.
func (h *handler) sdkBundle(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		a, ok := h.assets.files[name]
		if !ok {
			http.Error(w, "SDK bundle not built: run `make assets` (node scripts/build.mjs) before `go build`", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Header().Set("ETag", `"`+a.sum+`"`)
		if match := r.Header.Get("If-None-Match"); match == `"`+a.sum+`"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(a.body)
	}
}
