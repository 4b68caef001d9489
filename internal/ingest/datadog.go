package ingest

import (
	"net/http"
	"net/url"
)

// Datadog serves the Datadog browser SDK's string `proxy` option:
// POST /v1/datadog?ddforward=<encoded /api/v2/rum?… or /api/v2/replay?…>.
// The forwarded path picks the decoder; its dd-evp-encoding parameter says
// whether the RUM body is a zlib stream.
func (h *Handler) Datadog(w http.ResponseWriter, r *http.Request) {
	fwd := r.URL.Query().Get("ddforward")
	if fwd == "" {
		h.fail(w, r, errorf(http.StatusBadRequest, "missing ddforward query parameter (set the Datadog SDK's proxy option to this URL)"))
		return
	}
	u, err := url.Parse(fwd)
	if err != nil {
		h.fail(w, r, errorf(http.StatusBadRequest, "ddforward is not a URL: "+err.Error()))
		return
	}
	h.serveDatadogTrack(w, r, u.Path, u.Query())
}

// DatadogTrack serves the function form of the `proxy` option, which yields
// plain paths: POST /v1/datadog/api/v2/{track}?<parameters>.
func (h *Handler) DatadogTrack(w http.ResponseWriter, r *http.Request) {
	h.serveDatadogTrack(w, r, "/api/v2/"+r.PathValue("track"), r.URL.Query())
}

func (h *Handler) serveDatadogTrack(w http.ResponseWriter, r *http.Request, path string, params url.Values) {
	switch path {
	case "/api/v2/rum":
		h.serveRUM(w, r, params.Get("dd-evp-encoding"))
	case "/api/v2/replay":
		// Datadog segments carry no "format"; absent means Datadog's
		// record format, converted to rrweb when read.
		h.Replay(w, r)
	default:
		h.fail(w, r, errorf(http.StatusNotFound, "Datadog track "+path+" is not supported (rum and replay are)"))
	}
}
