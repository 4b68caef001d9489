package web

import (
	"net/http"
	"strings"
)

// errorPageData adds to the common detail what an error needs: a readable
// stack and a replay that starts a little before the error happened.
type errorPageData struct {
	eventDetail
	Message    string
	StackLines []stackLine
	ReplayHref string
}

// stackLine is one line of a stack trace; frames (“at f (file:1:2)”) are
// shown dimmer than the message lines above them.
type stackLine struct {
	Text  string
	Frame bool
}

// replayLeadMS is how long before an error its Replay button starts, so the
// user sees what led to it.
const replayLeadMS = 5000

func (h *handler) errorShow(w http.ResponseWriter, r *http.Request) {
	kind, _ := findKind("errors")
	d, ok := h.loadEvent(w, r, kind)
	if !ok {
		return
	}
	p := errorPageData{eventDetail: d}
	if e := d.Event.Error; e != nil {
		p.Message = e.Message
		p.StackLines = splitStack(e.Stack)
	}
	if d.Source.PlayHref != "" {
		p.ReplayHref = replayURL(d.Source.SessionID, d.Source.Offset-replayLeadMS)
	}
	title := p.Message
	if title == "" {
		title = "Error " + d.Event.ID
	}
	h.render(w, r, http.StatusOK, "error.html", page{Title: title, Nav: kind.Kind, Data: p})
}

func splitStack(stack string) []stackLine {
	var lines []stackLine
	for _, l := range strings.Split(strings.TrimRight(stack, "\n"), "\n") {
		if l == "" {
			continue
		}
		t := strings.TrimSpace(l)
		// V8 frames start with "at", Firefox/Safari frames are "fn@url:line:col".
		frame := strings.HasPrefix(t, "at ") || (strings.Contains(t, "@") && strings.Contains(t, ":"))
		lines = append(lines, stackLine{Text: l, Frame: frame})
	}
	return lines
}
