package replay

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// slowCheck is what CheckSegment must agree with: Records, then Summarize.
func slowCheck(raw []byte) (Check, error) {
	recs, err := Records(raw)
	if err != nil {
		return Check{}, err
	}
	return Check{Records: len(recs), Summary: Summarize(recs)}, nil
}

// scanCases are inputs where the fast scanner must give Records' answer,
// with whether the fast path itself (not the fallback) should take them.
var scanCases = []struct {
	in   string
	fast bool
}{
	{`{"records":[{"type":4,"timestamp":10},{"type":2,"timestamp":5},{"type":3,"timestamp":20}]}`, true},
	{` {"records" : [ {"type" : 3 , "timestamp" : 7} ] , "view" : {"id" : "v"} } ` + "\n", true},
	{`{"records":[]}`, true},
	{`{"Records":[{"TYPE":2,"TimeStamp":9}]}`, true},
	{`{"records":[{"type":1}],"records":[{"type":2,"timestamp":3},{}]}`, true}, // last wins
	{`{"records":[{"type":2.0,"timestamp":3}]}`, true},                         // not an int: record skipped by Summarize
	{`{"records":[{"type":2,"timestamp":"3"}]}`, true},
	{`{"records":[{"type":null,"timestamp":null}]}`, true},
	{`{"records":[{"type":2,"timestamp":99999999999999999999}]}`, true},
	{`{"records":[{"type":2,"timestamp":-9223372036854775808}]}`, true},
	{`{"records":[{"type":2,"timestamp":1,"timestamp":1e3}]}`, true},
	{`{"records":[{"type":2,"data":{"a":[1,-0.5e+7,true,false,null,"\u00e9\n\"x"]}}]}`, true},
	{`{"records":[{"typ\u0065":2,"timestamp":4}]}`, true}, // escaped name: decided by encoding/json
	{`{"records":[{"timeſtamp":4}]}`, true},               // U+017F folds to s in encoding/json
	{`{"records":[1]}`, false},
	{`{"records":null,"timestamp":5}`, false},
	{`{"records":{"a":1}}`, false},
	{`{"timestamp":5,"type":2}`, false},
	{`{"rec\u006frds":[{"type":2}]}`, false},
	{`{"recordſ":[{"type":2}]}`, false},
	{`{"records":[{"type":2}]`, false},
	{`{"records":[{"type":2}]}x`, false},
	{`{"records":[{"type":2,}]}`, false},
	{`{"records":[{"a":"` + "\x01" + `"}]}`, false},
	{`{"records":[{"a":01}]}`, false},
	{`{"records":[{"a":"\x"}]}`, false},
	{`{"records":[{"a":tru}]}`, false},
	{"{\"type\":4,\"timestamp\":1}\n{\"type\":2,\"timestamp\":3}", false},
	{`[{"type":2,"timestamp":1}]`, false},
	{"\f{\"records\":[]}", false},
	{``, false},
	{`{"records":[` + strings.Repeat(`{"a":`, 1200) + `1` + strings.Repeat(`}`, 1200) + `]}`, false},
}

func TestCheckSegmentAgreesWithRecords(t *testing.T) {
	for i, tc := range scanCases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			raw := []byte(tc.in)
			want, wantErr := slowCheck(raw)
			got, err := CheckSegment(raw)
			if (err != nil) != (wantErr != nil) || got != want {
				t.Fatalf("CheckSegment(%.80q) = %+v, %v; Records says %+v, %v", tc.in, got, err, want, wantErr)
			}
			if err != nil && !errors.Is(err, ErrBadSegment) {
				t.Fatalf("error %v is not ErrBadSegment", err)
			}
			if _, fast := scanRecordsObject(raw); fast != tc.fast {
				t.Fatalf("fast path took %.80q: %v, want %v", tc.in, fast, tc.fast)
			}
		})
	}
}

func TestCheckSegmentSummary(t *testing.T) {
	got, err := CheckSegment([]byte(`{"records":[{"type":4,"timestamp":10},{"type":2,"timestamp":5},{"type":3,"timestamp":20},{"type":3,"timestamp":0}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Check{Records: 4, Summary: Summary{Start: 5, End: 20, HasFullSnapshot: true}}); got != want {
		t.Fatalf("CheckSegment = %+v, want %+v", got, want)
	}
}

// benchSegment is a real recording from the bench page (cmd/reprise-load's
// corpus source) as one {"records":[…]} object.
func benchSegment(tb testing.TB) []byte {
	tb.Helper()
	f, err := os.Open("../../cmd/reprise-load/testdata/rrweb-bench-page.json.gz")
	if err != nil {
		tb.Skip("bench recording not found:", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	var recs []json.RawMessage
	if err := json.Unmarshal(b, &recs); err != nil {
		var obj struct{ Records []json.RawMessage }
		if err := json.Unmarshal(b, &obj); err != nil {
			tb.Fatal("bench recording: ", err)
		}
		recs = obj.Records
	}
	seg, err := json.Marshal(map[string]any{"records": recs})
	if err != nil {
		tb.Fatal(err)
	}
	return seg
}

func TestCheckSegmentBenchRecording(t *testing.T) {
	seg := benchSegment(t)
	want, err := slowCheck(seg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := CheckSegment(seg)
	if err != nil || got != want || want.Records == 0 {
		t.Fatalf("CheckSegment = %+v, %v; want %+v", got, err, want)
	}
	if _, fast := scanRecordsObject(seg); !fast {
		t.Fatal("the usual segment shape did not take the fast path")
	}
}

func FuzzCheckSegment(f *testing.F) {
	for _, tc := range scanCases {
		f.Add([]byte(tc.in))
	}
	if fixture, err := os.ReadFile("testdata/datadog-7.16.2-segment.json"); err == nil {
		f.Add(fixture)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		want, wantErr := slowCheck(raw)
		got, err := CheckSegment(raw)
		if (err != nil) != (wantErr != nil) || got != want {
			t.Fatalf("CheckSegment(%q) = %+v, %v; Records says %+v, %v", raw, got, err, want, wantErr)
		}
	})
}

func BenchmarkCheckSegment(b *testing.B) {
	seg := benchSegment(b)
	b.Run("scan", func(b *testing.B) {
		b.SetBytes(int64(len(seg)))
		for b.Loop() {
			if _, err := CheckSegment(seg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("records", func(b *testing.B) {
		b.SetBytes(int64(len(seg)))
		for b.Loop() {
			if _, err := Records(seg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Valid", func(b *testing.B) {
		b.SetBytes(int64(len(seg)))
		for b.Loop() {
			if !json.Valid(seg) {
				b.Fatal("invalid")
			}
		}
	})
}
