package ingest

import "net/http"

// CORS lets pages on any origin send to the intake. The SDKs' requests are
// CORS-safelisted (no preflight), but browsers still reject a response
// without Access-Control-Allow-Origin, and a rejected fetch is retried only
// when offline: the data would be silently lost. Preflights (our SDK with
// Content-Encoding, scripts with application/json) are answered here.
func CORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		if origin := r.Header.Get("Origin"); origin != "" {
			h.Set("Access-Control-Allow-Origin", origin)
			// sendBeacon always sends credentials; echoing the origin with
			// credentials allowed keeps such responses readable.
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Content-Type, Content-Encoding")
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
