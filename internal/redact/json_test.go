package redact

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestJSONKeepsBytesWhenClean(t *testing.T) {
	r := newDefault(t)
	in := []byte(` {"a" : [1, 2.5e3, true, null, {"b":"text \"quoted\" \u00e9"}], "c":"x"} `)
	out, err := r.JSON(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if &out[0] != &in[0] || string(out) != string(in) {
		t.Fatalf("clean document rewritten: %s", out)
	}
}

func TestJSONRedactsValuesNotKeys(t *testing.T) {
	r := newDefault(t)
	in := []byte(`{"ada@example.com":"ada@example.com","list":["4111111111111111",{"deep":"mail bob@example.org"}],"n":4111111111111111}`)
	out, err := r.JSON(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"ada@example.com":"[redacted:email]","list":["[redacted:card]",{"deep":"mail [redacted:email]"}],"n":4111111111111111}`
	if string(out) != want {
		t.Fatalf("JSON =\n%s\nwant\n%s", out, want)
	}
}

func TestJSONEscapes(t *testing.T) {
	r := newDefault(t)
	// \u0040 is '@': the value is what counts, not how it is spelled.
	in := []byte(`{"m":"line1\nada\u0040example.com \"q\" \u2028 é"}`)
	out, err := r.JSON(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ M string }
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("output not JSON: %v: %s", err, out)
	}
	if want := "line1\n[redacted:email] \"q\" \u2028 é"; v.M != want {
		t.Fatalf("decoded %q, want %q", v.M, want)
	}
}

func TestJSONKeep(t *testing.T) {
	r := newDefault(t)
	in := []byte(`{"usr":{"email":"ada@example.com","x":["bob@example.org"]},"view":{"id":"4111111111111111","url":"/?e=ada@example.com"},"session_id":"4111111111111111"}`)
	out, err := r.JSON(in, keepInEvent)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"usr":{"email":"ada@example.com","x":["bob@example.org"]},"view":{"id":"4111111111111111","url":"/?e=[redacted:email]"},"session_id":"4111111111111111"}`
	if string(out) != want {
		t.Fatalf("JSON =\n%s\nwant\n%s", out, want)
	}
}

func TestJSONInvalid(t *testing.T) {
	r := newDefault(t)
	for _, in := range []string{`{"a":"b"`, `{"a":"b]`, `[}`, `"unterminated`, `]`} {
		if _, err := r.JSON([]byte(in), nil); !errors.Is(err, ErrNotJSON) {
			t.Errorf("JSON(%s) error = %v, want ErrNotJSON", in, err)
		}
	}
}

func TestAppendQuoted(t *testing.T) {
	for _, s := range []string{"", "plain", "q\"b\\s", "\x00\x1f\t\n", "é😀", "bad\xffutf8", "<&>"} {
		b := appendQuoted(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("appendQuoted(%q) = %s: %v", s, b, err)
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if got != want {
			t.Errorf("appendQuoted(%q) round trip = %q, want %q", s, got, want)
		}
	}
}

func BenchmarkJSONEvent(b *testing.B) {
	r := newDefault(b)
	line := []byte(`{"type":"resource","date":1712345678901,"application":{"id":"shop"},"session":{"id":"9e5948c7-fc82-4726-8349-c23b8f0c64df","type":"user","has_replay":true},"view":{"id":"adc0001d-e8f6-49b4-9e9f-c5fdf4408fb1","url":"https://shop.example/products/42?ref=home","referrer":"","name":"/products/42"},"resource":{"id":"b0fa5bc6-b647-4c73-9213-8e562ecf8c3c","url":"https://shop.example/api/items?page=2","type":"fetch","status_code":200,"duration":12000000,"size":5120},"service":"web","env":"prod","version":"1.4.2","source":"browser","_dd":{"format_version":2}}`)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.JSON(line, keepInEvent); err != nil {
			b.Fatal(err)
		}
	}
}
