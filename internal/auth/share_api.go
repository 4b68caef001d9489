package auth

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/reprise-rum/reprise/internal/respond"
)

// shareJSON is a share link in the API. Times are ms since epoch, as in
// the rest of the API.
type shareJSON struct {
	ID        string `json:"id"`
	SessionID string `json:"session_id"`
	URL       string `json:"url"`
	Created   int64  `json:"created"`
	Expires   int64  `json:"expires"`
	Status    string `json:"status"` // active, expired or revoked
}

// SessionChecker returns an error wrapping a not-found error the caller
// recognises (isNotFound) when a session does not exist.
type SessionChecker func(ctx context.Context, id string) error

// RegisterShareAPI adds the share-link endpoints to mux:
//
//	POST   /api/v1/sessions/{id}/share           {"expires_in": "24h"} → 201 link
//	GET    /api/v1/sessions/{id}/shares          → {"shares": [...]}
//	DELETE /api/v1/sessions/{id}/shares/{share}  → 204, the link stops working
//
// They sit behind Guard like the rest of the API (a login with CSRF token,
// or an API token).
func (a *Auth) RegisterShareAPI(mux *http.ServeMux, exists SessionChecker, isNotFound func(error) bool) {
	mux.HandleFunc("POST /api/v1/sessions/{id}/share", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if err := exists(r.Context(), id); err != nil {
			if isNotFound(err) {
				respond.Error(w, r, a.log, http.StatusNotFound, "no session "+id)
				return
			}
			a.log.Error("share: look up session", "session", id, "err", err)
			respond.Error(w, r, a.log, http.StatusInternalServerError, "could not look up the session")
			return
		}
		ttl, err := shareTTL(r)
		if err != nil {
			respond.Error(w, r, a.log, http.StatusBadRequest, err.Error())
			return
		}
		sh, tok, err := a.CreateShare(id, ttl)
		if err != nil {
			a.log.Error("share: create", "session", id, "err", err)
			respond.Error(w, r, a.log, http.StatusInternalServerError, "could not store the share link")
			return
		}
		respond.JSON(w, http.StatusCreated, a.shareView(r, sh, tok))
	})
	mux.HandleFunc("GET /api/v1/sessions/{id}/shares", func(w http.ResponseWriter, r *http.Request) {
		list := a.Shares(r.PathValue("id"))
		out := make([]shareJSON, len(list))
		for i, s := range list {
			out[i] = a.shareView(r, s.Share, s.Token)
		}
		respond.JSON(w, http.StatusOK, map[string]any{"shares": out})
	})
	mux.HandleFunc("DELETE /api/v1/sessions/{id}/shares/{share}", func(w http.ResponseWriter, r *http.Request) {
		err := a.RevokeShare(r.PathValue("id"), r.PathValue("share"))
		switch {
		case errors.Is(err, ErrNotFound):
			respond.Error(w, r, a.log, http.StatusNotFound, "no such share link for this session")
		case err != nil:
			a.log.Error("share: revoke", "err", err)
			respond.Error(w, r, a.log, http.StatusInternalServerError, "could not revoke the share link")
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
}

// shareTTL reads {"expires_in": "24h"} (a Go duration); an empty body means
// DefaultShareTTL.
func shareTTL(r *http.Request) (time.Duration, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 4096))
	if err != nil {
		return 0, errors.New("could not read the request body")
	}
	if len(body) == 0 {
		return DefaultShareTTL, nil
	}
	var req struct {
		ExpiresIn string `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, errors.New(`body: want {"expires_in": "24h"}`)
	}
	if req.ExpiresIn == "" {
		return DefaultShareTTL, nil
	}
	d, err := time.ParseDuration(req.ExpiresIn)
	if err != nil || d < MinShareTTL || d > MaxShareTTL {
		return 0, errors.New("expires_in: want a duration between 1s and 2160h (90 days), e.g. \"24h\"")
	}
	return d, nil
}

func (a *Auth) shareView(r *http.Request, sh Share, tok string) shareJSON {
	status := "active"
	switch {
	case sh.Revoked:
		status = "revoked"
	case !a.now().Before(sh.Expires):
		status = "expired"
	}
	scheme := "http"
	if IsHTTPS(r) {
		scheme = "https"
	}
	return shareJSON{
		ID: sh.ID, SessionID: sh.SessionID,
		URL:     scheme + "://" + r.Host + SharePath(tok),
		Created: sh.Created.UnixMilli(), Expires: sh.Expires.UnixMilli(), Status: status,
	}
}

// SharePath is the public page of a share token.
func SharePath(tok string) string { return "/share/" + url.PathEscape(tok) }
