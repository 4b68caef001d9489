package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/reprise-rum/reprise/internal/store"
)

// defaultInactiveThresholdMs is how long a stretch without user input or page
// change must last before the player skips it (seed: "over 1 minute"). People
// change it in the player; their choice is kept in their browser.
const defaultInactiveThresholdMs = 60_000

// replayPageData is what replay.html receives. The player island
// (player/src/main.ts) reads the session id from data attributes and the
// moment to open at from the URL's t parameter.
type replayPageData struct {
	Session             store.Session
	User                string
	T                   int64 // ms from the session's start
	InactiveThresholdMs int64
	// Index is embedded as JSON: with the segment index in the page, the
	// player fetches the first window without another round trip first.
	Index replayIndex
}

// replayIndex is what the player would otherwise fetch from
// /api/v1/sessions/{id} and /api/v1/sessions/{id}/segments.
type replayIndex struct {
	Session  store.Session       `json:"session"`
	Segments []store.SegmentMeta `json:"segments"`
}

// replayShow renders the player page for /replay/{session}?t=MS.
func (h *handler) replayShow(w http.ResponseWriter, r *http.Request) {
	data, ok := h.replayData(w, r, r.PathValue("session"), "replay page")
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "replay.html", page{
		Title: "Replay · " + data.User + " · " + fmtTime(data.Session.Start),
		Nav:   "sessions",
		Data:  data,
	})
}

// replayData loads what replay.html needs for one session and the t
// parameter, for the team's page and for a share link alike. When it returns
// false it has already written the error page.
func (h *handler) replayData(w http.ResponseWriter, r *http.Request, sessionID, what string) (replayPageData, bool) {
	s, err := h.reader.GetSession(r.Context(), sessionID)
	if err != nil {
		h.renderError(w, r, err)
		return replayPageData{}, false
	}
	var t int64
	if v := r.URL.Query().Get("t"); v != "" {
		t, err = strconv.ParseInt(v, 10, 64)
		if err != nil || t < 0 {
			h.badRequest(w, r, "t must be a number of milliseconds from the session's start")
			return replayPageData{}, false
		}
	}
	segs, err := h.reader.Segments(r.Context(), s.ID, 0, 0)
	if err != nil {
		h.renderError(w, r, fmt.Errorf("%s: segments of session %s: %w", what, s.ID, err))
		return replayPageData{}, false
	}
	if segs == nil {
		segs = []store.SegmentMeta{}
	}
	return replayPageData{Session: s, User: userLabel(s.User), T: t, InactiveThresholdMs: defaultInactiveThresholdMs,
		Index: replayIndex{Session: s, Segments: segs}}, true
}
