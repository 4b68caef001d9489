package sqlite

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/reprise-rum/reprise/internal/rum"
)

// mixBuilder makes RUM events shaped like cmd/reprise-load's corpus (the
// `make bench` ingest load): 50-event requests from 2,000 concurrent sessions,
// mostly resources and actions, view updates, a few errors; ~1 KB raw each.
type mixBuilder struct {
	mu       sync.Mutex
	rng      *rand.Rand
	sessions []*mixSession
	n        int
}

type mixSession struct {
	id, viewID, url, user string
	viewStart, version    int64
}

var mixPaths = []string{"/", "/products", "/products/42", "/cart", "/checkout", "/account", "/search?q=shoes"}

func newMixBuilder(sessions int) *mixBuilder {
	b := &mixBuilder{rng: rand.New(rand.NewPCG(1, 2))}
	for i := 0; i < sessions; i++ {
		s := &mixSession{id: b.uuid(), user: fmt.Sprintf("user-%d", b.rng.IntN(sessions*4))}
		b.newView(s)
		b.sessions = append(b.sessions, s)
	}
	return b
}

func (b *mixBuilder) uuid() string {
	return fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", b.rng.Uint32(), b.rng.IntN(1<<16), b.rng.IntN(1<<12), b.rng.IntN(1<<12), b.rng.Uint64()&(1<<48-1))
}

func (b *mixBuilder) newView(s *mixSession) {
	s.viewID = b.uuid()
	s.url = "https://shop.example.test" + mixPaths[b.rng.IntN(len(mixPaths))]
	s.viewStart = 1_780_000_000_000 - int64(b.rng.IntN(600_000))
	s.version = 0
}

var mixRaw = []byte(`{"connectivity":{"status":"connected","interfaces":["wifi"],"effective_type":"4g"},"display":{"viewport":{"width":1440,"height":800}},"device":{"locale":"en-US","time_zone":"Europe/Paris","type":"desktop"},"_dd":{"format_version":2,"drift":1,"sdk_name":"rum","configuration":{"session_sample_rate":100,"session_replay_sample_rate":100}},"ddtags":"sdk_version:0.1.0,env:prod,service:shop,version:1.4.2,browser:Chrome"` + strings.Repeat(" ", 600) + `}`)

// request returns one request's events.
func (b *mixBuilder) request(n int) []rum.Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	evs := make([]rum.Event, n)
	for i := range evs {
		s := b.sessions[b.rng.IntN(len(b.sessions))]
		ev := rum.Event{SessionID: s.id, ViewID: s.viewID, ViewURL: s.url, AppID: "shop", Date: s.viewStart + int64(b.rng.IntN(120_000)),
			Service: "shop", Env: "prod", Version: "1.4.2", Source: "browser", UserID: s.user, UserName: "Customer " + s.user,
			UserEmail: s.user + "@example.test", HasReplay: true,
			UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", Raw: mixRaw}
		switch p := b.rng.IntN(100); {
		case p < 45:
			ev.Type, ev.ID = rum.TypeResource, b.uuid()
			ev.Resource = &rum.ResourceFields{URL: fmt.Sprintf("https://shop.example.test/api/items/%d?page=%d", b.rng.IntN(10000), b.rng.IntN(20)),
				Type: "fetch", Method: "GET", StatusCode: 200, Duration: int64(b.rng.IntN(900_000_000)), Size: int64(b.rng.IntN(200_000))}
		case p < 65:
			ev.Type, ev.ID = rum.TypeAction, b.uuid()
			ev.Action = &rum.ActionFields{Type: "click", TargetName: "Add to cart"}
		case p < 70:
			ev.Type, ev.ID = rum.TypeError, b.uuid()
			ev.Error = &rum.ErrorFields{Message: "TypeError: Cannot read properties of undefined (reading 'price')", Source: "source", Kind: "TypeError"}
		case p < 78:
			ev.Type, ev.ID = rum.TypeLongTask, b.uuid()
			ev.LongTask = &rum.LongTaskFields{Duration: int64(50_000_000 + b.rng.IntN(300_000_000))}
		case p < 80:
			ev.Type, ev.ID = rum.TypeVital, b.uuid()
		default:
			s.version++
			ev.Type, ev.ID, ev.Date, ev.DocumentVersion = rum.TypeView, s.viewID, s.viewStart, s.version
			ev.View = &rum.ViewFields{LoadingTime: int64(300_000_000 + b.rng.IntN(2_000_000_000)), TimeSpent: int64(b.rng.IntN(120_000)) * 1_000_000,
				ActionCount: s.version, ResourceCount: s.version * 2}
			if s.version > 8 && b.rng.IntN(4) == 0 {
				b.newView(s)
			}
		}
		evs[i] = ev
	}
	b.n++
	return evs
}

// BenchmarkAppendRUMMix is the `make bench` RUM load without HTTP: 64
// requests in flight, 50 events each, 2,000 sessions, durably.
func BenchmarkAppendRUMMix(b *testing.B) {
	s, err := Open(ctx, b.TempDir(), Options{QueueSize: 1 << 16})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	mb := newMixBuilder(2000)
	reqs := make([][]rum.Event, 512)
	for i := range reqs {
		reqs[i] = mb.request(50)
	}
	var n atomic.Int64
	b.SetParallelism(32) // × GOMAXPROCS(2) = 64 in flight
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			evs := append([]rum.Event(nil), reqs[i%int64(len(reqs))]...)
			if i >= int64(len(reqs)) {
				// Later passes: new ids, as new events would have.
				for j := range evs {
					if evs[j].Type != rum.TypeView {
						evs[j].ID = fmt.Sprintf("%s-%d", evs[j].ID, i)
					}
				}
			}
			if err := s.AppendEvents(ctx, evs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N*50)/b.Elapsed().Seconds(), "events/s")
	st := s.Stats()
	b.ReportMetric(float64(st.Requests)/float64(max(st.Batches, 1)), "requests/batch")
}
