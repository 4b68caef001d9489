package ddreplay

import (
	"fmt"
	"testing"
)

// bigPage is a full snapshot of n list items (each an LI with a class and a
// text node) followed by a Change record touching every tenth item, the shape
// of a long product list.
func bigPage(tb testing.TB, n int) []byte {
	e := &strEnc{}
	text := e.s("#text")
	adds := []any{changeAddNode,
		[]any{nil, e.s("#document")}, []any{1, e.s("HTML")}, []any{1, e.s("BODY")}, []any{1, e.s("UL")}}
	li, class := e.s("LI"), e.s("class")
	for i := 0; i < n; i++ {
		// First item: child of UL (id 3); then after the previous item's text
		// node: 2 back is the previous LI, whose parent is UL.
		point := 1
		if i > 0 {
			point = 2*i + 4 - 3
		}
		adds = append(adds, []any{point, li, []any{class, e.s(fmt.Sprint("item-", i%7))}}, []any{1, text, e.s(fmt.Sprint("Product ", i))})
	}
	full := e.record(ddFullSnapshot, 1, adds)
	var texts []any
	for i := 0; i < n; i += 10 {
		texts = append(texts, []any{2*i + 5, e.s("sold out")})
	}
	return segment(tb, full, e.record(ddChange, 2, append([]any{changeText}, texts...)))
}

func BenchmarkConvert10kNodes(b *testing.B) {
	seg := bigPage(b, 5000)
	b.SetBytes(int64(len(seg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewViewConverter().Convert(seg); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBigPage(t *testing.T) {
	events, err := NewViewConverter().Convert(bigPage(t, 500))
	if err != nil {
		t.Fatal(err)
	}
	m := newMirror()
	m.applyAll(t, events)
	if got := len(m.root.children[0].children[0].children[0].children); got != 500 {
		t.Fatalf("list has %d items, want 500", got)
	}
	if got := m.nodes[rrID(2*10+5)].text; got != "sold out" {
		t.Fatalf("item 10 text = %q", got)
	}
}
