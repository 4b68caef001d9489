// Package respond writes every JSON response and error of the HTTP API and
// intake, so handlers never hand-write status codes, headers or error bodies.
package respond

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
)

// JSON writes v as a JSON body with the given status. API data must not be
// cached by shared caches: it changes as events arrive.
func JSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// A marshal failure is a programming error (an unsupported type),
		// never the client's fault.
		slog.Error("respond: marshal", "err", err)
		status = http.StatusInternalServerError
		body = []byte(`{"error":"internal error: cannot encode response"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// errorBody is the one error shape every endpoint answers with.
type errorBody struct {
	Error string `json:"error"`
}

// Error writes {"error": msg} with status. 5xx errors are logged here, with
// the request, so handlers need not; 4xx are the client's and logged at debug.
func Error(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, msg string) {
	if log == nil {
		log = slog.Default()
	}
	level := slog.LevelDebug
	if status >= 500 {
		level = slog.LevelError
	}
	log.Log(r.Context(), level, "request failed", "method", r.Method, "path", r.URL.Path, "status", status, "error", msg)
	JSON(w, status, errorBody{Error: msg})
}

// Overloaded answers 429 with Retry-After so that SDKs (which retry 429 with
// backoff) come back later instead of losing data.
func Overloaded(w http.ResponseWriter, r *http.Request, log *slog.Logger, retryAfterSeconds int) {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	Error(w, r, log, http.StatusTooManyRequests, "server overloaded, retry later")
}

// Unavailable answers 503 with Retry-After, used while shutting down.
func Unavailable(w http.ResponseWriter, r *http.Request, log *slog.Logger, msg string) {
	w.Header().Set("Retry-After", "5")
	w.Header().Set("Connection", "close")
	Error(w, r, log, http.StatusServiceUnavailable, msg)
}
