// Package redact is the collector's second privacy pass. The SDK masks what a
// page author marked and every input value; this package catches what slips
// through anyway in RUM event text: a card number pasted into a search box
// that ends up in an error message, an email address in a URL's query, a
// customer number matching a site-specific pattern. It replaces each match
// with a marker ("[redacted:card]") and counts what it replaced per pattern,
// so an operator can see that it works without seeing what it removed.
//
// Built-in patterns: "card" (13 to 19 digits, optionally grouped by spaces or
// dashes, with an issuer prefix and a valid Luhn check digit, so order numbers
// and timestamps stay) and "email" (also percent-encoded, name%40host.tld, as
// it appears in URLs). Configured patterns are Go regular expressions (RE2:
// linear time, so a pattern cannot stall ingest).
package redact

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
)

// Names of the built-in patterns, as they appear in markers and counters.
const (
	PatternCard  = "card"
	PatternEmail = "email"
)

// Pattern is a configured regular expression; matches become "[redacted:Name]".
type Pattern struct {
	Name string
	Re   *regexp.Regexp
}

// Config selects the patterns of a Redactor.
type Config struct {
	Cards    bool      // Luhn-checked card numbers
	Emails   bool      // email addresses, also percent-encoded
	Patterns []Pattern // site-specific regular expressions, applied before the built-ins
	// Observe, when set, is told every addition to a counter (a metrics
	// exporter's hook); it must be quick and safe for concurrent use.
	Observe func(pattern string, n int64)
}

// DefaultConfig is what the collector runs with unless told otherwise.
func DefaultConfig() Config { return Config{Cards: true, Emails: true} }

// Redactor replaces sensitive text. It is safe for concurrent use; its
// counters are shared by every caller.
type Redactor struct {
	cfg    Config
	names  []string // counter index → pattern name
	counts []atomic.Int64
	custom []int // counter index of each cfg.Patterns entry
}

// counter indexes of the built-ins
const (
	idxCard = iota
	idxEmail
	nBuiltin
)

// New checks cfg and returns a Redactor.
func New(cfg Config) (*Redactor, error) {
	r := &Redactor{cfg: cfg, names: []string{PatternCard, PatternEmail}}
	seen := map[string]bool{PatternCard: true, PatternEmail: true}
	for i, p := range cfg.Patterns {
		if p.Re == nil {
			return nil, fmt.Errorf("redact pattern %d (%q): no regular expression", i, p.Name)
		}
		if !validName(p.Name) {
			return nil, fmt.Errorf("redact pattern %d: name %q: want letters, digits, '_' or '-'", i, p.Name)
		}
		if p.Re.MatchString("") {
			// A pattern that matches nothing at all would insert markers
			// between every character.
			return nil, fmt.Errorf("redact pattern %q: %q matches the empty string", p.Name, p.Re)
		}
		if !seen[p.Name] {
			seen[p.Name] = true
			r.names = append(r.names, p.Name)
		}
		r.custom = append(r.custom, indexOf(r.names, p.Name))
	}
	r.counts = make([]atomic.Int64, len(r.names))
	return r, nil
}

// ParsePattern reads a configured pattern: "name=regexp", or a bare regexp
// (named "custom"). The name part is only recognised when it is a plain word,
// so a regexp that itself contains "=" still works when given a name.
func ParsePattern(spec string) (Pattern, error) {
	name, expr := "custom", spec
	if n, e, ok := strings.Cut(spec, "="); ok && validName(n) {
		name, expr = n, e
	}
	if expr == "" {
		return Pattern{}, fmt.Errorf("redact pattern %q: empty regular expression", spec)
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return Pattern{}, fmt.Errorf("redact pattern %q: %w", spec, err)
	}
	return Pattern{Name: name, Re: re}, nil
}

// ParsePatterns reads a list of ParsePattern specs.
func ParsePatterns(specs []string) ([]Pattern, error) {
	out := make([]Pattern, 0, len(specs))
	for _, s := range specs {
		p, err := ParsePattern(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func validName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// Marker is what replaces a match of the named pattern.
func Marker(name string) string { return "[redacted:" + name + "]" }

// String redacts s, counts what it replaced, and reports whether it changed.
func (r *Redactor) String(s string) (string, bool) {
	hits := make([]int, len(r.names))
	out := r.redact(s, hits)
	r.add(hits)
	return out, out != s
}

// redact replaces every match in s and adds the number of matches per
// pattern to hits (indexed like r.names). It does not touch the counters, so
// that callers can decide what counts (Event counts each field once).
func (r *Redactor) redact(s string, hits []int) string {
	if s == "" {
		return s
	}
	// Order matters for a second pass finding nothing: a replacement can
	// separate digits from the letters they were joined to, so cards, which
	// look at their neighbours, go last. Markers ("[redacted:x]") themselves
	// never join or form a match.
	for i, p := range r.cfg.Patterns {
		idx := r.custom[i]
		n := 0
		s = p.Re.ReplaceAllStringFunc(s, func(string) string { n++; return Marker(p.Name) })
		hits[idx] += n
	}
	if r.cfg.Emails && (strings.IndexByte(s, '@') >= 0 || strings.Contains(s, "%40")) {
		n := 0
		s = emailRe.ReplaceAllStringFunc(s, func(string) string { n++; return Marker(PatternEmail) })
		hits[idxEmail] += n
	}
	if r.cfg.Cards {
		var n int
		s, n = redactCards(s, Marker(PatternCard))
		hits[idxCard] += n
	}
	return s
}

// mayMatch is a cheap test on the raw bytes of a string without escapes:
// false means redact would leave it as it is.
func (r *Redactor) mayMatch(b []byte) bool {
	if r.cfg.Cards && hasDigitRun(b) {
		return true
	}
	if r.cfg.Emails && (bytes.IndexByte(b, '@') >= 0 || bytes.Contains(b, []byte("%40"))) {
		return true
	}
	for _, p := range r.cfg.Patterns {
		if p.Re.Match(b) {
			return true
		}
	}
	return false
}

func (r *Redactor) add(hits []int) {
	for i, n := range hits {
		if n > 0 {
			r.counts[i].Add(int64(n))
			if r.cfg.Observe != nil {
				r.cfg.Observe(r.names[i], int64(n))
			}
		}
	}
}

// Names lists the pattern names, built-ins first, as Counts does.
func (r *Redactor) Names() []string {
	cs := r.Counts()
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Pattern
	}
	return out
}

// emailRe matches an address, or one percent-encoded in a URL (%40 for @).
// The domain needs a dot and a letters-only top-level label, so that
// "pkg@1.2.3" in a stack trace stays.
var emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+(?:@|%40)[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b`)

// Count is how many matches of one pattern were redacted since start.
type Count struct {
	Pattern string `json:"pattern"`
	Count   int64  `json:"count"`
}

// Counts returns the counter of every pattern, built-ins first, then the
// configured ones sorted by name.
func (r *Redactor) Counts() []Count {
	out := make([]Count, len(r.names))
	for i, n := range r.names {
		out[i] = Count{Pattern: n, Count: r.counts[i].Load()}
	}
	sort.SliceStable(out[nBuiltin:], func(i, j int) bool { return out[nBuiltin+i].Pattern < out[nBuiltin+j].Pattern })
	return out
}

// Total is the sum of Counts.
func (r *Redactor) Total() int64 {
	var t int64
	for i := range r.counts {
		t += r.counts[i].Load()
	}
	return t
}
