package redact

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"",
	"4111 1111 1111 1111 2031",
	"order 4111111111111112, card 5555-5555-5555-4444.",
	"ada%40example.com and bob@example.org",
	"a4111111111111111 1.4111111111111111 4111111111111111.5",
	"CUST-004211 4111111111111111@example.com",
	"\xff\xfe 4111\u00a01111 ü@ü.de",
}

// FuzzString: redaction never panics, is idempotent (a second pass finds
// nothing, so no marker or leftover forms a new match), and leaves no
// Luhn-valid card of the shapes it looks for.
func FuzzString(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	r := newDefault(f, `cust=CUST-\d{6}`)
	f.Fuzz(func(t *testing.T, s string) {
		once, _ := r.String(s)
		twice, changed := r.String(once)
		if changed {
			t.Fatalf("not idempotent: %q → %q → %q", s, once, twice)
		}
		if out, n := redactCards(once, "X"); n != 0 {
			t.Fatalf("card left in %q (found again: %q)", once, out)
		}
		if emailRe.MatchString(once) {
			t.Fatalf("email left in %q", once)
		}
	})
}

// FuzzJSON: for any valid JSON document the output is valid JSON with the
// same shape (keys, numbers, literals), only string values changed, and a
// second pass changes nothing. Invalid input never panics.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `"ada@example.com"`, `{"a":["4111111111111111",{"b":"x@y.io"}],"c":1.5e3,"d":null}`,
		`{"usr":{"email":"a@b.io"},"view":{"id":"4111111111111111","url":"?e=a%40b.io"}}`,
		`{"m":"\u0040\"\\\/\b\f\n\r\t"}`, `{"a":"b"`, `[}`, `{"a" "b"}`, `"\`,
	} {
		f.Add([]byte(s))
	}
	r := newDefault(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := r.JSON(in, keepInEvent)
		if !json.Valid(in) {
			return // must only not panic
		}
		if err != nil {
			t.Fatalf("valid JSON %q: %v", in, err)
		}
		if !json.Valid(out) {
			t.Fatalf("output not JSON: %q → %q", in, out)
		}
		var a, b any
		if err := json.Unmarshal(in, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(shape(a), shape(b)) {
			t.Fatalf("shape changed: %q → %q", in, out)
		}
		again, err := r.JSON(out, keepInEvent)
		if err != nil || string(again) != string(out) {
			t.Fatalf("second pass changed %q → %q (%v)", out, again, err)
		}
	})
}

// shape replaces every string value by "" so documents compare by structure.
func shape(v any) any {
	switch x := v.(type) {
	case string:
		return ""
	case []any:
		for i := range x {
			x[i] = shape(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = shape(x[k])
		}
	}
	return v
}

// FuzzCheckLevel: the segment policy never panics and never accepts a known
// level below the minimum.
func FuzzCheckLevel(f *testing.F) {
	f.Add("shop", "allow")
	f.Add("bank", "mask")
	f.Add("", strings.Repeat("x", 300))
	p := SegmentPolicy{Minimum: LevelMaskUserInput, PerApp: map[string]string{"bank": LevelMask}}
	f.Fuzz(func(t *testing.T, app, level string) {
		err := p.Check(app, level)
		if rank, ok := levelRank[level]; ok && err == nil {
			min := p.Minimum
			if m, ok := p.PerApp[app]; ok {
				min = m
			}
			if rank < levelRank[min] {
				t.Fatalf("Check(%q, %q) accepted below %q", app, level, min)
			}
		}
	})
}
