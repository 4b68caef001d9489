package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/reprise-rum/reprise/internal/auth"
	"github.com/reprise-rum/reprise/internal/store"
)

// shareShow serves a public share link, /share/{token}?t=MS: the player for
// that one session, without login. The page sets a share cookie scoped to
// the session's API path, which is all the player needs to read its replay
// and events; nothing else of the UI or API opens to the viewer.
func (h *accessHandler) shareShow(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	sh, err := h.auth.ResolveShare(tok)
	if err != nil {
		detail := "This link is not a valid Reprise share link."
		switch {
		case errors.Is(err, auth.ErrShareExpired):
			detail = "This share link expired on " + fmtDateTime(sh.Expires.UnixMilli()) + ". Ask the person who sent it for a new one."
		case errors.Is(err, auth.ErrShareRevoked):
			detail = "This share link was revoked. Ask the person who sent it for a new one."
		}
		h.renderShared(w, r, http.StatusForbidden, "problem.html", page{Title: "Link not available", Data: errorPage{
			Status: 403, Heading: "This replay is not available", Detail: detail,
		}})
		return
	}
	s, err := h.reader.GetSession(r.Context(), sh.SessionID)
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
	segs, err := h.reader.Segments(r.Context(), s.ID, 0, 0)
	if err != nil {
		h.renderError(w, r, fmt.Errorf("share page: segments of session %s: %w", s.ID, err))
		return
	}
	if segs == nil {
		segs = []store.SegmentMeta{}
	}
	auth.SetShareCookie(w, r, sh, tok)
	h.renderShared(w, r, http.StatusOK, "replay.html", page{
		Title: "Shared replay · " + fmtTime(s.Start),
		Nav:   "sessions",
		Data: replayPageData{Session: s, User: userLabel(s.User), T: t, InactiveThresholdMs: defaultInactiveThresholdMs,
			Index: replayIndex{Session: s, Segments: segs}},
	})
}

// renderShared renders a page for someone without a login: no navigation,
// no team-only controls, and the link's token kept out of Referer headers.
func (h *accessHandler) renderShared(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Shared = true
	h.render(w, r, status, name, p)
}
