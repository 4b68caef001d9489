package ingest

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/reprise-rum/reprise/internal/replay"
)

// rumContentTypes are the types a RUM batch arrives with: fetch/sendBeacon
// with a string body (text/plain;charset=UTF-8), a Blob of compressed bytes
// (text/plain in Datadog's SDK, often none or octet-stream elsewhere), or an
// explicit NDJSON/JSON type from scripts.
var rumContentTypes = map[string]bool{
	"":                         true,
	"text/plain":               true,
	"application/json":         true,
	"application/x-ndjson":     true,
	"application/ndjson":       true,
	"application/jsonl":        true,
	"application/x-jsonlines":  true,
	"application/octet-stream": true,
}

// checkRUMContentType rejects bodies that cannot be a batch (forms, HTML …).
func checkRUMContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !rumContentTypes[mt] {
		return errorf(http.StatusUnsupportedMediaType, fmt.Sprintf("content type %q: want newline-delimited JSON (text/plain, application/x-ndjson or application/json)", ct))
	}
	return nil
}

// readRUMBody reads a RUM batch body, bounded by max_body_bytes as sent and
// by max_decompressed_bytes after inflating. queryEncoding is the Datadog
// SDK's dd-evp-encoding parameter ("deflate" means a zlib stream).
// The batch is read into dst, a pooled buffer (see bodyBuffers): the
// caller must be done with the returned bytes before it returns dst.
func (h *Handler) readRUMBody(w http.ResponseWriter, r *http.Request, queryEncoding string, dst *bytes.Buffer) ([]byte, error) {
	encoding, err := bodyEncoding(r.Header.Get("Content-Encoding"), queryEncoding)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.limits.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, errorf(http.StatusBadRequest, "read body: "+err.Error())
	}
	return decompressBodyInto(dst, body, encoding, h.limits.MaxDecompressedBytes)
}

// bodyBuffers hold inflated RUM batches between requests. A batch is
// parsed into events that copy what they keep, so its buffer is free once
// the handler is done; without the pool, inflating (a growing buffer per
// request) made most of the intake's garbage, and the collector's work was
// a sixth of the server's CPU.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody keeps the rare huge batch's buffer out of the pool.
const maxPooledBody = 4 << 20

func getBodyBuffer() *bytes.Buffer { return bodyBuffers.Get().(*bytes.Buffer) }

func putBodyBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBody {
		return
	}
	b.Reset()
	bodyBuffers.Put(b)
}

// bodyEncoding picks the encoding from Content-Encoding, else from the
// Datadog query parameter. "" means: sniff the magic bytes.
func bodyEncoding(header, query string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(header)) {
	case "gzip", "x-gzip":
		return "gzip", nil
	case "deflate":
		return "deflate", nil
	case "", "identity":
	default:
		return "", errorf(http.StatusUnsupportedMediaType, fmt.Sprintf("content encoding %q: want gzip or deflate", header))
	}
	switch strings.ToLower(query) {
	case "deflate":
		return "deflate", nil
	case "":
		return "", nil
	default:
		return "", errorf(http.StatusUnsupportedMediaType, fmt.Sprintf("dd-evp-encoding %q: want deflate", query))
	}
}

// decompressBody inflates body. "deflate" is a zlib stream as HTTP says, but
// raw deflate (what some clients send) is accepted too. With no declared
// encoding, gzip and zlib magic bytes are still recognised: a JSON batch
// never starts with them, and a Blob sent without headers would be lost.
func decompressBody(body []byte, encoding string, max int64) ([]byte, error) {
	return decompressBodyInto(new(bytes.Buffer), body, encoding, max)
}

// decompressBodyInto is decompressBody inflating into dst (after its
// current contents); the result may be a slice of dst or body itself.
func decompressBodyInto(dst *bytes.Buffer, body []byte, encoding string, max int64) ([]byte, error) {
	if encoding == "" {
		if enc, err := replay.SniffEncoding(body); err == nil && enc != replay.EncodingPlain {
			encoding = enc
		}
	}
	var (
		zr  io.ReadCloser
		err error
	)
	switch encoding {
	case "":
		if int64(len(body)) > max {
			return nil, fmt.Errorf("%w: more than %d bytes", replay.ErrTooLarge, max)
		}
		return body, nil
	case "gzip":
		zr, err = replay.NewReader(replay.EncodingGzip, bytes.NewReader(body))
	case "deflate":
		if enc, _ := replay.SniffEncoding(body); enc == replay.EncodingZlib {
			zr, err = replay.NewReader(replay.EncodingZlib, bytes.NewReader(body))
		} else {
			zr = flate.NewReader(bytes.NewReader(body))
		}
	}
	if err != nil {
		return nil, errorf(http.StatusBadRequest, fmt.Sprintf("%s body: %v", encoding, err))
	}
	defer zr.Close()
	start := dst.Len()
	_, err = dst.ReadFrom(io.LimitReader(zr, max+1))
	if err == nil && int64(dst.Len()-start) > max {
		err = fmt.Errorf("%w: more than %d bytes", replay.ErrTooLarge, max)
	}
	if err != nil {
		if errors.Is(err, replay.ErrTooLarge) {
			return nil, err
		}
		return nil, errorf(http.StatusBadRequest, fmt.Sprintf("%s body: %v", encoding, err))
	}
	return dst.Bytes()[start:], nil
}
