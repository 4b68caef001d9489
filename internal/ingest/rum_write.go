package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/reprise-rum/reprise/internal/auth"
	"github.com/reprise-rum/reprise/internal/respond"
	"github.com/reprise-rum/reprise/internal/rum"
)

// maxReportedErrors caps the per-line errors in a response: enough to debug
// an SDK, not enough to echo a huge bad batch back.
const maxReportedErrors = 100

// batchResult is the answer to a RUM batch.
type batchResult struct {
	Error    string      `json:"error,omitempty"` // set when nothing was accepted
	Accepted int         `json:"accepted"`
	Rejected int         `json:"rejected"`
	Dropped  int         `json:"dropped,omitempty"` // telemetry, dropped on purpose
	Errors   []lineError `json:"errors,omitempty"`
}

type lineError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// RUM serves POST /v1/write/rum: a batch of newline-delimited RUM events.
func (h *Handler) RUM(w http.ResponseWriter, r *http.Request) {
	h.serveRUM(w, r, "")
}

// serveRUM decodes a batch, stores the good events and reports the bad ones
// by line. queryEncoding is Datadog's dd-evp-encoding parameter.
func (h *Handler) serveRUM(w http.ResponseWriter, r *http.Request, queryEncoding string) {
	if err := checkRUMContentType(r); err != nil {
		h.fail(w, r, err)
		return
	}
	buf := getBodyBuffer()
	defer putBodyBuffer(buf) // events copy what they keep (rum.ParseEvent)
	body, err := h.readRUMBody(w, r, queryEncoding, buf)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lines, err := splitBatch(body, h.limits.MaxEventsPerBatch)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(lines) == 0 {
		h.fail(w, r, errorf(http.StatusBadRequest, "empty batch: want one JSON event per line"))
		return
	}

	ua := r.UserAgent()
	events := make([]rum.Event, 0, len(lines))
	var res batchResult
	for _, l := range lines {
		ev, err := h.parseLine(l.data, ua)
		if err == nil {
			// With apps configured, an event may only claim its client
			// token's application.
			err = auth.CheckIntakeApp(r.Context(), ev.AppID)
		}
		switch {
		case err == nil:
			events = append(events, ev)
		case errors.Is(err, rum.ErrTelemetry):
			res.Dropped++
		default:
			res.Rejected++
			if len(res.Errors) < maxReportedErrors {
				res.Errors = append(res.Errors, lineError{Line: l.number, Error: err.Error()})
			}
		}
	}
	h.stats.TelemetryDropped.Add(int64(res.Dropped))
	h.stats.EventsRejected.Add(int64(res.Rejected))
	if len(events) == 0 && res.Rejected > 0 {
		res.Error = "every event in the batch was rejected"
		respond.JSON(w, http.StatusBadRequest, res)
		return
	}
	if len(events) > 0 {
		if err := h.events.AppendEvents(r.Context(), events); err != nil {
			h.fail(w, r, fmt.Errorf("append %d events: %w", len(events), err))
			return
		}
	}
	res.Accepted = len(events)
	h.stats.EventsAccepted.Add(int64(res.Accepted))
	respond.JSON(w, http.StatusAccepted, res)
}

func (h *Handler) parseLine(line []byte, ua string) (rum.Event, error) {
	if err := checkShape(line, h.limits.MaxJSONDepth, h.limits.MaxFieldBytes); err != nil {
		return rum.Event{}, fmt.Errorf("%w: %v", rum.ErrInvalid, err)
	}
	ev, err := rum.ParseEvent(line, ua)
	if err != nil || h.redactor == nil {
		return ev, err
	}
	if _, err := h.redactor.Event(&ev); err != nil {
		return rum.Event{}, fmt.Errorf("%w: %v", rum.ErrInvalid, err)
	}
	return ev, nil
}

type batchLine struct {
	number int // 1-based, as the client counts lines (or array elements)
	data   []byte
}

// splitBatch cuts a body into events: NDJSON lines (empty ones skipped; the
// Datadog SDK's page-exit flush may start with "\n"), or the elements of a
// JSON array, which some scripts send.
func splitBatch(body []byte, maxEvents int) ([]batchLine, error) {
	tooMany := errorf(http.StatusRequestEntityTooLarge, fmt.Sprintf("batch has more than limits.max_events_per_batch (%d) events", maxEvents))
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var elems []json.RawMessage
		if err := json.Unmarshal(trimmed, &elems); err != nil {
			return nil, errorf(http.StatusBadRequest, "body starts with '[' but is not a JSON array: "+err.Error())
		}
		if len(elems) > maxEvents {
			return nil, tooMany
		}
		lines := make([]batchLine, len(elems))
		for i, e := range elems {
			lines[i] = batchLine{number: i + 1, data: e}
		}
		return lines, nil
	}
	var lines []batchLine
	n := 0
	for len(body) > 0 {
		n++
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if len(lines) == maxEvents {
			return nil, tooMany
		}
		lines = append(lines, batchLine{number: n, data: line})
	}
	return lines, nil
}
