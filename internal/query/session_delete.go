package query

import (
	"fmt"
	"net/http"
)

// sessionDeleted is the answer to an erasure request.
type sessionDeleted struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

// DeleteSession serves DELETE /api/v1/sessions/{id}: a person's erasure
// request. The session, its events and its replay segments leave the index
// at once (the API, explorers and player no longer find them); then blob
// files left holding only deleted segments are dropped, so the bytes of a
// session that had files of its own go too. Segments sharing a file with live
// ones go when retention drops that file. 404 when nothing had the id.
func (a *API) DeleteSession() http.HandlerFunc {
	return a.wrap(func(r *http.Request) (any, error) {
		if a.deleter == nil {
			return nil, badRequestf("this server's store does not support deletion")
		}
		id := r.PathValue("id")
		if id == "" {
			return nil, badRequestf("missing session id")
		}
		if err := a.deleter.Delete(r.Context(), id); err != nil {
			return nil, fmt.Errorf("delete session: %w", err)
		}
		// A cutoff of 0 removes no session (none ended before the epoch); what
		// it does is drop the blob files that now hold no live segment.
		if _, err := a.deleter.DeleteBefore(r.Context(), 0); err != nil {
			a.log.Error("query: session deleted, but dropping its blob files failed", "session", id, "err", err)
		}
		a.log.Info("session deleted on request", "session", id, "remote", r.RemoteAddr)
		return sessionDeleted{ID: id, Deleted: true}, nil
	})
}
