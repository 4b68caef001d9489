// Command reprise-load is the ingest load generator of `make bench`: it builds a corpus of
// realistic intake requests (RUM batches of ~1 KB events, NDJSON, zlib; replay segments cut
// from rrweb recordings captured on the bench page, zlib, multipart as DESIGN.md §3.3 says)
// and sends it to a running `reprise serve` over loopback at rising concurrency, reporting
// throughput, latency and the server's CPU and peak memory. With -limit it instead runs the
// machine-limit baseline (internal/benchlimit) over the very same payloads, without HTTP.
//
//	reprise-load -url http://127.0.0.1:9529 -mode replay -levels 1,4,16,64 -duration 10s -pid PID
//	reprise-load -limit -mode replay -duration 10s
//
// The result is one JSON object on stdout (or -out FILE); a summary goes to stderr.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/reprise-rum/reprise/internal/benchlimit"
)

type options struct {
	url          string
	mode         string
	levels       []int
	duration     time.Duration
	maxRequests  int
	pid          int
	corpus       int
	batch        int
	seed         uint64
	limit        bool
	limitDir     string
	limitWorkers int
	out          string
	appID        string
}

// Report is the JSON the bench scripts read.
type Report struct {
	Mode   string             `json:"mode"`
	Corpus CorpusStats        `json:"corpus"`
	Levels []LevelResult      `json:"levels,omitempty"`
	Limit  *benchlimit.Result `json:"limit,omitempty"`
}

