package web

import (
	"strconv"

	"github.com/reprise-rum/reprise/internal/store"
)

const histogramBuckets = 40

// histogram is the small bar chart of counts over the time range above each
// explorer list, drawn as server-side SVG in a 1000×60 viewBox.
type histogram struct {
	Bars     []histogramBar
	Max      int64
	From, To int64
}

type histogramBar struct {
	X, Y, W, H float64
	Count      int64
	Start, End int64
	Href       string // the explorer zoomed to this bucket
}

// buildHistogram lays the store's buckets out as bars over the query's time
// range; each bar links to the explorer narrowed to its slice of time.
func buildHistogram(q explorerQuery, buckets []store.Bucket) histogram {
	f := q.Filter
	h := histogram{From: f.From, To: f.To}
	n := len(buckets)
	if n == 0 {
		return h
	}
	for _, b := range buckets {
		h.Max = max(h.Max, b.Count)
	}
	const width, height, gap = 1000.0, 60.0, 2.0
	w := width / float64(n)
	for i, b := range buckets {
		bar := histogramBar{X: float64(i)*w + gap/2, W: w - gap, Count: b.Count, Start: b.Start, End: f.To}
		if i+1 < n {
			bar.End = buckets[i+1].Start
		}
		if h.Max > 0 && b.Count > 0 {
			bar.H = max(2, height*float64(b.Count)/float64(h.Max))
		}
		bar.Y = height - bar.H
		bar.Href = q.url("range", "custom", "from", strconv.FormatInt(bar.Start, 10), "to", strconv.FormatInt(bar.End, 10))
		h.Bars = append(h.Bars, bar)
	}
	return h
}
