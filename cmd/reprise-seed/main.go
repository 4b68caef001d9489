// Command reprise-seed fills a Reprise data directory with realistic
// generated sessions, events and replay segments, for trying the explorers
// and measuring them at scale:
//
//	reprise-seed -data ./data -sessions 1000000 -events-per-session 10
//
// It writes through the store's own append path (so every aggregate is what
// ingest would have produced) with fsync off: a crash while seeding leaves a
// store to throw away, not a corrupt production one.
package main

import (
	"bytes"
	"compress/zlib"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
)

func main() {
	var cfg config
	flag.StringVar(&cfg.dataDir, "data", "./data", "data directory to fill (created if missing; existing data is kept)")
	flag.IntVar(&cfg.sessions, "sessions", 10_000, "number of sessions to generate")
	flag.IntVar(&cfg.eventsPerSession, "events-per-session", 10, "average RUM events per session")
	flag.IntVar(&cfg.days, "days", 30, "spread session starts over this many days before now")
	flag.Float64Var(&cfg.replayRatio, "replay-ratio", 0.3, "share of sessions that get a replay segment")
	flag.Uint64Var(&cfg.seed, "seed", 1, "random seed (same seed, same data)")
	flag.IntVar(&cfg.workers, "workers", 2, "generator goroutines")
	bench := flag.Int("query-bench", 0, "instead of seeding, time the explorers' queries on -data this many rounds each")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "reprise-seed:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if *bench > 0 {
		if err := queryBench(context.Background(), cfg.dataDir, *bench); err != nil {
			fmt.Fprintln(os.Stderr, "reprise-seed:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(context.Background(), cfg); err != nil {
		fmt.Fprintln(os.Stderr, "reprise-seed:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

type config struct {
	dataDir          string
	sessions         int
	eventsPerSession int
	days             int
	replayRatio      float64
	seed             uint64
	workers          int
}

// chunk is how many sessions' events go into one AppendEvents call: big
// enough that the writer's per-batch costs vanish.
const chunk = 250

func run(ctx context.Context, cfg config) error {
	st, err := sqlite.Open(ctx, cfg.dataDir, sqlite.Options{Unsafe: true, WaitWhenFull: true, QueueSize: 64, CacheMB: 2048,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		return err
	}
	segment, err := replayPayload()
	if err != nil {
		return err
	}
	// The generator and the driver allocate briskly; trading memory for
	// fewer collections is right for a batch tool.
	debug.SetGCPercent(400)
	began := time.Now()
	now := began.UnixMilli()
	var done, events atomic.Int64
	var firstErr error
	var errOnce sync.Once
	fail := func(err error) { errOnce.Do(func() { firstErr = err }) }

	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				d := done.Load()
				el := time.Since(began).Seconds()
				fmt.Fprintf(os.Stderr, "%d/%d sessions, %d events, %.0f sessions/s, %.0f events/s\n",
					d, cfg.sessions, events.Load(), float64(d)/el, float64(events.Load())/el)
			}
		}
	}()

	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range cfg.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				from := int(next.Add(chunk)) - chunk
				if from >= cfg.sessions || firstErr != nil {
					return
				}
				to := min(from+chunk, cfg.sessions)
				// A generator per chunk, seeded by its position: the data
				// does not depend on how chunks fell to workers.
				g := newGenerator(cfg, now, rand.New(rand.NewPCG(cfg.seed, uint64(from))))
				var evs []rum.Event
				var segs []store.SegmentMeta
				for i := from; i < to; i++ {
					e, seg := g.session(i)
					evs = append(evs, e...)
					if seg != nil {
						segs = append(segs, *seg)
					}
				}
				if err := st.AppendEvents(ctx, evs); err != nil {
					fail(fmt.Errorf("worker %d: %w", w, err))
					return
				}
				// Segments go in concurrently so that they share group commits.
				var segWG sync.WaitGroup
				for _, m := range segs {
					segWG.Add(1)
					go func() {
						defer segWG.Done()
						if err := st.AppendSegment(ctx, m, segment); err != nil {
							fail(fmt.Errorf("worker %d: %w", w, err))
						}
					}()
				}
				segWG.Wait()
				events.Add(int64(len(evs)))
				done.Add(int64(to - from))
			}
		}()
	}
	wg.Wait()
	close(stop)
	if err := st.Close(); err != nil && firstErr == nil {
		firstErr = err
	}
	if firstErr != nil {
		return firstErr
	}
	el := time.Since(began)
	fmt.Fprintf(os.Stderr, "seeded %d sessions, %d events into %s in %s (%.0f events/s)\n",
		done.Load(), events.Load(), cfg.dataDir, el.Round(time.Second), float64(events.Load())/el.Seconds())
	return nil
}

// replayPayload is one small, valid rrweb recording (meta + full snapshot +
// a click), zlib-compressed as the SDK sends it, shared by every seeded
// segment so that Play works on seeded sessions.
func replayPayload() ([]byte, error) {
	records := `{"records":[` +
		`{"type":4,"data":{"href":"https://shop.example/","width":1280,"height":720},"timestamp":0},` +
		`{"type":2,"data":{"node":{"type":0,"childNodes":[{"type":2,"tagName":"html","attributes":{},"childNodes":[` +
		`{"type":2,"tagName":"head","attributes":{},"childNodes":[],"id":3},` +
		`{"type":2,"tagName":"body","attributes":{},"childNodes":[{"type":3,"textContent":"Seeded session","id":5}],"id":4}],"id":2}],"id":1},` +
		`"initialOffset":{"left":0,"top":0}},"timestamp":1},` +
		`{"type":3,"data":{"source":2,"type":2,"id":4,"x":100,"y":100},"timestamp":1500}]}`
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	if _, err := zw.Write([]byte(records)); err != nil {
		return nil, fmt.Errorf("compress seed segment: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress seed segment: %w", err)
	}
	return buf.Bytes(), nil
}
