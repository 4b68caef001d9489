package ddreplay

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"os"
	"reflect"
	"strings"
	"testing"
)

// The fixtures were captured from @datadog/browser-rum 7.16.2 on a small page
// (view 1), after typing into an input, ticking a checkbox, a DOM mutation
// and a click that removes the inserted <span>, and then a route change
// (view 2). The rrweb-fullsnapshot files are what Datadog's own Change→V1
// converter produced for the same records.

func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func convertFile(tb testing.TB, c *ViewConverter, name string) []json.RawMessage {
	tb.Helper()
	events, err := c.Convert(readFile(tb, name))
	if err != nil {
		tb.Fatalf("Convert(%s): %v", name, err)
	}
	return events
}

// eventsOfType decodes the events of one rrweb type.
func eventsOfType(tb testing.TB, events []json.RawMessage, typ int) []map[string]any {
	tb.Helper()
	var out []map[string]any
	for _, raw := range events {
		var ev map[string]any
		mustUnmarshal(tb, raw, &ev)
		if ev["type"] == float64(typ) {
			out = append(out, ev)
		}
	}
	return out
}

func TestFullSnapshotMatchesDatadogConverter(t *testing.T) {
	for _, view := range []string{"view1", "view2"} {
		t.Run(view, func(t *testing.T) {
			events := convertFile(t, NewViewConverter(), "testdata/dd716-"+view+".segment.json")
			snaps := eventsOfType(t, events, rrFullSnapshot)
			if len(snaps) != 1 {
				t.Fatalf("got %d full snapshots, want 1", len(snaps))
			}
			var want map[string]any
			mustUnmarshal(t, readFile(t, "testdata/dd716-"+view+".rrweb-fullsnapshot.json"), &want)
			if got := snaps[0]["data"]; !reflect.DeepEqual(got, want["data"]) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want["data"])
				t.Fatalf("full snapshot differs from Datadog's conversion\n got %s\nwant %s", g, w)
			}
			if got, want := snaps[0]["timestamp"], want["timestamp"]; got != want {
				t.Fatalf("timestamp = %v, want %v", got, want)
			}
		})
	}
}

// Playing view 1's events must leave the page as view 2's full snapshot shows
// it: view 2 was serialized from the DOM those interactions produced.
func TestView1MutationsReachView2State(t *testing.T) {
	m := newMirror()
	m.applyAll(t, convertFile(t, NewViewConverter(), "testdata/dd716-view1.segment.json"))
	got := m.html()

	m2 := newMirror()
	m2.applyAll(t, convertFile(t, NewViewConverter(), "testdata/dd716-view2.segment.json"))
	want := m2.html()
	if got != want {
		t.Fatalf("after view 1:\n%s\nview 2 snapshot:\n%s", got, want)
	}
	for _, s := range []string{`<b>there</b>`, `class="y"`, `value="typed"`, `checked=""`} {
		if !strings.Contains(got, s) {
			t.Errorf("replayed page lacks %s: %s", s, got)
		}
	}
	if strings.Contains(got, "added") {
		t.Errorf("the span removed by the click is still there: %s", got)
	}
}

func TestView1EventSequence(t *testing.T) {
	events := convertFile(t, NewViewConverter(), "testdata/dd716-view1.segment.json")
	var types []float64
	for _, raw := range events {
		var ev struct {
			Type float64 `json:"type"`
		}
		mustUnmarshal(t, raw, &ev)
		types = append(types, ev.Type)
	}
	// Meta, Focus (custom), FullSnapshot, Input, Input, Mutation, MouseDown,
	// Click, Mutation, ViewEnd (custom).
	want := []float64{4, 5, 2, 3, 3, 3, 3, 3, 3, 5}
	if !reflect.DeepEqual(types, want) {
		t.Fatalf("event types = %v, want %v", types, want)
	}
	var click struct {
		Data map[string]any `json:"data"`
	}
	mustUnmarshal(t, events[7], &click)
	if got, want := click.Data["id"], float64(25); got != want {
		t.Fatalf("click target id = %v, want %v (Datadog id 24 + 1)", got, want)
	}
	if _, ok := click.Data["source"]; !ok {
		t.Fatalf("click lost its source: %v", click.Data)
	}
	m := newMirror()
	m.applyAll(t, events)
	if got, want := strings.Join(m.custom, ","), "dd_focus,dd_view_end"; got != want {
		t.Fatalf("custom events = %s, want %s", got, want)
	}
}

// The compressed capture is the request body exactly as the SDK sent it:
// multipart, zlib segment. Decoding it end to end guards the format facts the
// converter relies on.
func TestCapturedMultipartSegment(t *testing.T) {
	var meta struct {
		ContentType string `json:"contentType"`
	}
	mustUnmarshal(t, readFile(t, "testdata/dd716-compressed-view1.meta.json"), &meta)
	_, params, err := mime.ParseMediaType(meta.ContentType)
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(bytes.NewReader(readFile(t, "testdata/dd716-compressed-view1.multipart")), params["boundary"])
	var segment []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.FormName() != "segment" {
			continue
		}
		zr, err := zlib.NewReader(p)
		if err != nil {
			t.Fatal(err)
		}
		if segment, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	events, err := NewViewConverter().Convert(segment)
	if err != nil {
		t.Fatal(err)
	}
	m := newMirror()
	m.applyAll(t, events)
	if got := m.html(); !strings.Contains(got, "<button id=\"btn\">Click me</button>") {
		t.Fatalf("page = %s", got)
	}
}

func TestBareRecordsArray(t *testing.T) {
	var seg struct {
		Records json.RawMessage `json:"records"`
	}
	mustUnmarshal(t, readFile(t, "testdata/dd716-view1.segment.json"), &seg)
	a, err := NewViewConverter().Convert(seg.Records)
	if err != nil {
		t.Fatal(err)
	}
	b := convertFile(t, NewViewConverter(), "testdata/dd716-view1.segment.json")
	if !reflect.DeepEqual(a, b) {
		t.Fatal("a bare records array converts differently from the segment object")
	}
}

// Datadog's state carries across the segments of a view: a Change record in
// segment 2 refers to strings and nodes from segment 1.
func TestStateCarriesAcrossSegments(t *testing.T) {
	var seg struct {
		Records []json.RawMessage `json:"records"`
	}
	mustUnmarshal(t, readFile(t, "testdata/dd716-view1.segment.json"), &seg)
	whole := convertFile(t, NewViewConverter(), "testdata/dd716-view1.segment.json")

	c := NewViewConverter()
	var split []json.RawMessage
	for _, part := range [][]json.RawMessage{seg.Records[:3], seg.Records[3:6], seg.Records[6:]} {
		b, _ := json.Marshal(map[string]any{"records": part})
		events, err := c.Convert(b)
		if err != nil {
			t.Fatal(err)
		}
		split = append(split, events...)
	}
	if !reflect.DeepEqual(whole, split) {
		t.Fatal("converting a view in three segments differs from one segment")
	}

	// Without the first segment, the rest cannot be decoded.
	b, _ := json.Marshal(map[string]any{"records": seg.Records[3:6]})
	if _, err := NewViewConverter().Convert(b); !errors.Is(err, ErrNoFullSnapshot) {
		t.Fatalf("Convert(without full snapshot) error = %v, want ErrNoFullSnapshot", err)
	}
}
