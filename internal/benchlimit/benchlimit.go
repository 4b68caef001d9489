// Package benchlimit measures the machine-limit baseline that `make bench` compares the
// ingest path against: for the very payloads the load generator sends, do only what no
// intake can skip (read the bytes, inflate them to check they are the JSON they claim to
// be, append them to a file and fsync in batches before acknowledging) in one process,
// without HTTP, without parsing into structs, without an index. Whatever the server does
// on top of that (HTTP, multipart, decoding fields, SQLite) shows as the gap to this limit.
package benchlimit

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Item is one payload as the intake receives it.
type Item struct {
	Data     []byte // the compressed bytes: a RUM batch body or a replay segment
	Encoding string // "deflate" (zlib), "gzip" or "" (plain)
	NDJSON   bool   // Data holds one JSON document per line (RUM batches)
	Meta     []byte // a segment's metadata JSON, checked and stored beside it; nil for RUM
	Events   int    // RUM events (or replay records) that the item carries
	Segments int    // replay segments that the item carries (0 or 1)
}

// Options bound a run; it stops at Duration or after MaxItems items, whichever comes first.
type Options struct {
	Workers  int           // concurrent validators, each waiting for its own acknowledgement
	Duration time.Duration // wall-clock bound
	MaxItems int           // count bound; 0 means only Duration
	MaxBatch int           // items acknowledged by one fsync at most; 0 means 256
}

// Result is what a run got through, acknowledged items only.
type Result struct {
	Items           int64   `json:"items"`
	Events          int64   `json:"events"`
	Segments        int64   `json:"segments"`
	CompressedBytes int64   `json:"compressed_bytes"`
	RawBytes        int64   `json:"raw_bytes"`
	Fsyncs          int64   `json:"fsyncs"`
	Seconds         float64 `json:"seconds"`
	EventsPerSec    float64 `json:"events_per_sec"`
	SegmentsPerSec  float64 `json:"segments_per_sec"`
	MBPerSec        float64 `json:"mb_per_sec"` // compressed payload, 1 MB = 1e6 bytes
	ItemsPerSec     float64 `json:"items_per_sec"`
}

// ErrInvalid marks a payload that does not inflate to valid JSON: the corpus is broken.
var ErrInvalid = errors.New("invalid payload")

type ack struct {
	data []byte
	meta []byte
	done chan error
}

