package ddreplay

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzConvert feeds arbitrary segments to one converter, twice so that state
// carried from a (possibly broken) first segment meets the second. Whatever
// the input, Convert must not panic and every event it returns must be an
// rrweb event of a type the converter is allowed to emit: never Datadog's
// colliding 6/7/8.
// Seeds: testdata/fuzz/FuzzConvert plus the captured fixtures.
func FuzzConvert(f *testing.F) {
	for _, name := range []string{"testdata/dd716-view1.segment.json", "testdata/dd716-view2.segment.json", "testdata/chromium-view1.seg0.json", "testdata/chromium-view2.seg0.json"} {
		f.Add(readFile(f, name))
	}
	// The hand-built page of change_test.go, followed by every change kind
	// against it.
	e := &strEnc{}
	page := testPage(e)
	text := e.s("#text")
	f.Add(segment(f, page, e.record(ddChange, 2000,
		ch(changeAddNode, []any{-19, e.s("P")}, []any{1, text, e.s("new")}, []any{11, e.s("B")},
			[]any{24, e.s("DIV")}, []any{1, e.s("#shadow-root")}, []any{1, text, e.s("deep")}),
		ch(changeRemoveNode, 15),
		ch(changeAttribute, []any{6, e.attr("class", "big"), []any{e.s("id")}}),
		ch(changeText, []any{19, e.s("changed")}),
		ch(changeSize, []any{16, 10, 20}),
		ch(changeScrollPosition, []any{6, 0, 50}),
		ch(changeAddStyleSheet, []any{e.s("p{}")}),
		ch(changeAttachedStyleSheets, []any{4, 2}, []any{0, 0, 2}),
		ch(changeMediaPlaybackState, []any{14, 0}),
		ch(changeInputValue, []any{25, e.s("again")}),
		ch(changeInputSelection, []any{0, 12}, []any{1, 8}),
		ch(changeClearStrings),
	)))
	f.Fuzz(func(t *testing.T, segment []byte) {
		c := NewViewConverter()
		for round := 0; round < 2; round++ {
			events, _ := c.Convert(segment)
			for _, raw := range events {
				checkEvent(t, raw)
			}
		}
	})
}

func checkEvent(t *testing.T, raw json.RawMessage) {
	t.Helper()
	var ev struct {
		Type      *int            `json:"type"`
		Data      json.RawMessage `json:"data"`
		Timestamp *float64        `json:"timestamp"`
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	if err := d.Decode(&ev); err != nil || ev.Type == nil || ev.Timestamp == nil || ev.Data == nil {
		t.Fatalf("not an rrweb event: %s (%v)", raw, err)
	}
	switch *ev.Type {
	case rrFullSnapshot, rrIncrementalSnapshot, rrMeta, rrCustom:
	default:
		t.Fatalf("event type %d must not be emitted: %s", *ev.Type, raw)
	}
	if *ev.Type == rrFullSnapshot {
		var snap struct {
			Node *wireNode `json:"node"`
		}
		if err := json.Unmarshal(ev.Data, &snap); err != nil || snap.Node == nil {
			t.Fatalf("full snapshot without node: %.200s", raw)
		}
		seen := map[int]bool{}
		var walk func(n *wireNode)
		walk = func(n *wireNode) {
			if n.ID <= 0 || seen[n.ID] {
				t.Fatalf("full snapshot node id %d is zero, negative or repeated", n.ID)
			}
			seen[n.ID] = true
			for _, c := range n.ChildNodes {
				walk(c)
			}
		}
		walk(snap.Node)
	}
}
