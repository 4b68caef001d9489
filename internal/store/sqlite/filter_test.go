package sqlite

import (
	"errors"
	"testing"

	"github.com/reprise-rum/reprise/internal/store"
)

// FuzzDecodeCursor: cursors come from clients, so any string must either be
// refused with ErrBadFilter or decode to a value of the sort column's kind
// that encodes back to an equivalent cursor.
func FuzzDecodeCursor(f *testing.F) {
	orders := []order{
		{key: "date", col: sortCol{"start", intCol}, desc: true},
		{key: "cumulative_layout_shift", col: sortCol{"cumulative_layout_shift", floatCol}},
		{key: "browser", col: sortCol{"browser", textCol}},
	}
	for _, o := range orders {
		f.Add(o.encodeCursor(int64(1700000000000), 42))
		f.Add(o.encodeCursor(0.25, 7))
		f.Add(o.encodeCursor("Chrome 120", 1))
	}
	f.Add("")
	f.Add("!!!")
	f.Add("eyJrIjoiZGF0ZSJ9")
	f.Fuzz(func(t *testing.T, s string) {
		for _, o := range orders {
			c, err := o.decodeCursor(s)
			if err != nil {
				if !errors.Is(err, store.ErrBadFilter) {
					t.Fatalf("decodeCursor(%q) = %v, want ErrBadFilter", s, err)
				}
				continue
			}
			switch c.Value.(type) {
			case int64:
				if o.col.kind != intCol {
					t.Fatalf("int value for %v column", o.col.kind)
				}
			case float64:
				if o.col.kind != floatCol {
					t.Fatalf("float value for %v column", o.col.kind)
				}
			case string:
				if o.col.kind != textCol {
					t.Fatalf("string value for %v column", o.col.kind)
				}
			default:
				t.Fatalf("value of type %T", c.Value)
			}
			again, err := o.decodeCursor(o.encodeCursor(c.Value, c.Seq))
			if err != nil || again != c {
				t.Fatalf("round trip of %+v: %+v, %v", c, again, err)
			}
		}
	})
}

func TestContainsEscapes(t *testing.T) {
	if got, want := contains(`50%_off\`), `%50\%\_off\\%`; got != want {
		t.Fatalf("contains()=%q, want %q", got, want)
	}
}
