package query

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/reprise-rum/reprise/internal/replay"
)

// SessionReplay serves GET /api/v1/sessions/{id}/replay?from&to:
// {"events":[…rrweb events…],"missing":[…]}, written and flushed segment by
// segment as the segments are read, so the player can start early and the
// server never holds a whole session.
func (a *API) SessionReplay() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		q := r.URL.Query()
		from, err := timeParam(q, "from")
		if err != nil {
			a.fail(w, r, err)
			return
		}
		to, err := timeParam(q, "to")
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if _, err := a.reader.GetSession(r.Context(), id); err != nil {
			a.fail(w, r, err)
			return
		}

		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Accel-Buffering", "no") // let reverse proxies pass chunks on
		h.Add("Vary", "Accept-Encoding")
		out := &eventWriter{rc: http.NewResponseController(w)}
		var dst io.Writer = w
		if acceptsGzip(r) {
			// rrweb JSON shrinks about tenfold; long sessions are many MB.
			h.Set("Content-Encoding", "gzip")
			out.gz, _ = gzip.NewWriterLevel(w, gzip.BestSpeed)
			dst = out.gz
		}
		out.bw = bufio.NewWriterSize(dst, 32<<10)
		w.WriteHeader(http.StatusOK)

		out.bw.WriteString(`{"events":[`)
		missing, err := a.streamer.Stream(r.Context(), id, from, to, out)
		if err == nil {
			err = out.err
		}
		if err != nil {
			if errors.Is(err, context.Canceled) || r.Context().Err() != nil {
				return // client gone
			}
			// Headers are sent: the failure can only be told in the body.
			a.log.Error("replay stream failed", "session", id, "err", err)
			missing = append(missing, replay.Missing{Reason: "replay stream interrupted: " + err.Error()})
		}
		if missing == nil {
			missing = []replay.Missing{}
		}
		m, _ := json.Marshal(missing)
		out.bw.WriteString(`],"missing":`)
		out.bw.Write(m)
		out.bw.WriteString("}\n")
		out.Flush()
		if out.gz != nil {
			out.gz.Close()
		}
	}
}

// acceptsGzip reports whether the client takes a gzip-encoded response.
func acceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(name) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// eventWriter writes the events array's elements and flushes to the client
// after each segment.
type eventWriter struct {
	bw  *bufio.Writer
	gz  *gzip.Writer // nil when not compressing
	rc  *http.ResponseController
	n   int
	err error
}

func (e *eventWriter) Event(ev json.RawMessage) error {
	if e.n > 0 {
		e.bw.WriteByte(',')
	}
	e.n++
	_, err := e.bw.Write(ev)
	if err != nil {
		e.err = err
	}
	return err
}

func (e *eventWriter) Flush() {
	if err := e.bw.Flush(); err != nil {
		e.err = err
		return
	}
	if e.gz != nil {
		if err := e.gz.Flush(); err != nil {
			e.err = err
			return
		}
	}
	// Flush errors only mean the writer cannot flush (tests' recorders);
	// the bytes still go out when the handler returns.
	_ = e.rc.Flush()
}
