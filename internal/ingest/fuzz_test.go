package ingest

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/replay"
	"github.com/reprise-rum/reprise/internal/rum"
)

func fixtureBodies(tb testing.TB, glob string) [][]byte {
	tb.Helper()
	paths, _ := filepath.Glob(filepath.Join("testdata/datadog-7.16.2", glob))
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzSplitBatch: any body splits into at most max events, each accepted or
// rejected with ErrInvalid/ErrTelemetry, never a panic.
func FuzzSplitBatch(f *testing.F) {
	for _, b := range fixtureBodies(f, "uncompressed-rum/*_rum.body") {
		f.Add(b)
	}
	f.Add([]byte("\n{\"type\":\"view\",\"date\":1}\n\n[1]"))
	f.Add([]byte(`[{"type":"error","date":2},3]`))
	h, err := New(Config{Limits: config.DefaultLimits(), Events: &memStore{}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		lines, err := splitBatch(body, 50)
		if err != nil {
			var re *requestError
			if !errors.As(err, &re) {
				t.Fatalf("splitBatch error %v is not a request error", err)
			}
			return
		}
		if len(lines) > 50 {
			t.Fatalf("%d lines past the limit", len(lines))
		}
		for _, l := range lines {
			if _, err := h.parseLine(l.data, "ua"); err != nil && !errors.Is(err, rum.ErrInvalid) && !errors.Is(err, rum.ErrTelemetry) {
				t.Fatalf("line %d: unexpected error %v", l.number, err)
			}
		}
	})
}

// FuzzDecompressBody: output never exceeds the limit; failures are 400/413.
func FuzzDecompressBody(f *testing.F) {
	for _, b := range fixtureBodies(f, "*/*_rum.body") {
		f.Add(b, "deflate")
		f.Add(b, "")
	}
	f.Add([]byte("\x1f\x8b\x08\x00"), "gzip")
	f.Add([]byte{0x78, 0x9c, 0x03, 0x00}, "")
	f.Fuzz(func(t *testing.T, body []byte, encoding string) {
		if encoding != "" && encoding != "gzip" && encoding != "deflate" {
			return
		}
		const max = 1 << 16
		out, err := decompressBody(body, encoding, max)
		if err != nil {
			var re *requestError
			if !errors.Is(err, replay.ErrTooLarge) && !(errors.As(err, &re) && re.status == http.StatusBadRequest) {
				t.Fatalf("error %v is neither 413 nor 400", err)
			}
			return
		}
		if len(out) > max {
			t.Fatalf("inflated to %d bytes past the %d limit", len(out), max)
		}
	})
}

// FuzzDecodeReplayForm: arbitrary multipart bodies decode or fail cleanly,
// and what decodes either has no segment or yields metadata or an error.
func FuzzDecodeReplayForm(f *testing.F) {
	const boundary = "----formdata-undici-046945236794"
	for _, b := range fixtureBodies(f, "compressIntakeRequests/001-*.body") {
		f.Add(b)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.SetBoundary(boundary)
	mw.WriteField("session_id", "s")
	mw.WriteField("start", "12")
	fw, _ := mw.CreateFormFile("segment", "s-12")
	fw.Write([]byte(`{"records":[{"type":2,"timestamp":12}]}`))
	mw.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, body []byte) {
		up, err := decodeReplayForm(multipart.NewReader(bytes.NewReader(body), boundary))
		if err != nil {
			return
		}
		meta, err := up.meta.toMeta()
		if err == nil && (meta.SessionID == "" || (meta.Format != "rrweb" && meta.Format != "datadog")) {
			t.Fatalf("toMeta accepted %+v", meta)
		}
		if up.hasSegment {
			h := &Handler{limits: config.DefaultLimits()}
			if err := h.checkSegment(&meta, up.segment); err == nil && meta.RecordsCount == 0 {
				t.Fatalf("checkSegment accepted a segment without records")
			}
		}
	})
}
