package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/reprise-rum/reprise/internal/rum"
)

// viewPageData is the view detail: vitals, the resource waterfall and what
// happened during the view.
type viewPageData struct {
	eventDetail
	Vitals     []vital
	Waterfall  []waterfallRow
	ScaleMS    int64 // the waterfall's full width
	HalfMS     int64 // its middle tick
	Errors     []eventLink
	Actions    []eventLink
	LongTasks  []eventLink
	ReplayHref string
}

// vital is one performance metric with its good / needs-improvement / poor
// rating ("" when not measured).
type vital struct {
	Label, Value, Rating, Hint string
}

type waterfallRow struct {
	Resource      *rum.ResourceFields
	Href          string
	StartMS       int64
	Left, Width   string // CSS percentages of the scale
	DurationLabel string
}

// eventLink is a row in a detail page's list of related events.
type eventLink struct {
	rum.Event
	Href     string
	Offset   int64 // ms from the view's start
	PlayHref string
}

func (h *handler) viewShow(w http.ResponseWriter, r *http.Request) {
	kind, _ := findKind("views")
	d, ok := h.loadEvent(w, r, kind)
	if !ok {
		return
	}
	events, err := h.reader.SessionEvents(r.Context(), d.Event.SessionID)
	if err != nil {
		h.renderError(w, r, fmt.Errorf("view %s events: %w", d.Event.ID, err))
		return
	}
	p := viewPageData{eventDetail: d, ReplayHref: d.Source.PlayHref}
	p.Vitals = viewVitals(d.Event.View)

	ve := splitViewEvents(events, d.Event.ID)
	link := func(prefix string, e rum.Event) eventLink {
		l := eventLink{Event: e, Href: prefix + url.PathEscape(e.ID), Offset: e.Date - d.Event.Date}
		if d.Source.PlayHref != "" {
			l.PlayHref = replayURL(d.Source.SessionID, d.Source.Offset+l.Offset)
		}
		return l
	}
	for _, e := range ve.Errors {
		p.Errors = append(p.Errors, link("/errors/", e))
	}
	for _, e := range ve.Actions {
		p.Actions = append(p.Actions, link("/actions/", e))
	}
	for _, e := range ve.LongTasks {
		p.LongTasks = append(p.LongTasks, link("/long_tasks/", e))
	}
	p.Waterfall, p.ScaleMS = buildWaterfall(d.Event, ve.Resources)
	p.HalfMS = p.ScaleMS / 2
	h.render(w, r, http.StatusOK, "view.html", page{Title: "View · " + urlPath(d.Event.ViewURL), Nav: kind.Kind, Data: p})
}

func viewVitals(v *rum.ViewFields) []vital {
	if v == nil {
		v = &rum.ViewFields{}
	}
	dur := func(label, metric, hint string, ns int64) vital {
		if ns <= 0 {
			return vital{Label: label, Value: "—", Hint: hint}
		}
		return vital{Label: label, Value: fmtNanos(ns), Rating: rating(metric, float64(ns)), Hint: hint}
	}
	cls := vital{Label: "CLS", Value: "—", Hint: "Cumulative Layout Shift"}
	if v.CumulativeLayoutShift > 0 || v.LargestContentfulPaint > 0 {
		// A measured page with no shift reports 0, which is a (good) value.
		cls.Value = fmt.Sprintf("%.3f", v.CumulativeLayoutShift)
		cls.Rating = rating("cls", v.CumulativeLayoutShift)
	}
	return []vital{
		dur("Loading time", "loading_time", "Until the page is loaded and idle", v.LoadingTime),
		dur("FCP", "fcp", "First Contentful Paint", v.FirstContentfulPaint),
		dur("LCP", "lcp", "Largest Contentful Paint", v.LargestContentfulPaint),
		cls,
		dur("INP", "inp", "Interaction to Next Paint", v.InteractionToNextPaint),
		dur("TTFB", "ttfb", "Time to First Byte", v.TimeToFirstByte),
	}
}

// buildWaterfall places each resource on a shared time scale that starts at
// the view's start and ends at the last resource's end (or the loading time).
func buildWaterfall(view rum.Event, resources []rum.Event) ([]waterfallRow, int64) {
	var scale int64 = 1
	if view.View != nil {
		scale = max(scale, view.View.LoadingTime/1e6)
	}
	for _, e := range resources {
		if e.Resource == nil {
			continue
		}
		scale = max(scale, e.Date-view.Date+e.Resource.Duration/1e6)
	}
	var rows []waterfallRow
	for _, e := range resources {
		if e.Resource == nil {
			continue
		}
		start := max(0, e.Date-view.Date)
		durMS := e.Resource.Duration / 1e6
		rows = append(rows, waterfallRow{
			Resource:      e.Resource,
			Href:          "/resources/" + url.PathEscape(e.ID),
			StartMS:       start,
			Left:          fmt.Sprintf("%.2f%%", 100*float64(start)/float64(scale)),
			Width:         fmt.Sprintf("%.2f%%", max(0.3, 100*float64(durMS)/float64(scale))),
			DurationLabel: fmtNanos(e.Resource.Duration),
		})
	}
	return rows, scale
}
