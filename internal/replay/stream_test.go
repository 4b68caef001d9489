package replay

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/reprise-rum/reprise/internal/rum"
	"github.com/reprise-rum/reprise/internal/store"
)

// fakeReader serves segments from memory; only the replay methods work.
type fakeReader struct {
	store.Reader
	segs  []store.SegmentMeta
	blobs map[string][]byte
}

func (f *fakeReader) Segments(context.Context, string, int64, int64) ([]store.SegmentMeta, error) {
	return f.segs, nil
}

func (f *fakeReader) OpenSegment(_ context.Context, m store.SegmentMeta) (io.ReadCloser, error) {
	b, ok := f.blobs[m.ID]
	if !ok {
		return nil, store.ErrNotFound
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (f *fakeReader) SessionEvents(context.Context, string, ...string) ([]rum.Event, error) {
	return nil, nil
}

func (f *fakeReader) add(tb testing.TB, m store.SegmentMeta, records ...string) {
	tb.Helper()
	body := []byte(`{"records":[` + strings.Join(records, ",") + `]}`)
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(body)
	zw.Close()
	m.Encoding = EncodingZlib
	if m.Format == "" {
		m.Format = FormatRRWeb
	}
	if f.blobs == nil {
		f.blobs = map[string][]byte{}
	}
	f.blobs[m.ID] = buf.Bytes()
	f.segs = append(f.segs, m)
}

func rec(typ int, ts int64) string {
	return fmt.Sprintf(`{"type":%d,"data":{},"timestamp":%d}`, typ, ts)
}

type collect struct {
	ts      []int64
	flushes int
}

func (c *collect) Event(ev json.RawMessage) error {
	c.ts = append(c.ts, timestamp(ev))
	return nil
}
func (c *collect) Flush() { c.flushes++ }

func streamOf(t *testing.T, r *fakeReader, conv func() Converter, from, to int64) (*collect, []Missing) {
	t.Helper()
	s := &Streamer{Reader: r, NewConverter: conv, MaxDecompressedBytes: 1 << 20}
	var c collect
	missing, err := s.Stream(context.Background(), "s", from, to, &c)
	if err != nil {
		t.Fatal(err)
	}
	return &c, missing
}

func threeSegments(t *testing.T) *fakeReader {
	r := &fakeReader{}
	r.add(t, store.SegmentMeta{ID: "a", ViewID: "v1", Start: 100, End: 200, HasFullSnapshot: true}, rec(4, 100), rec(2, 101), rec(3, 200))
	r.add(t, store.SegmentMeta{ID: "b", ViewID: "v1", Start: 300, End: 400, IndexInView: 1}, rec(3, 300), rec(3, 400))
	r.add(t, store.SegmentMeta{ID: "c", ViewID: "v2", Start: 500, End: 600, HasFullSnapshot: true}, rec(4, 500), rec(2, 501), rec(3, 600))
	return r
}

func TestStreamWholeSession(t *testing.T) {
	c, missing := streamOf(t, threeSegments(t), nil, 0, 0)
	if got, want := fmt.Sprint(c.ts), "[100 101 200 300 400 500 501 600]"; got != want {
		t.Fatalf("timestamps %s, want %s", got, want)
	}
	if len(missing) != 0 || c.flushes != 3 {
		t.Fatalf("missing %v, flushes %d", missing, c.flushes)
	}
}

// A seek starts at the last full snapshot at or before from and stops after to.
func TestStreamWindow(t *testing.T) {
	for _, tc := range []struct {
		from, to int64
		want     string
	}{
		{from: 350, want: "[100 101 200 300 400 500 501 600]"},
		{from: 550, want: "[500 501 600]"},
		{from: 50, to: 350, want: "[100 101 200 300]"},
		{from: 520, to: 550, want: "[500 501]"},
	} {
		c, _ := streamOf(t, threeSegments(t), nil, tc.from, tc.to)
		if got := fmt.Sprint(c.ts); got != tc.want {
			t.Errorf("from %d to %d: %s, want %s", tc.from, tc.to, got, tc.want)
		}
	}
}

// A corrupt or vanished segment is reported missing; the others still play.
func TestStreamMissingSegments(t *testing.T) {
	r := threeSegments(t)
	r.blobs["b"] = r.blobs["b"][:10]
	delete(r.blobs, "c")
	c, missing := streamOf(t, r, nil, 0, 0)
	if got, want := fmt.Sprint(c.ts), "[100 101 200]"; got != want {
		t.Fatalf("timestamps %s, want %s", got, want)
	}
	if len(missing) != 2 || missing[0].Segment != "b" || missing[1].Segment != "c" || missing[0].Start != 300 ||
		!strings.Contains(missing[1].Reason, "gone") {
		t.Fatalf("missing %+v", missing)
	}
}

// upConverter stands in for ddreplay: it shifts timestamps by 1 and fails on
// a record of type 99, dropping its state like the real one.
type upConverter struct{ calls *int }

func (u upConverter) Convert(seg []byte) ([]json.RawMessage, error) {
	*u.calls++
	var recs []struct {
		Type      int   `json:"type"`
		Timestamp int64 `json:"timestamp"`
	}
	if err := json.Unmarshal(seg, &recs); err != nil {
		return nil, err
	}
	var out []json.RawMessage
	for _, r := range recs {
		if r.Type == 99 {
			return out, errors.New("bad record")
		}
		out = append(out, json.RawMessage(fmt.Sprintf(`{"type":%d,"timestamp":%d}`, r.Type, r.Timestamp+1)))
	}
	return out, nil
}

func TestStreamDatadogViews(t *testing.T) {
	r := &fakeReader{}
	dd := func(m store.SegmentMeta, recs ...string) {
		m.Format = FormatDatadog
		r.add(t, m, recs...)
	}
	dd(store.SegmentMeta{ID: "a0", ViewID: "A", Start: 100, HasFullSnapshot: true}, rec(2, 100))
	dd(store.SegmentMeta{ID: "a1", ViewID: "A", Start: 200, IndexInView: 1}, rec(12, 200))
	dd(store.SegmentMeta{ID: "a3", ViewID: "A", Start: 300, IndexInView: 3}, rec(12, 300)) // a2 never arrived
	dd(store.SegmentMeta{ID: "b0", ViewID: "B", Start: 400, HasFullSnapshot: true}, rec(2, 400), rec(99, 401))
	dd(store.SegmentMeta{ID: "b1", ViewID: "B", Start: 500, IndexInView: 1}, rec(12, 500))
	dd(store.SegmentMeta{ID: "b2", ViewID: "B", Start: 600, IndexInView: 2, HasFullSnapshot: true}, rec(2, 600))

	calls := 0
	c, missing := streamOf(t, r, func() Converter { return upConverter{&calls} }, 0, 0)
	if got, want := fmt.Sprint(c.ts), "[101 201 401 601]"; got != want {
		t.Fatalf("timestamps %s, want %s", got, want)
	}
	var ids []string
	for _, m := range missing {
		ids = append(ids, m.Segment)
	}
	if got, want := strings.Join(ids, ","), "a3,b0,b1"; got != want {
		t.Fatalf("missing %s, want %s (%+v)", got, want, missing)
	}

	c, missing = streamOf(t, r, nil, 0, 0)
	if len(c.ts) != 0 || len(missing) != 6 || !strings.Contains(missing[0].Reason, "not available") {
		t.Fatalf("without a converter: events %v missing %+v", c.ts, missing)
	}
}
