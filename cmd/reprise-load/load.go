package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Request is one prepared intake request. Body is either fixed (RUM batches) or built per
// send from a segment (so repeated segments still carry new session ids).
type Request struct {
	Path        string
	ContentType string
	Encoding    string
	Body        []byte
	Segment     *Segment
	Events      int // RUM events (or, for segments, records) carried
	Segments    int
	Compressed  int // compressed payload bytes (the segment part, or the whole RUM body)
}

// LevelResult is what one concurrency level achieved; only 202 answers count as done.
type LevelResult struct {
	Concurrency    int            `json:"concurrency"`
	Seconds        float64        `json:"seconds"`
	Requests       int64          `json:"requests"`
	Accepted       int64          `json:"accepted"`
	Statuses       map[string]int `json:"statuses"`
	Events         int64          `json:"events"`
	Segments       int64          `json:"segments"`
	Compressed     int64          `json:"compressed_bytes"`
	EventsPerSec   float64        `json:"events_per_sec"`
	SegmentsPerSec float64        `json:"segments_per_sec"`
	MBPerSec       float64        `json:"mb_per_sec"`
	P50ms          float64        `json:"p50_ms"`
	P99ms          float64        `json:"p99_ms"`
	ServerCPU      float64        `json:"server_cpu_cores"` // CPU seconds per wall second
	LoadgenCPU     float64        `json:"loadgen_cpu_cores"`
	ServerRSSMB    float64        `json:"server_rss_mb"`
	ServerHWMMB    float64        `json:"server_peak_rss_mb"`
	FirstError     string         `json:"first_error,omitempty"`
}

// runLevel sends reqs round robin from c workers until d has passed or maxRequests have
// been sent, and reads the server's CPU and memory from /proc/pid before and after.
func runLevel(ctx context.Context, client *http.Client, base string, reqs []Request, c int, d time.Duration, maxRequests int, pid int) (LevelResult, error) {
	res := LevelResult{Concurrency: c, Statuses: map[string]int{}}
	cpu0, _ := procCPU(pid)
	self0, _ := procCPU(0)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()

	var next, sent atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var my []time.Duration
			var events, segs, bytesDone, accepted, requests int64
			statuses := map[string]int{}
			var firstErr string
			var buf bytes.Buffer
			for ctx.Err() == nil {
				if maxRequests > 0 && sent.Add(1) > int64(maxRequests) {
					break
				}
				n := next.Add(1) - 1
				r := &reqs[n%int64(len(reqs))]
				body, ctype := r.Body, r.ContentType
				if r.Segment != nil {
					buf.Reset()
					// After one pass over the corpus, suffix the session id: new sessions.
					suffix := ""
					if cycle := n / int64(len(reqs)); cycle > 0 {
						suffix = "-" + strconv.FormatInt(cycle, 10)
					}
					var err error
					if ctype, err = segmentBody(&buf, r.Segment, "reprise-load-boundary-"+strconv.Itoa(w), suffix); err != nil {
						firstErr = err.Error()
						break
					}
					body = buf.Bytes()
				}
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+r.Path, bytes.NewReader(body))
				if err != nil {
					firstErr = err.Error()
					break
				}
				req.Header.Set("Content-Type", ctype)
				if r.Encoding != "" {
					req.Header.Set("Content-Encoding", r.Encoding)
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() != nil {
						break // the level's time is up: not a failure of the server
					}
					statuses["error"]++
					if firstErr == "" {
						firstErr = err.Error()
					}
					requests++
					continue
				}
				msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
				resp.Body.Close()
				requests++
				my = append(my, time.Since(t0))
				statuses[strconv.Itoa(resp.StatusCode)]++
				if resp.StatusCode == http.StatusAccepted {
					accepted++
					events += int64(r.Events)
					segs += int64(r.Segments)
					bytesDone += int64(r.Compressed)
				} else if firstErr == "" {
					firstErr = fmt.Sprintf("%s %s: %d %s", req.Method, r.Path, resp.StatusCode, bytes.TrimSpace(msg))
				}
			}
			mu.Lock()
			lat = append(lat, my...)
			res.Events += events
			res.Segments += segs
			res.Compressed += bytesDone
			res.Accepted += accepted
			res.Requests += requests
			for k, v := range statuses {
				res.Statuses[k] += v
			}
			if res.FirstError == "" {
				res.FirstError = firstErr
			}
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	res.Seconds = time.Since(start).Seconds()
	cpu1, err := procCPU(pid)
	if err == nil && pid > 0 {
		res.ServerCPU = (cpu1 - cpu0) / res.Seconds
	}
	if self1, err := procCPU(0); err == nil {
		res.LoadgenCPU = (self1 - self0) / res.Seconds
	}
	if pid > 0 {
		if m, err := procMem(pid); err == nil {
			res.ServerRSSMB, res.ServerHWMMB = float64(m.RSS)/(1<<20), float64(m.HWM)/(1<<20)
		}
	}
	res.EventsPerSec = float64(res.Events) / res.Seconds
	res.SegmentsPerSec = float64(res.Segments) / res.Seconds
	res.MBPerSec = float64(res.Compressed) / 1e6 / res.Seconds
	slices.Sort(lat)
	res.P50ms = percentileMS(lat, 0.50)
	res.P99ms = percentileMS(lat, 0.99)
	return res, nil
}

func percentileMS(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q * float64(len(sorted)-1))
	return float64(sorted[i].Microseconds()) / 1000
}
