package metrics

import (
	"io"
	"net/http"
	"strconv"
	"time"
)

// HTTP instruments request handling: requests by handler and status code,
// bytes received and sent, durations, requests in flight, and intake
// rejections by reason.
type HTTP struct {
	requests *Counter
	bytesIn  *Counter
	bytesOut *Counter
	rejects  *Counter
	duration *Histogram
	inFlight *Gauge
}

// NewHTTP registers the HTTP metrics on r.
func NewHTTP(r *Registry) *HTTP {
	return &HTTP{
		requests: r.NewCounter("reprise_http_requests_total", "HTTP requests answered, by handler and status code.", "handler", "code"),
		bytesIn:  r.NewCounter("reprise_http_request_bytes_total", "Request body bytes read, as sent (compressed), by handler.", "handler"),
		bytesOut: r.NewCounter("reprise_http_response_bytes_total", "Response body bytes written, by handler.", "handler"),
		rejects:  r.NewCounter("reprise_intake_rejects_total", "Intake requests refused, by reason (too_large, malformed, unsupported_type, overloaded, shutting_down, disabled, method, unauthorized, internal).", "handler", "reason"),
		duration: r.NewHistogram("reprise_http_request_duration_seconds", "Time from request start to the handler's return, by handler.", nil, "handler"),
		inFlight: r.NewGauge("reprise_http_requests_in_flight", "Requests being handled now, by handler.", "handler"),
	}
}

// Wrap counts every request that next serves. classify names the handler
// of a request ("rum", "replay", "api", "ui", …; keep the set small: each
// name is a series). Requests that classify marks as intake also count
// their refusals by reason.
func (m *HTTP) Wrap(next http.Handler, classify func(*http.Request) (handler string, intake bool)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler, intake := classify(r)
		start := time.Now()
		m.inFlight.Add(1, handler)
		defer m.inFlight.Add(-1, handler)
		body := &countingBody{ReadCloser: r.Body}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = body
		}
		rec := &StatusRecorder{ResponseWriter: w}
		defer func() {
			code := rec.Status
			if code == 0 {
				code = http.StatusOK
			}
			m.requests.Inc(handler, strconv.Itoa(code))
			m.bytesIn.Add(float64(body.n), handler)
			m.bytesOut.Add(float64(rec.Bytes), handler)
			m.duration.Observe(time.Since(start).Seconds(), handler)
			if intake && code >= 400 {
				m.rejects.Inc(handler, RejectReason(code))
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// Rejects returns the count of refusals for a handler and reason.
func (m *HTTP) Rejects(handler, reason string) float64 { return m.rejects.Value(handler, reason) }

// RejectReason names the reason behind an intake error status, as the
// intake answers them (DESIGN 3.5).
func RejectReason(code int) string {
	switch code {
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	case http.StatusBadRequest:
		return "malformed"
	case http.StatusUnsupportedMediaType:
		return "unsupported_type"
	case http.StatusTooManyRequests:
		return "overloaded"
	case http.StatusServiceUnavailable:
		return "shutting_down"
	case http.StatusNotFound:
		return "disabled"
	case http.StatusMethodNotAllowed:
		return "method"
	case http.StatusUnauthorized, http.StatusForbidden:
		return "unauthorized"
	case http.StatusRequestTimeout:
		return "timeout"
	}
	if code >= 500 {
		return "internal"
	}
	return "other"
}

type countingBody struct {
	io.ReadCloser
	n int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}

// StatusRecorder remembers a response's status and size, for metrics and the
// request log; Unwrap lets http.ResponseController reach the real writer
// (streamed replays flush).
type StatusRecorder struct {
	http.ResponseWriter
	Status int // 0 until the handler writes
	Bytes  int64
}

func (r *StatusRecorder) WriteHeader(code int) {
	if r.Status == 0 {
		r.Status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *StatusRecorder) Write(p []byte) (int, error) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.Bytes += int64(n)
	return n, err
}

func (r *StatusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
