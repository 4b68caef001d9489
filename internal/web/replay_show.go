package web

import (
	"net/http"
	"strconv"

	"github.com/reprise-rum/reprise/internal/store"
)

// replayPageData is what replay.html receives; the player island reads the
// session id and start offset from data attributes.
type replayPageData struct {
	Session store.Session
	User    string
	T       int64 // ms from the session's start
}

// replayShow renders the player page for /replay/{session}?t=MS.
func (h *handler) replayShow(w http.ResponseWriter, r *http.Request) {
	s, err := h.reader.GetSession(r.Context(), r.PathValue("session"))
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	var t int64
	if v := r.URL.Query().Get("t"); v != "" {
		t, err = strconv.ParseInt(v, 10, 64)
		if err != nil || t < 0 {
			h.badRequest(w, r, "t must be a number of milliseconds from the session's start")
			return
		}
	}
	h.render(w, r, http.StatusOK, "replay.html", page{Title: "Replay · " + userLabel(s.User), Nav: "sessions",
		Data: replayPageData{Session: s, User: userLabel(s.User), T: t}})
}
