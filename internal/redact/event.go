package redact

import (
	"fmt"
	"strings"

	"github.com/reprise-rum/reprise/internal/rum"
)

// keepInEvent spares the parts of a RUM event that are not free text or
// that the site sends on purpose:
//   - usr.*: what the site passed to setUser (an email there is the user's
//     identity, set deliberately, and what the explorer's user filter finds;
//     erasure requests are served by deleting the session, not by redaction);
//   - _dd.*: SDK bookkeeping;
//   - ids ("id", "*_id"): UUIDs and hex, never personal text, and the store's
//     keys; a redacted id would split a session in two.
//
// Everything else is redacted: URLs, names, messages, stacks, custom context.
func keepInEvent(path []string) bool {
	if len(path) == 0 {
		return false
	}
	switch path[0] {
	case "usr", "_dd":
		return true
	}
	last := path[len(path)-1]
	return last == "id" || strings.HasSuffix(last, "_id")
}

// Event redacts a decoded RUM event in place: its raw JSON (what the API
// serves and the store keeps) and the text fields decoded from it (what the
// store indexes and the explorers show). It reports whether anything
// changed. Each match counts once, although it appears both in Raw and in a
// decoded field.
func (r *Redactor) Event(ev *rum.Event) (bool, error) {
	hits := make([]int, len(r.names))
	raw, rawChanged, err := r.json(ev.Raw, keepInEvent, hits)
	if err != nil {
		return false, fmt.Errorf("redact %s event %s: %w", ev.Type, ev.ID, err)
	}
	ev.Raw = raw

	// The decoded fields repeat Raw's strings, so their matches count only
	// when Raw had none (a field decoded from a JSON number, or an event
	// built without Raw).
	fieldHits := make([]int, len(r.names))
	fieldsChanged := false
	field := func(s *string) {
		if red := r.redact(*s, fieldHits); red != *s {
			*s = red
			fieldsChanged = true
		}
	}
	field(&ev.ViewURL)
	field(&ev.ViewName)
	field(&ev.Referrer)
	field(&ev.Service)
	field(&ev.Env)
	field(&ev.Version)
	if a := ev.Action; a != nil {
		field(&a.TargetName)
	}
	if e := ev.Error; e != nil {
		field(&e.Message)
		field(&e.Stack)
		field(&e.Kind)
	}
	if res := ev.Resource; res != nil {
		field(&res.URL)
	}
	if rawChanged {
		r.add(hits)
	} else {
		r.add(fieldHits)
	}
	return rawChanged || fieldsChanged, nil
}
