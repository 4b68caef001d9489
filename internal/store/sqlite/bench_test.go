package sqlite

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// BenchmarkAppendEvents is ingest's shape: many concurrent requests of a few
// events each, for sessions that keep growing, durably (fsync per batch).
func BenchmarkAppendEvents(b *testing.B) {
	s, err := Open(ctx, b.TempDir(), Options{QueueSize: 1 << 16})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			sid := fmt.Sprintf("s%d", i%500)
			evs := make([]rum.Event, 10)
			for j := range evs {
				evs[j] = rum.Event{Type: rum.TypeAction, ID: fmt.Sprintf("a%d-%d", i, j), SessionID: sid, Date: 1_700_000_000_000 + i,
					ViewURL: "https://shop.example/cart", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36",
					Action: &rum.ActionFields{Type: "click", TargetName: "Add to cart"}, Raw: []byte(`{"type":"action"}`)}
			}
			if err := s.AppendEvents(ctx, evs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N*10)/b.Elapsed().Seconds(), "events/s")
	st := s.Stats()
	b.ReportMetric(float64(st.Requests)/float64(max(st.Batches, 1)), "requests/batch")
}

// BenchmarkAppendSegment: concurrent replay segments of 8 KiB, durably.
func BenchmarkAppendSegment(b *testing.B) {
	s, err := Open(ctx, b.TempDir(), Options{QueueSize: 1 << 16})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	data := make([]byte, 8<<10)
	var n atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			m := store.SegmentMeta{SessionID: fmt.Sprintf("s%d", i%500), Start: i, End: i + 1, Format: "rrweb", Encoding: "deflate"}
			if err := s.AppendSegment(ctx, m, data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "segments/s")
	st := s.Stats()
	b.ReportMetric(float64(st.Requests)/float64(max(st.Batches, 1)), "requests/batch")
}
