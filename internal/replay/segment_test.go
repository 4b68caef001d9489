package replay

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"os"
	"testing"
)

func TestSniffEncoding(t *testing.T) {
	var z, g bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte("{}"))
	zw.Close()
	gw := gzip.NewWriter(&g)
	gw.Write([]byte("{}"))
	gw.Close()
	for _, tc := range []struct {
		in      []byte
		want    string
		wantErr bool
	}{
		{z.Bytes(), EncodingZlib, false},
		{g.Bytes(), EncodingGzip, false},
		{[]byte(` {"records":[]}`), EncodingPlain, false},
		{[]byte(`[{}]`), EncodingPlain, false},
		{[]byte("xyz"), "", true}, // 'x' is 0x78 but fails the zlib header check
		{nil, "", true},
	} {
		got, err := SniffEncoding(tc.in)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("SniffEncoding(%q)=%q,%v want %q (err %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestRecordsShapes(t *testing.T) {
	fixture, err := os.ReadFile("testdata/datadog-7.16.2-segment.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   string
		want int
	}{
		{"datadog segment", string(fixture), 10},
		{"pretty object", "{\n  \"records\": [\n {\"type\":2,\"timestamp\":1}\n ]\n}\n", 1},
		{"array", `[{"type":4,"timestamp":1},{"type":2,"timestamp":2}]`, 2},
		{"ndjson", "{\"type\":4,\"timestamp\":1}\n\n{\"type\":2,\"timestamp\":2}\n", 2},
		{"single record", `{"type":2,"timestamp":2}`, 1},
	} {
		recs, err := Records([]byte(tc.in))
		if err != nil || len(recs) != tc.want {
			t.Errorf("%s: %d records, err %v; want %d", tc.name, len(recs), err, tc.want)
		}
	}
	for _, bad := range []string{"", "nope", `{"records":{}}`, `{"events":[]}`, `[1,2]`, "{\"type\":1}\n{", `{"records":[1]}`} {
		if _, err := Records([]byte(bad)); !errors.Is(err, ErrBadSegment) {
			t.Errorf("Records(%q) err=%v, want ErrBadSegment", bad, err)
		}
	}
	recs, _ := Records(fixture)
	if s := Summarize(recs); s.Start != 1796412516747 || s.End != 1796412518628 || !s.HasFullSnapshot {
		t.Errorf("Summarize = %+v", s)
	}
}

func TestDecompressBounded(t *testing.T) {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(bytes.Repeat([]byte("a"), 10000))
	zw.Close()
	if _, err := Decompress(EncodingZlib, z.Bytes(), 9999); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err=%v, want ErrTooLarge", err)
	}
	out, err := Decompress(EncodingZlib, z.Bytes(), 10000)
	if err != nil || len(out) != 10000 {
		t.Fatalf("len %d err %v", len(out), err)
	}
	// Pooled readers are reset between uses: a second read gives the same.
	if out2, _ := Decompress(EncodingZlib, z.Bytes(), 10000); !bytes.Equal(out, out2) {
		t.Fatal("pooled reader returned different bytes")
	}
	if _, err := Decompress(EncodingZlib, z.Bytes()[:20], 10000); !errors.Is(err, ErrBadSegment) {
		t.Fatalf("truncated: err=%v, want ErrBadSegment", err)
	}
}

func FuzzRecords(f *testing.F) {
	fixture, err := os.ReadFile("testdata/datadog-7.16.2-segment.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fixture)
	f.Add([]byte("{\"type\":4,\"timestamp\":1}\n{\"type\":2}"))
	f.Add([]byte(`[{"timestamp":1e999}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := Records(b)
		if err != nil {
			if !errors.Is(err, ErrBadSegment) {
				t.Fatalf("error %v is not ErrBadSegment", err)
			}
			return
		}
		for _, r := range recs {
			if len(r) == 0 || r[0] != '{' {
				t.Fatalf("record %q is not an object", r)
			}
		}
		Summarize(recs)
	})
}

func FuzzDecompress(f *testing.F) {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(`{"records":[]}`))
	zw.Close()
	f.Add(z.Bytes())
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"))
	f.Add([]byte(`{"records":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		enc, err := SniffEncoding(b)
		if err != nil {
			return
		}
		out, err := Decompress(enc, b, 4096)
		if err == nil && len(out) > 4096 {
			t.Fatalf("%d bytes past the limit", len(out))
		}
		if err != nil && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrBadSegment) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}
