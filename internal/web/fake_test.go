package web

import (
	"context"
	"io"
	"slices"
	"sync"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// fakeReader is an in-memory store.Reader that records the filters it was
// asked for, so tests can check what the pages pass down.
type fakeReader struct {
	mu       sync.Mutex
	sessions []store.Session
	events   []rum.Event
	filters  []store.Filter // every ListSessions/ListEvents call, in order
	types    []string       // the typ of every ListEvents call
	hist     []store.Filter // every Histogram call
	next     string         // NextCursor returned by list calls
	capped   bool           // TotalCapped returned by list calls
	err      error          // returned by every call when set
}

var _ store.Reader = (*fakeReader)(nil)

func (f *fakeReader) ListSessions(_ context.Context, flt store.Filter) (store.SessionPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filters = append(f.filters, flt)
	if f.err != nil {
		return store.SessionPage{}, f.err
	}
	var out []store.Session
	for _, s := range f.sessions {
		if flt.SessionID != "" && s.ID != flt.SessionID {
			continue
		}
		out = append(out, s)
	}
	return store.SessionPage{Sessions: out, Total: int64(len(out)), TotalCapped: f.capped, NextCursor: f.next}, nil
}

func (f *fakeReader) GetSession(_ context.Context, id string) (store.Session, error) {
	if f.err != nil {
		return store.Session{}, f.err
	}
	for _, s := range f.sessions {
		if s.ID == id {
			return s, nil
		}
	}
	return store.Session{}, store.ErrNotFound
}

func (f *fakeReader) SessionEvents(_ context.Context, sessionID string, types ...string) ([]rum.Event, error) {
	if f.err != nil {
		return nil, f.err
	}
	var out []rum.Event
	for _, e := range f.events {
		if e.SessionID == sessionID && (len(types) == 0 || slices.Contains(types, e.Type)) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (f *fakeReader) ListEvents(_ context.Context, typ string, flt store.Filter) (store.EventPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filters = append(f.filters, flt)
	f.types = append(f.types, typ)
	if f.err != nil {
		return store.EventPage{}, f.err
	}
	var out []rum.Event
	for _, e := range f.events {
		if e.Type == typ && (flt.SessionID == "" || e.SessionID == flt.SessionID) {
			out = append(out, e)
		}
	}
	return store.EventPage{Events: out, Total: int64(len(out)), NextCursor: f.next}, nil
}

func (f *fakeReader) GetEvent(_ context.Context, typ, id string) (rum.Event, error) {
	if f.err != nil {
		return rum.Event{}, f.err
	}
	for _, e := range f.events {
		if e.Type == typ && e.ID == id {
			return e, nil
		}
	}
	return rum.Event{}, store.ErrNotFound
}

func (f *fakeReader) Segments(context.Context, string, int64, int64) ([]store.SegmentMeta, error) {
	return nil, nil
}

func (f *fakeReader) OpenSegment(context.Context, store.SegmentMeta) (io.ReadCloser, error) {
	return nil, store.ErrNotFound
}

func (f *fakeReader) Histogram(_ context.Context, typ string, flt store.Filter, buckets int) ([]store.Bucket, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hist = append(f.hist, flt)
	if f.err != nil {
		return nil, f.err
	}
	out := make([]store.Bucket, buckets)
	width := (flt.To - flt.From) / int64(buckets)
	for i := range out {
		out[i].Start = flt.From + int64(i)*width
	}
	count := func(date int64) {
		if width > 0 && date >= flt.From && date < flt.To {
			out[min(int((date-flt.From)/width), buckets-1)].Count++
		}
	}
	if typ == "session" {
		for _, s := range f.sessions {
			count(s.Start)
		}
	} else {
		for _, e := range f.events {
			if e.Type == typ {
				count(e.Date)
			}
		}
	}
	return out, nil
}

func (f *fakeReader) lastFilter() store.Filter {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.filters) == 0 {
		return store.Filter{}
	}
	return f.filters[len(f.filters)-1]
}
