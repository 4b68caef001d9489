package web

import "net/http"

// resourceShow renders one resource event with its Source section.
func (h *handler) resourceShow(w http.ResponseWriter, r *http.Request) {
	kind, _ := findKind("resources")
	d, ok := h.loadEvent(w, r, kind)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "resource.html", page{Title: "Resource · " + resourceName(d.Event), Nav: kind.Kind, Data: d})
}
