package web

import "net/http"

// longTaskShow renders one long task event with its Source section.
func (h *handler) longTaskShow(w http.ResponseWriter, r *http.Request) {
	kind, _ := findKind("long_tasks")
	d, ok := h.loadEvent(w, r, kind)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "long_task.html", page{Title: "Long task · " + urlPath(d.Event.ViewURL), Nav: kind.Kind, Data: d})
}
