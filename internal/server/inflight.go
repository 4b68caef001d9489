package server

import (
	"net/http"
	"sync"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/respond"
)

// inflightLimiter bounds the intake requests handled at once, by count and
// by declared body size. Past either bound intake answers 429 with
// Retry-After at once rather than queueing: SDKs retry with backoff, and
// memory stays bounded whatever the load (each request holds at most its
// body and, while checking it, max_decompressed_bytes of inflated data).
type inflightLimiter struct {
	maxN     int
	maxBytes int64
	maxBody  int64

	mu    sync.Mutex
	n     int
	bytes int64
}

func newInflightLimiter(l config.Limits) *inflightLimiter {
	return &inflightLimiter{maxN: l.MaxInflightRequests, maxBytes: l.MaxInflightBytes, maxBody: l.MaxBodyBytes}
}

// weight is what a request counts against the byte budget: its declared
// length, or the body limit when it declares none (chunked).
func (l *inflightLimiter) weight(r *http.Request) int64 {
	if r.ContentLength >= 0 && r.ContentLength <= l.maxBody {
		return r.ContentLength
	}
	return l.maxBody
}

// acquire reserves room for r; ok is false when there is none. A request
// larger than the whole byte budget still gets in when nothing else is in
// flight, so a small budget cannot refuse a large segment forever.
func (l *inflightLimiter) acquire(r *http.Request) (release func(), ok bool) {
	w := l.weight(r)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n >= l.maxN || (l.n > 0 && l.bytes+w > l.maxBytes) {
		return nil, false
	}
	l.n++
	l.bytes += w
	return func() {
		l.mu.Lock()
		l.n--
		l.bytes -= w
		l.mu.Unlock()
	}, true
}

func (l *inflightLimiter) load() (int, int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n, l.bytes
}

// guardIntake refuses what can be refused before reading a byte of the body:
// a declared length over max_body_bytes (413 at once, rather than after
// receiving 16 MiB of a 1 GB upload), and requests past the in-flight
// bounds (429 with Retry-After).
func (s *Server) guardIntake(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if max := s.cfg.Limits.MaxBodyBytes; r.ContentLength > max {
			// The client may still be sending: close rather than drain.
			w.Header().Set("Connection", "close")
			respond.Error(w, r, s.log, http.StatusRequestEntityTooLarge, "request body is larger than limits.max_body_bytes")
			return
		}
		release, ok := s.ops.inflight.acquire(r)
		if !ok {
			respond.Overloaded(w, r, s.log, 1)
			return
		}
		defer release()
		next(w, r)
	}
}
