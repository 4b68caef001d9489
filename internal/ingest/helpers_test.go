package ingest

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"sync"
	"testing"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// memStore is an in-memory append side; err, when set, is returned instead.
type memStore struct {
	mu       sync.Mutex
	events   []rum.Event
	segments []store.SegmentMeta
	blobs    [][]byte
	err      error
}

func (m *memStore) AppendEvents(_ context.Context, evs []rum.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.events = append(m.events, evs...)
	return nil
}

func (m *memStore) AppendSegment(_ context.Context, meta store.SegmentMeta, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.segments = append(m.segments, meta)
	m.blobs = append(m.blobs, bytes.Clone(data))
	return nil
}

// newMux routes like internal/server does, so these tests see the handlers
// as clients do.
func newMux(tb testing.TB, st *memStore, limits config.Limits, replayOn bool) http.Handler {
	tb.Helper()
	h, err := New(Config{Limits: limits, Events: st, Segments: st, ReplayEnabled: replayOn})
	if err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/write/rum", CORS(http.HandlerFunc(h.RUM)))
	if replayOn {
		mux.Handle("/v1/write/rum/replay", CORS(http.HandlerFunc(h.Replay)))
	} else {
		mux.HandleFunc("/v1/write/rum/replay", h.ReplayDisabled)
	}
	mux.Handle("/v1/datadog", CORS(http.HandlerFunc(h.Datadog)))
	mux.Handle("/v1/datadog/api/v2/{track}", CORS(http.HandlerFunc(h.DatadogTrack)))
	return mux
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func do(tb testing.TB, h http.Handler, req *http.Request) response {
	tb.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := response{status: rec.Code, header: rec.Header(), raw: rec.Body.String()}
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &res.body); err != nil {
			tb.Fatalf("response is not JSON: %v: %q", err, rec.Body.String())
		}
	}
	return res
}

func post(path, contentType string, body []byte) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

func zlibBytes(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func gzipBytes(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// part is one multipart part; file parts get a filename and content type as
// browsers send Blobs.
type part struct {
	name, filename, contentType string
	data                        []byte
}

func multipartBody(tb testing.TB, parts ...part) (body []byte, contentType string) {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			hdr := textproto.MIMEHeader{}
			hdr.Set("Content-Disposition", `form-data; name="`+p.name+`"; filename="`+p.filename+`"`)
			hdr.Set("Content-Type", p.contentType)
			w, err = mw.CreatePart(hdr)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(p.data)
	}
	if err := mw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}
