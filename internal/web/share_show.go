package web

import (
	"errors"
	"net/http"

	"github.com/reprise-rum/reprise/internal/auth"
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
	data, ok := h.replayData(w, r, sh.SessionID, "share page")
	if !ok {
		return
	}
	auth.SetShareCookie(w, r, sh, tok)
	h.renderShared(w, r, http.StatusOK, "replay.html", page{
		Title: "Shared replay · " + fmtTime(data.Session.Start),
		Nav:   "sessions",
		Data:  data,
	})
}

// renderShared renders a page for someone without a login: no navigation,
// no team-only controls, and the link's token kept out of Referer headers.
func (h *accessHandler) renderShared(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Shared = true
	h.render(w, r, status, name, p)
}