// CorpusStats describes what was sent, so a reader can judge how realistic it is.
type CorpusStats struct {
	Requests          int     `json:"requests"`
	AvgCompressed     float64 `json:"avg_compressed_bytes"`
	AvgRaw            float64 `json:"avg_raw_bytes"`
	AvgEvents         float64 `json:"avg_events"` // RUM events or replay records per request
	FullSnapshotShare float64 `json:"full_snapshot_share,omitempty"`
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "reprise-load:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	var o options
	var levels string
	fs := flag.NewFlagSet("reprise-load", flag.ContinueOnError)
	fs.StringVar(&o.url, "url", "", "base URL of a running reprise serve (127.0.0.1 only)")
	fs.StringVar(&o.mode, "mode", "replay", "rum (POST /v1/write/rum) or replay (POST /v1/write/rum/replay)")
	fs.StringVar(&levels, "levels", "1,4,16,64", "concurrency levels, comma-separated")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "time per level (and for -limit)")
	fs.IntVar(&o.maxRequests, "max-requests", 2_000_000, "requests per level at most")
	fs.IntVar(&o.pid, "pid", 0, "server pid, for CPU and memory from /proc")
	fs.IntVar(&o.corpus, "corpus", 0, "distinct requests to build (default 2000 RUM batches or 3000 segments)")
	fs.IntVar(&o.batch, "batch", 50, "RUM events per batch")
	fs.Uint64Var(&o.seed, "seed", 1, "corpus seed")
	fs.BoolVar(&o.limit, "limit", false, "run the machine-limit baseline on the same payloads instead of HTTP")
	fs.StringVar(&o.limitDir, "limit-dir", os.TempDir(), "directory for the baseline's append file")
	fs.IntVar(&o.limitWorkers, "limit-workers", 64, "baseline validators in flight")
	fs.StringVar(&o.out, "out", "", "write the JSON report here instead of stdout")
	fs.StringVar(&o.appID, "app", "bench-app", "application id in the payloads")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, s := range strings.Split(levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("bad -levels %q", levels)
		}
		o.levels = append(o.levels, n)
	}
	if o.mode != "rum" && o.mode != "replay" {
		return fmt.Errorf("bad -mode %q: rum or replay", o.mode)
	}
	if !o.limit {
		if err := checkLoopback(o.url); err != nil {
			return err
		}
	}

	t0 := time.Now()
	reqs, stats, err := buildCorpus(o)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "corpus: %d %s requests, avg %.0f B compressed, %.0f B raw, %.1f events/records each (built in %v)\n",
		stats.Requests, o.mode, stats.AvgCompressed, stats.AvgRaw, stats.AvgEvents, time.Since(t0).Round(time.Millisecond))
	rep := Report{Mode: o.mode, Corpus: stats}

	ctx := context.Background()
	if o.limit {
		dir, err := os.MkdirTemp(o.limitDir, "reprise-limit-")
		if err != nil {
			return fmt.Errorf("limit dir: %w", err)
		}
		defer os.RemoveAll(dir)
		res, err := benchlimit.Run(ctx, dir, limitItems(reqs), benchlimit.Options{Workers: o.limitWorkers, Duration: o.duration, MaxItems: o.maxRequests})
		if err != nil {
			return fmt.Errorf("limit: %w", err)
		}
		fmt.Fprintf(os.Stderr, "limit: %.0f events/s, %.0f segments/s, %.1f MB/s, %d fsyncs\n", res.EventsPerSec, res.SegmentsPerSec, res.MBPerSec, res.Fsyncs)
		rep.Limit = &res
	} else {
		client := &http.Client{
			Timeout: 30 * time.Second,
			Transport: &http.Transport{
				MaxIdleConnsPerHost: o.levels[len(o.levels)-1] * 2,
				DisableCompression:  true,
				DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			},
		}
		for _, c := range o.levels {
			fmt.Fprintf(os.Stderr, "level %d start\n", c) // bench-ingest.mjs profiles the server on this cue
			lr, err := runLevel(ctx, client, strings.TrimRight(o.url, "/"), reqs, c, o.duration, o.maxRequests, o.pid)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "c=%-3d %8.0f events/s %7.0f segments/s %6.1f MB/s  p50 %6.1f ms  p99 %7.1f ms  server %.2f cores, peak RSS %.0f MB  %v\n",
				c, lr.EventsPerSec, lr.SegmentsPerSec, lr.MBPerSec, lr.P50ms, lr.P99ms, lr.ServerCPU, lr.ServerHWMMB, lr.Statuses)
			if lr.FirstError != "" {
				fmt.Fprintf(os.Stderr, "      first error: %s\n", lr.FirstError)
			}
			rep.Levels = append(rep.Levels, lr)
		}
	}

	out := os.Stdout
	if o.out != "" {
		f, err := os.Create(o.out)
		if err != nil {
			return fmt.Errorf("create report: %w", err)
		}
		defer f.Close()
		out = f
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// checkLoopback refuses any target but this machine's loopback: a load generator must not
// be pointed at somebody else's server by a typo.
func checkLoopback(raw string) error {
	if raw == "" {
		return errors.New("-url is required (or -limit)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("bad -url: %w", err)
	}
	ip := net.ParseIP(u.Hostname())
	if u.Scheme != "http" || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-url %q: only http://127.0.0.1:PORT (loopback) is allowed", raw)
	}
	return nil
}

// buildCorpus prepares every request up front, so sending costs the generator little CPU
// (it shares the machine's two cores with the server).
func buildCorpus(o options) ([]Request, CorpusStats, error) {
	now := time.Now().UnixMilli()
	var reqs []Request
	var st CorpusStats
	var raw, comp, events, full int
	switch o.mode {
	case "rum":
		n := o.corpus
		if n <= 0 {
			n = 2000
		}
		b := NewRUMBuilder(o.appID, now, 2000, o.seed)
		for i := 0; i < n; i++ {
			batch, err := b.Batch(o.batch)
			if err != nil {
				return nil, st, err
			}
			reqs = append(reqs, Request{Path: "/v1/write/rum", ContentType: "text/plain;charset=UTF-8", Encoding: "deflate",
				Body: batch.Data, Events: batch.Events, Compressed: len(batch.Data)})
			raw += batch.Raw
			comp += len(batch.Data)
			events += batch.Events
		}
	case "replay":
		n := o.corpus
		if n <= 0 {
			n = 3000
		}
		recs, err := loadRecords()
		if err != nil {
			return nil, st, err
		}
		segs, err := buildSegments(recs, o.appID, now, o.seed, n)
		if err != nil {
			return nil, st, err
		}
		for i := range segs {
			s := &segs[i]
			reqs = append(reqs, Request{Path: "/v1/write/rum/replay", Segment: s, Events: s.Meta.RecordsCount, Segments: 1, Compressed: len(s.Data)})
			raw += s.Meta.RawSegmentSize
			comp += len(s.Data)
			events += s.Meta.RecordsCount
			if s.Meta.HasFullSnap {
				full++
			}
		}
	}
	st.Requests = len(reqs)
	st.AvgRaw = float64(raw) / float64(len(reqs))
	st.AvgCompressed = float64(comp) / float64(len(reqs))
	st.AvgEvents = float64(events) / float64(len(reqs))
	st.FullSnapshotShare = float64(full) / float64(len(reqs))
	return reqs, st, nil
}

// buildSegments cuts at least n segments, whole sessions at a time, on every core (the
// corpus is built before any load starts, so this takes nothing from the server).
func buildSegments(recs []recording, appID string, now int64, seed uint64, n int) ([]Segment, error) {
	workers := runtime.GOMAXPROCS(0)
	parts := make([][]Segment, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			b := NewSegmentBuilder(recs, appID, now, seed*1000+uint64(w))
			for len(parts[w]) < (n+workers-1)/workers {
				segs, err := b.Session(newUUID(b.rng), 3+b.rng.IntN(18))
				if err != nil {
					errs[w] = err
					return
				}
				parts[w] = append(parts[w], segs...)
			}
		}(w)
	}
	wg.Wait()
	var out []Segment
	for w := range parts {
		if errs[w] != nil {
			return nil, errs[w]
		}
		out = append(out, parts[w]...)
	}
	return out, nil
}

// limitItems gives the baseline the same bytes the server gets: the compressed RUM body,
// or the compressed segment plus its metadata JSON.
func limitItems(reqs []Request) []benchlimit.Item {
	items := make([]benchlimit.Item, len(reqs))
	for i, r := range reqs {
		if r.Segment != nil {
			items[i] = benchlimit.Item{Data: r.Segment.Data, Encoding: "deflate", Meta: r.Segment.MetaJSON, Events: 0, Segments: 1}
			continue
		}
		items[i] = benchlimit.Item{Data: r.Body, Encoding: r.Encoding, NDJSON: true, Events: r.Events}
	}
	return items
}