// Run appends to a fresh file in dir until a bound is reached. An invalid item stops the
// run with ErrInvalid: the baseline must check the same bytes the server accepts.
func Run(ctx context.Context, dir string, items []Item, opt Options) (Result, error) {
	if len(items) == 0 {
		return Result{}, errors.New("benchlimit: no items")
	}
	if opt.Workers <= 0 {
		opt.Workers = 1
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 256
	}
	f, err := os.OpenFile(filepath.Join(dir, "limit.blob"), os.O_CREATE|os.O_TRUNC|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return Result{}, fmt.Errorf("open limit blob: %w", err)
	}
	defer f.Close()

	ctx, cancel := context.WithTimeout(ctx, opt.Duration)
	defer cancel()

	var res Result
	appends := make(chan ack, opt.Workers)
	var appenderErr error
	appenderDone := make(chan struct{})
	go func() {
		defer close(appenderDone)
		appenderErr = appendLoop(f, appends, opt.MaxBatch, &res.Fsyncs)
	}()

	var next atomic.Int64
	var items64, events, segments, cbytes, rbytes atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < opt.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := validator{}
			done := make(chan error, 1)
			for ctx.Err() == nil {
				n := next.Add(1) - 1
				if opt.MaxItems > 0 && n >= int64(opt.MaxItems) {
					return
				}
				it := &items[n%int64(len(items))]
				raw, err := v.check(it)
				if err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
				appends <- ack{data: v.body, meta: it.Meta, done: done}
				if err := <-done; err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
				items64.Add(1)
				events.Add(int64(it.Events))
				segments.Add(int64(it.Segments))
				cbytes.Add(int64(len(it.Data)))
				rbytes.Add(int64(raw))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	close(appends)
	<-appenderDone
	if firstErr != nil {
		return res, firstErr
	}
	if appenderErr != nil {
		return res, appenderErr
	}
	res.Items, res.Events, res.Segments = items64.Load(), events.Load(), segments.Load()
	res.CompressedBytes, res.RawBytes = cbytes.Load(), rbytes.Load()
	res.Seconds = elapsed
	res.ItemsPerSec = float64(res.Items) / elapsed
	res.EventsPerSec = float64(res.Events) / elapsed
	res.SegmentsPerSec = float64(res.Segments) / elapsed
	res.MBPerSec = float64(res.CompressedBytes) / 1e6 / elapsed
	return res, nil
}

// appendLoop is the one appender: it takes what has queued up (up to maxBatch), writes it,
// fsyncs once and acknowledges the whole batch — the group commit DESIGN.md §4 describes.
func appendLoop(f *os.File, in <-chan ack, maxBatch int, fsyncs *int64) error {
	w := bufio.NewWriterSize(f, 1<<20)
	batch := make([]ack, 0, maxBatch)
	var failed error
	for first := range in {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxBatch {
			select {
			case a, ok := <-in:
				if !ok {
					break drain
				}
				batch = append(batch, a)
			default:
				break drain
			}
		}
		err := failed
		if err == nil {
			for _, a := range batch {
				if _, err = w.Write(a.meta); err != nil {
					break
				}
				if _, err = w.Write(a.data); err != nil {
					break
				}
			}
			if err == nil {
				err = w.Flush()
			}
			if err == nil {
				err = f.Sync()
				*fsyncs++
			}
			if err != nil {
				err = fmt.Errorf("append limit blob: %w", err)
				failed = err
			}
		}
		for _, a := range batch {
			a.done <- err
		}
	}
	return failed
}

// validator keeps one worker's buffers and decompressors between items.
type validator struct {
	body []byte       // the item's bytes as read from the "connection"
	raw  bytes.Buffer // inflated
	zr   io.ReadCloser
	gr   *gzip.Reader
}

// check reads the item into the worker's buffer, inflates it and checks the JSON; it
// returns the inflated size.
func (v *validator) check(it *Item) (int, error) {
	// "Read": copy the bytes out of the connection buffer, as a server must.
	v.body = append(v.body[:0], it.Data...)
	v.raw.Reset()
	var src io.Reader = bytes.NewReader(v.body)
	switch it.Encoding {
	case "deflate":
		var err error
		if v.zr == nil {
			v.zr, err = zlib.NewReader(src)
		} else {
			err = v.zr.(zlib.Resetter).Reset(src, nil)
		}
		if err != nil {
			return 0, fmt.Errorf("%w: zlib: %v", ErrInvalid, err)
		}
		src = v.zr
	case "gzip":
		var err error
		if v.gr == nil {
			v.gr, err = gzip.NewReader(src)
		} else {
			err = v.gr.Reset(src)
		}
		if err != nil {
			return 0, fmt.Errorf("%w: gzip: %v", ErrInvalid, err)
		}
		src = v.gr
	case "":
	default:
		return 0, fmt.Errorf("%w: unknown encoding %q", ErrInvalid, it.Encoding)
	}
	if _, err := v.raw.ReadFrom(src); err != nil {
		return 0, fmt.Errorf("%w: inflate: %v", ErrInvalid, err)
	}
	raw := v.raw.Bytes()
	if it.NDJSON {
		for line := range bytes.Lines(raw) {
			line = bytes.TrimSpace(line)
			if len(line) > 0 && !json.Valid(line) {
				return 0, fmt.Errorf("%w: bad JSON line", ErrInvalid)
			}
		}
	} else if !json.Valid(raw) {
		return 0, fmt.Errorf("%w: bad JSON document", ErrInvalid)
	}
	if it.Meta != nil && !json.Valid(it.Meta) {
		return 0, fmt.Errorf("%w: bad metadata JSON", ErrInvalid)
	}
	return len(raw), nil
}
