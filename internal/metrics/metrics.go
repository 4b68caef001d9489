// Package metrics exposes Reprise's operational counters in the Prometheus
// text exposition format (version 0.0.4) at /metrics. It is hand-written
// rather than built on prometheus/client_golang: Reprise needs a dozen
// counters, gauges and histograms, and the format is a page of text, while
// the client library would pull in protobuf and a dozen modules.
//
// Every metric is registered once at start-up on a Registry; updates are
// lock-free atomics on the hot path (a label lookup takes a read lock).
// Gauges whose value lives elsewhere (queue depth, store size) are functions
// evaluated at scrape time, so nothing has to push them.
package metrics

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// ContentType is the media type of the text exposition format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Registry holds every metric family and writes them out on a scrape.
type Registry struct {
	mu       sync.Mutex
	families map[string]family
}

type family interface {
	write(w *bufio.Writer)
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{families: map[string]family{}} }

// register adds f under name; a name registered twice is a programming
// error, caught at start-up.
func (r *Registry) register(name string, f family) {
	if !validName(name) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", name))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.families[name]; dup {
		panic(fmt.Sprintf("metrics: %s registered twice", name))
	}
	r.families[name] = f
}

// WriteTo writes every family, sorted by name, in the text format.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	r.mu.Lock()
	names := make([]string, 0, len(r.families))
	for n := range r.families {
		names = append(names, n)
	}
	fams := make([]family, 0, len(names))
	slices.Sort(names)
	for _, n := range names {
		fams = append(fams, r.families[n])
	}
	r.mu.Unlock()
	cw := &countingWriter{w: w}
	bw := bufio.NewWriter(cw)
	for _, f := range fams {
		f.write(bw)
	}
	err := bw.Flush()
	return cw.n, err
}

// ServeHTTP answers a Prometheus scrape.
func (r *Registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Cache-Control", "no-store")
	r.WriteTo(w)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// vec keeps one series per combination of label values.
type vec[S any] struct {
	labels []string
	mu     sync.RWMutex
	series map[string]*S
	keys   map[string][]string // key -> label values, for writing
	make   func() *S
}

func newVec[S any](labels []string, mk func() *S) *vec[S] {
	for _, l := range labels {
		if !validName(l) || strings.HasPrefix(l, "__") {
			panic(fmt.Sprintf("metrics: invalid label name %q", l))
		}
	}
	return &vec[S]{labels: labels, series: map[string]*S{}, keys: map[string][]string{}, make: mk}
}

// get returns the series for values, creating it on first use.
func (v *vec[S]) get(values []string) *S {
	if len(values) != len(v.labels) {
		panic(fmt.Sprintf("metrics: %d label values for labels %v", len(values), v.labels))
	}
	key := strings.Join(values, "\xff")
	v.mu.RLock()
	s, ok := v.series[key]
	v.mu.RUnlock()
	if ok {
		return s
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if s, ok = v.series[key]; ok {
		return s
	}
	s = v.make()
	v.series[key] = s
	v.keys[key] = slices.Clone(values)
	return s
}

// each calls f for every series, in a stable order (sorted label values).
func (v *vec[S]) each(f func(labels string, s *S)) {
	v.mu.RLock()
	keys := make([]string, 0, len(v.series))
	for k := range v.series {
		keys = append(keys, k)
	}
	v.mu.RUnlock()
	slices.Sort(keys)
	for _, k := range keys {
		v.mu.RLock()
		s, values := v.series[k], v.keys[k]
		v.mu.RUnlock()
		f(formatLabels(v.labels, values), s)
	}
}

// atomicFloat is a float64 updated with compare-and-swap.
type atomicFloat struct{ bits atomic.Uint64 }

func (a *atomicFloat) add(d float64) {
	for {
		old := a.bits.Load()
		if a.bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+d)) {
			return
		}
	}
}
func (a *atomicFloat) set(v float64) { a.bits.Store(math.Float64bits(v)) }
func (a *atomicFloat) load() float64 { return math.Float64frombits(a.bits.Load()) }

// Counter is a monotonically increasing value, optionally split by labels.
type Counter struct {
	name, help string
	v          *vec[atomicFloat]
}

// NewCounter registers a counter. Name it with a _total suffix.
func (r *Registry) NewCounter(name, help string, labels ...string) *Counter {
	c := &Counter{name: name, help: help, v: newVec(labels, func() *atomicFloat { return &atomicFloat{} })}
	r.register(name, c)
	return c
}

// Inc adds one to the series of the given label values.
func (c *Counter) Inc(labelValues ...string) { c.v.get(labelValues).add(1) }

// Add adds d (which must not be negative) to the series.
func (c *Counter) Add(d float64, labelValues ...string) {
	if d < 0 {
		panic("metrics: counter " + c.name + " decreased")
	}
	c.v.get(labelValues).add(d)
}

// Value reads a series, for tests and /healthz.
func (c *Counter) Value(labelValues ...string) float64 { return c.v.get(labelValues).load() }

func (c *Counter) write(w *bufio.Writer) {
	writeHeader(w, c.name, c.help, "counter")
	c.v.each(func(labels string, s *atomicFloat) { writeSample(w, c.name, labels, s.load()) })
}

