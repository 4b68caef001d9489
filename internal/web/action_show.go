package web

import "net/http"

// actionShow renders one action event with its Source section.
func (h *handler) actionShow(w http.ResponseWriter, r *http.Request) {
	kind, _ := findKind("actions")
	d, ok := h.loadEvent(w, r, kind)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "action.html", page{Title: "Action · " + actionName(d.Event), Nav: kind.Kind, Data: d})
}
