// Package replay knows the replay segment format: how segment bytes are
// compressed and what they hold (rrweb events, or Datadog records that are
// converted to rrweb when read), and streams a session's segments as one
// time-ordered rrweb event list for the player.
package replay

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Segment encodings, as stored in store.SegmentMeta.Encoding.
const (
	EncodingZlib  = "deflate" // RFC 1950 zlib stream, what Datadog's and our SDK's workers produce
	EncodingGzip  = "gzip"
	EncodingPlain = ""
)

// Segment formats, as stored in store.SegmentMeta.Format.
const (
	FormatRRWeb   = "rrweb"   // records are rrweb events (Reprise's SDK)
	FormatDatadog = "datadog" // Datadog's record format, converted when read
)

var (
	// ErrTooLarge means the data inflates past the allowed size.
	ErrTooLarge = errors.New("too large after decompression")
	// ErrBadSegment means the bytes are not a segment we can read.
	ErrBadSegment = errors.New("invalid segment")
)

// SniffEncoding tells the encoding of segment bytes from their first bytes:
// 0x78 (zlib, with a valid header checksum), 0x1f 0x8b (gzip), or '{' / '['
// (plain JSON, possibly after whitespace).
func SniffEncoding(b []byte) (string, error) {
	switch {
	case len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b:
		return EncodingGzip, nil
	case len(b) >= 2 && b[0]&0x0f == 8 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0:
		return EncodingZlib, nil
	}
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return EncodingPlain, nil
	}
	if len(b) == 0 {
		return "", fmt.Errorf("%w: empty", ErrBadSegment)
	}
	return "", fmt.Errorf("%w: unknown encoding (first byte 0x%02x; want zlib, gzip or JSON)", ErrBadSegment, b[0])
}

var (
	zlibReaders sync.Pool // zlib readers are ~40 KB of state; reuse them across segments
	gzipReaders sync.Pool
)

// NewReader returns a reader of the decompressed bytes of r. Close returns
// pooled state; it does not close r.
func NewReader(encoding string, r io.Reader) (io.ReadCloser, error) {
	switch encoding {
	case EncodingPlain:
		return io.NopCloser(r), nil
	case EncodingZlib:
		if zr, ok := zlibReaders.Get().(io.ReadCloser); ok {
			if err := zr.(zlib.Resetter).Reset(r, nil); err != nil {
				return nil, fmt.Errorf("%w: zlib: %v", ErrBadSegment, err)
			}
			return &pooled{ReadCloser: zr, pool: &zlibReaders}, nil
		}
		zr, err := zlib.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%w: zlib: %v", ErrBadSegment, err)
		}
		return &pooled{ReadCloser: zr, pool: &zlibReaders}, nil
	case EncodingGzip:
		if gr, ok := gzipReaders.Get().(*gzip.Reader); ok {
			if err := gr.Reset(r); err != nil {
				return nil, fmt.Errorf("%w: gzip: %v", ErrBadSegment, err)
			}
			return &pooled{ReadCloser: gr, pool: &gzipReaders}, nil
		}
		gr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %v", ErrBadSegment, err)
		}
		return &pooled{ReadCloser: gr, pool: &gzipReaders}, nil
	}
	return nil, fmt.Errorf("%w: unknown encoding %q", ErrBadSegment, encoding)
}

type pooled struct {
	io.ReadCloser
	pool *sync.Pool
}

func (p *pooled) Close() error {
	err := p.ReadCloser.Close()
	if p.pool != nil {
		p.pool.Put(p.ReadCloser)
		p.pool = nil
	}
	return err
}

// ReadLimited reads r to the end, failing with ErrTooLarge as soon as more
// than max bytes come out: the check runs while inflating, so a zip bomb
// costs at most max bytes of memory.
func ReadLimited(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return b, nil
}

// Decompress inflates segment bytes stored with encoding, up to max bytes.
func Decompress(encoding string, data []byte, max int64) ([]byte, error) {
	zr, err := NewReader(encoding, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	raw, err := ReadLimited(zr, max)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: inflate: %v", ErrBadSegment, err)
	}
	return raw, nil
}

// Records splits a decompressed segment into its records. Accepted shapes: a
// JSON object with a "records" array (Datadog, Guance and Reprise SDKs), a
// JSON array of records, or newline-delimited records. Every record must be a
// JSON object.
func Records(raw []byte) ([]json.RawMessage, error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrBadSegment)
	}
	var recs []json.RawMessage
	switch trimmed[0] {
	case '[':
		if err := json.Unmarshal(trimmed, &recs); err != nil {
			return nil, fmt.Errorf("%w: records array: %v", ErrBadSegment, err)
		}
	case '{':
		// One JSON value (the usual {"records":[…],…} object, possibly
		// pretty-printed) or else newline-delimited records.
		if bytes.IndexByte(trimmed, '\n') < 0 || json.Valid(trimmed) {
			var obj struct {
				Records   *[]json.RawMessage `json:"records"`
				Timestamp json.RawMessage    `json:"timestamp"`
			}
			if err := json.Unmarshal(trimmed, &obj); err != nil {
				return nil, fmt.Errorf("%w: segment object: %v", ErrBadSegment, err)
			}
			switch {
			case obj.Records != nil:
				recs = *obj.Records
			case obj.Timestamp != nil:
				recs = []json.RawMessage{trimmed} // NDJSON of a single record
			default:
				return nil, fmt.Errorf("%w: object has neither a \"records\" array nor a timestamp", ErrBadSegment)
			}
			break
		}
		for n, line := range bytes.Split(trimmed, []byte("\n")) {
			line = bytes.TrimSpace(line)
			if len(line) == 0 {
				continue
			}
			if !json.Valid(line) {
				return nil, fmt.Errorf("%w: line %d is not valid JSON", ErrBadSegment, n+1)
			}
			recs = append(recs, json.RawMessage(line))
		}
	default:
		return nil, fmt.Errorf("%w: not JSON (first byte %q)", ErrBadSegment, trimmed[0])
	}
	for i, r := range recs {
		if len(r) == 0 || r[0] != '{' {
			return nil, fmt.Errorf("%w: record %d is not a JSON object", ErrBadSegment, i)
		}
	}
	return recs, nil
}

// RecordInfo is what the index needs from one record.
type RecordInfo struct {
	Type      int   `json:"type"`
	Timestamp int64 `json:"timestamp"`
}

// Summary is derived from the records when a client's metadata lacks it.
type Summary struct {
	Start, End      int64
	HasFullSnapshot bool
}

// Summarize reads the type and timestamp of every record. Type 2 is a full
// snapshot in both rrweb's and Datadog's numbering.
func Summarize(recs []json.RawMessage) Summary {
	var s Summary
	for _, r := range recs {
		var ri RecordInfo
		if json.Unmarshal(r, &ri) != nil {
			continue
		}
		if ri.Timestamp > 0 && (s.Start == 0 || ri.Timestamp < s.Start) {
			s.Start = ri.Timestamp
		}
		if ri.Timestamp > s.End {
			s.End = ri.Timestamp
		}
		if ri.Type == 2 {
			s.HasFullSnapshot = true
		}
	}
	return s
}
