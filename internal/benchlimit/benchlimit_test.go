package benchlimit

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func deflate(tb testing.TB, s string) []byte {
	tb.Helper()
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestRunCountsAndWrites(t *testing.T) {
	dir := t.TempDir()
	items := []Item{
		{Data: deflate(t, `{"records":[{"type":4},{"type":2}]}`), Encoding: "deflate", Meta: []byte(`{"records_count":2}`), Events: 2, Segments: 1},
		{Data: deflate(t, "{\"type\":\"view\"}\n{\"type\":\"action\"}\n"), Encoding: "deflate", NDJSON: true, Events: 2},
		{Data: []byte("{\"type\":\"error\"}\n"), NDJSON: true, Events: 1},
	}
	res, err := Run(context.Background(), dir, items, Options{Workers: 4, Duration: 10 * time.Second, MaxItems: 30})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, want := res.Items, int64(30); got != want {
		t.Fatalf("Items=%d, want %d", got, want)
	}
	if got, want := res.Events, int64(10*(2+2+1)); got != want {
		t.Fatalf("Events=%d, want %d", got, want)
	}
	if got, want := res.Segments, int64(10); got != want {
		t.Fatalf("Segments=%d, want %d", got, want)
	}
	if res.Fsyncs < 1 || res.Fsyncs > 30 {
		t.Fatalf("Fsyncs=%d, want 1..30", res.Fsyncs)
	}
	fi, err := os.Stat(filepath.Join(dir, "limit.blob"))
	if err != nil {
		t.Fatal(err)
	}
	var want int64
	for _, it := range items {
		want += 10 * int64(len(it.Data)+len(it.Meta))
	}
	if fi.Size() != want {
		t.Fatalf("blob size=%d, want %d", fi.Size(), want)
	}
}

func TestRunRejectsInvalid(t *testing.T) {
	cases := map[string]Item{
		"not zlib":      {Data: []byte("plain"), Encoding: "deflate"},
		"bad json":      {Data: deflate(t, `{"records":[`), Encoding: "deflate"},
		"bad line":      {Data: []byte("{}\n{oops}\n"), NDJSON: true},
		"bad meta":      {Data: []byte(`{}`), Meta: []byte(`{`)},
		"unknown codec": {Data: []byte(`{}`), Encoding: "br"},
	}
	for name, it := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Run(context.Background(), t.TempDir(), []Item{it}, Options{Workers: 2, Duration: 5 * time.Second, MaxItems: 5})
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Run()=%v, want ErrInvalid", err)
			}
		})
	}
}

func TestRunStopsAtDuration(t *testing.T) {
	items := []Item{{Data: []byte(`{}`)}}
	start := time.Now()
	res, err := Run(context.Background(), t.TempDir(), items, Options{Workers: 2, Duration: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Run took %v with a 200ms bound", d)
	}
	if res.Items == 0 {
		t.Fatal("no items acknowledged in 200ms")
	}
}