// Gauge is a value that goes up and down, optionally split by labels.
type Gauge struct {
	name, help string
	v          *vec[atomicFloat]
}

// NewGauge registers a gauge.
func (r *Registry) NewGauge(name, help string, labels ...string) *Gauge {
	g := &Gauge{name: name, help: help, v: newVec(labels, func() *atomicFloat { return &atomicFloat{} })}
	r.register(name, g)
	return g
}

// Set sets the series of the given label values.
func (g *Gauge) Set(v float64, labelValues ...string) { g.v.get(labelValues).set(v) }

// Add adds d (possibly negative).
func (g *Gauge) Add(d float64, labelValues ...string) { g.v.get(labelValues).add(d) }

// Value reads a series.
func (g *Gauge) Value(labelValues ...string) float64 { return g.v.get(labelValues).load() }

func (g *Gauge) write(w *bufio.Writer) {
	writeHeader(w, g.name, g.help, "gauge")
	g.v.each(func(labels string, s *atomicFloat) { writeSample(w, g.name, labels, s.load()) })
}

// funcMetric is a single unlabelled value read at scrape time.
type funcMetric struct {
	name, help, typ string
	f               func() float64
}

// GaugeFunc registers a gauge whose value f returns at each scrape. f must
// be safe to call concurrently and fast.
func (r *Registry) GaugeFunc(name, help string, f func() float64) {
	r.register(name, &funcMetric{name: name, help: help, typ: "gauge", f: f})
}

// CounterFunc registers a counter kept elsewhere (an atomic in another
// package), read at each scrape.
func (r *Registry) CounterFunc(name, help string, f func() float64) {
	r.register(name, &funcMetric{name: name, help: help, typ: "counter", f: f})
}

func (m *funcMetric) write(w *bufio.Writer) {
	writeHeader(w, m.name, m.help, m.typ)
	writeSample(w, m.name, "", m.f())
}

// Histogram counts observations into cumulative buckets.
type Histogram struct {
	name, help string
	buckets    []float64 // upper bounds, ascending, without +Inf
	v          *vec[histSeries]
}

type histSeries struct {
	counts []atomic.Uint64 // one per bucket, not cumulative; last is +Inf
	sum    atomicFloat
}

// DefBuckets suit request and fsync latencies in seconds: 0.5 ms to 10 s.
var DefBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// NewHistogram registers a histogram with the given ascending upper bounds
// (DefBuckets if nil).
func (r *Registry) NewHistogram(name, help string, buckets []float64, labels ...string) *Histogram {
	if buckets == nil {
		buckets = DefBuckets
	}
	if !slices.IsSorted(buckets) {
		panic("metrics: buckets of " + name + " are not ascending")
	}
	h := &Histogram{name: name, help: help, buckets: slices.Clone(buckets)}
	h.v = newVec(labels, func() *histSeries { return &histSeries{counts: make([]atomic.Uint64, len(buckets)+1)} })
	r.register(name, h)
	return h
}

// Observe records one value in the series of the given label values.
func (h *Histogram) Observe(v float64, labelValues ...string) {
	s := h.v.get(labelValues)
	i, _ := slices.BinarySearch(h.buckets, v) // first bound >= v
	s.counts[i].Add(1)
	s.sum.add(v)
}

// Count returns the number of observations of a series.
func (h *Histogram) Count(labelValues ...string) uint64 {
	s := h.v.get(labelValues)
	var n uint64
	for i := range s.counts {
		n += s.counts[i].Load()
	}
	return n
}

func (h *Histogram) write(w *bufio.Writer) {
	writeHeader(w, h.name, h.help, "histogram")
	h.v.each(func(labels string, s *histSeries) {
		var cum uint64
		for i, ub := range h.buckets {
			cum += s.counts[i].Load()
			writeSample(w, h.name+"_bucket", joinLabels(labels, `le="`+formatFloat(ub)+`"`), float64(cum))
		}
		cum += s.counts[len(h.buckets)].Load()
		writeSample(w, h.name+"_bucket", joinLabels(labels, `le="+Inf"`), float64(cum))
		writeSample(w, h.name+"_sum", labels, s.sum.load())
		writeSample(w, h.name+"_count", labels, float64(cum))
	})
}

func writeHeader(w *bufio.Writer, name, help, typ string) {
	w.WriteString("# HELP " + name + " " + escapeHelp(help) + "\n")
	w.WriteString("# TYPE " + name + " " + typ + "\n")
}

func writeSample(w *bufio.Writer, name, labels string, v float64) {
	w.WriteString(name)
	if labels != "" {
		w.WriteString("{" + labels + "}")
	}
	w.WriteByte(' ')
	w.WriteString(formatFloat(v))
	w.WriteByte('\n')
}

// formatLabels renders name="value" pairs (without braces).
func formatLabels(names, values []string) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(n + `="` + escapeLabel(values[i]) + `"`)
	}
	return b.String()
}

func joinLabels(a, b string) string {
	if a == "" {
		return b
	}
	return a + "," + b
}

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

func escapeHelp(s string) string  { return helpEscaper.Replace(s) }
func escapeLabel(s string) string { return labelEscaper.Replace(s) }

// validName checks a metric or label name: [a-zA-Z_:][a-zA-Z0-9_:]*.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		ok := c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			return false
		}
	}
	return true
}
