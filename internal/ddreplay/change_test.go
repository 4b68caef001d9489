package ddreplay

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// strEnc builds Change records the way Datadog's encoder does: every string
// is a reference into the table, and each record starts with an
// AddRoleAnnotatedStrings change for the strings it introduces.
type strEnc struct {
	all     []string
	flushed int
}

func (e *strEnc) s(v string) int {
	e.all = append(e.all, v)
	return len(e.all) - 1
}

// attr encodes an [name, value] attribute assignment.
func (e *strEnc) attr(name, value string) []any { return []any{e.s(name), e.s(value)} }

func (e *strEnc) record(typ int, ts float64, changes ...[]any) map[string]any {
	data := []any{}
	if len(e.all) > e.flushed {
		run := []any{0}
		for _, s := range e.all[e.flushed:] {
			run = append(run, s)
		}
		data = append(data, []any{changeAddRoleAnnotatedStrings, run})
		e.flushed = len(e.all)
	}
	for _, c := range changes {
		data = append(data, c)
	}
	rec := map[string]any{"type": typ, "timestamp": ts, "data": data}
	if typ == ddFullSnapshot {
		rec["format"] = 1
	}
	return rec
}

func segment(tb testing.TB, records ...any) []byte {
	tb.Helper()
	b, err := json.Marshal(map[string]any{"records": records})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func ch(typ int, items ...any) []any { return append([]any{typ}, items...) }

// testPage is a full snapshot exercising every node kind. Datadog ids:
//
//	0 #document  1 #doctype  2 HTML  3 HEAD  4 STYLE  5 BODY
//	6 DIV#app (scrolled)  7 "hello"  8 INPUT checkbox  9 SELECT
//	10 OPTION value=a  11 "A"  12 OPTION  13 "B"  14 VIDEO (paused)
//	15 DIV hidden placeholder  16 DIV#host  17 #shadow-root  18 SPAN
//	19 "shadowed"  20 svg  21 linearGradient  22 TEMPLATE
//	23 #document-fragment  24 "in template"  25 INPUT#name
//
// Insertion points: null root; k>0 last child of node n-k; 0 after n-1.
func testPage(e *strEnc) map[string]any {
	text := e.s("#text")
	return e.record(ddFullSnapshot, 1000,
		ch(changeAddNode,
			[]any{nil, e.s("#document")},
			[]any{1, e.s("#doctype"), e.s("html"), e.s(""), e.s("")},
			[]any{0, e.s("HTML")},
			[]any{1, e.s("HEAD")},
			[]any{1, e.s("STYLE")},
			[]any{3, e.s("BODY")},
			[]any{1, e.s("DIV"), e.attr("id", "app")},
			[]any{1, text, e.s("hello")},
			[]any{3, e.s("INPUT"), e.attr("type", "checkbox")},
			[]any{0, e.s("SELECT")},
			[]any{1, e.s("OPTION"), e.attr("value", "a")},
			[]any{1, text, e.s("A")},
			[]any{3, e.s("OPTION")},
			[]any{1, text, e.s("B")},
			[]any{9, e.s("VIDEO")},
			[]any{0, e.s("DIV"), e.attr("data-dd-privacy", "hidden")},
			[]any{0, e.s("DIV"), e.attr("id", "host")},
			[]any{1, e.s("#shadow-root")},
			[]any{1, e.s("SPAN")},
			[]any{1, text, e.s("shadowed")},
			[]any{15, e.s("svg>svg")},
			[]any{1, e.s("svg>linearGradient")},
			[]any{17, e.s("TEMPLATE")},
			[]any{1, e.s("#document-fragment")},
			[]any{1, text, e.s("in template")},
			[]any{20, e.s("INPUT"), e.attr("id", "name")},
		),
		ch(changeSize, []any{15, 100, 50}),
		ch(changeScrollPosition, []any{0, 0, 120}, []any{6, 5, 30}),
		ch(changeAddStyleSheet, []any{e.s("body{color:red}")}, []any{[]any{e.s("a{}"), e.s("b{}")}}),
		ch(changeAttachedStyleSheets, []any{4, 0}, []any{17, 1}, []any{0, 1}),
		ch(changeMediaPlaybackState, []any{14, 1}),
		ch(changeVisualViewport, []any{0, 0, 0, 0, 800, 600, 1}),
		ch(changeInputValue, []any{25, e.s("typed")}),
		ch(changeInputSelection, []any{0, 8}),
	)
}

const testPageHTML = `<!html><html><head><style _cssText="body{color:red}"></style></head><body>` +
	`<div id="app" rr_scrollLeft="5" rr_scrollTop="30">hello</div><input checked="" type="checkbox"></input>` +
	`<select><option value="a">A</option><option>B</option></select><video rr_mediaState="paused"></video>` +
	`<div data-dd-privacy="hidden" rr_height="50px" rr_width="100px"></div><div id="host"><span #shadow>shadowed</span></div>` +
	`<svg><lineargradient></lineargradient></svg><template></template><input id="name" value="typed"></input></body></html>`

func convertOK(tb testing.TB, c *ViewConverter, records ...any) []json.RawMessage {
	tb.Helper()
	events, err := c.Convert(segment(tb, records...))
	if err != nil {
		tb.Fatalf("Convert: %v", err)
	}
	return events
}

func decode(tb testing.TB, raw json.RawMessage) map[string]any {
	tb.Helper()
	var m map[string]any
	mustUnmarshal(tb, raw, &m)
	return m
}

// data returns an event's data re-encoded compactly with sorted keys, for
// comparison with a literal.
func data(tb testing.TB, raw json.RawMessage) string {
	tb.Helper()
	b, _ := json.Marshal(decode(tb, raw)["data"])
	return string(b)
}

func TestChangeFullSnapshot(t *testing.T) {
	e := &strEnc{}
	events := convertOK(t, NewViewConverter(), testPage(e))
	if len(events) != 3 {
		t.Fatalf("got %d events, want full snapshot + 2 adopted sheets", len(events))
	}
	m := newMirror()
	m.applyAll(t, events)
	if got := m.html(); got != testPageHTML {
		t.Fatalf("page\n got %s\nwant %s", got, testPageHTML)
	}
	snap := decode(t, events[0])["data"].(map[string]any)
	if got, want := snap["initialOffset"], map[string]any{"left": 0.0, "top": 120.0}; !reflect.DeepEqual(got, want) {
		t.Errorf("initialOffset = %v, want %v", got, want)
	}
	for id, field := range map[int]string{17: "isShadowHost", 21: "isSVG", 22: "isSVG"} {
		if n := findNode(snap["node"], id); n == nil || n[field] != true {
			t.Errorf("node %d: %s not set: %v", id, field, n)
		}
	}
	if got, want := data(t, events[1]), `{"id":1,"source":15,"styleIds":[2],"styles":[{"rules":[{"index":0,"rule":"a{}"},{"index":1,"rule":"b{}"}],"styleId":2}]}`; got != want {
		t.Errorf("document adopted sheets = %s, want %s", got, want)
	}
	if got, want := data(t, events[2]), `{"id":17,"source":15,"styleIds":[2],"styles":[{"rules":[{"index":0,"rule":"a{}"},{"index":1,"rule":"b{}"}],"styleId":2}]}`; got != want {
		t.Errorf("shadow root adopted sheets = %s, want %s", got, want)
	}
}

func findNode(n any, id int) map[string]any {
	m, ok := n.(map[string]any)
	if !ok {
		return nil
	}
	if m["id"] == float64(id) {
		return m
	}
	children, _ := m["childNodes"].([]any)
	for _, c := range children {
		if f := findNode(c, id); f != nil {
			return f
		}
	}
	return nil
}

func TestChangeDOMMutations(t *testing.T) {
	e := &strEnc{}
	c := NewViewConverter()
	m := newMirror()
	m.applyAll(t, convertOK(t, c, testPage(e)))

	// New ids start at 26. k<0: before node n+k.
	text := e.s("#text")
	events := convertOK(t, c, e.record(ddChange, 2000,
		ch(changeAddNode,
			[]any{-19, e.s("P")},          // 26 before "hello" (7)
			[]any{1, text, e.s("new")},    // 27 in 26
			[]any{11, e.s("B")},           // 28 in the shadow root (17)
			[]any{24, e.s("DIV")},         // 29 at the end of BODY (5)
			[]any{1, e.s("#shadow-root")}, // 30 on 29
			[]any{1, text, e.s("deep")},   // 31 in 30
		),
		ch(changeRemoveNode, 15),
		ch(changeAttribute, []any{6, e.attr("class", "big"), []any{e.s("id")}}, []any{29, e.attr("title", "t")}),
		ch(changeText, []any{19, e.s("changed")}),
	))
	if len(events) != 1 {
		t.Fatalf("got %d events, want one mutation", len(events))
	}
	mut := decode(t, events[0])["data"].(map[string]any)
	if got, want := mustJSON(mut["removes"]), `[{"id":16,"parentId":6}]`; got != want {
		t.Errorf("removes = %s, want %s", got, want)
	}
	if got, want := mustJSON(mut["attributes"]), `[{"attributes":{"class":"big","id":null},"id":7}]`; got != want {
		t.Errorf("attributes = %s, want %s (the new node's attribute rides on its add)", got, want)
	}
	if got, want := mustJSON(mut["texts"]), `[{"id":20,"value":"changed"}]`; got != want {
		t.Errorf("texts = %s, want %s", got, want)
	}
	m.applyAll(t, events)
	want := strings.NewReplacer(
		`<div id="app" rr_scrollLeft="5" rr_scrollTop="30">hello</div>`, `<div class="big" rr_scrollLeft="5" rr_scrollTop="30"><p>new</p>hello</div>`,
		`<div data-dd-privacy="hidden" rr_height="50px" rr_width="100px"></div>`, ``,
		`<span #shadow>shadowed</span>`, `<span #shadow>changed</span><b #shadow></b>`,
		`</body>`, `<div title="t">deep</div></body>`,
	).Replace(testPageHTML)
	if got := m.html(); got != want {
		t.Fatalf("page\n got %s\nwant %s", got, want)
	}
	shadowText := m.nodes[32]
	if shadowText == nil || !shadowText.isShadow || shadowText.parent.id != 30 {
		t.Fatalf("text in the new shadow root: %+v, want isShadow under host 30", shadowText)
	}

	// A node added and removed by one record leaves no trace.
	events = convertOK(t, c, e.record(ddChange, 2500, ch(changeAddNode, []any{27, e.s("EM")}), ch(changeRemoveNode, 32)))
	if len(events) != 0 {
		t.Fatalf("add+remove in one record gave %d events: %s", len(events), events)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestChangeInputsScrollMediaSize(t *testing.T) {
	e := &strEnc{}
	c := NewViewConverter()
	m := newMirror()
	m.applyAll(t, convertOK(t, c, testPage(e)))
	events := convertOK(t, c, e.record(ddChange, 3000,
		ch(changeSize, []any{16, 10, 20}),
		ch(changeScrollPosition, []any{6, 0, 50}),
		ch(changeMediaPlaybackState, []any{14, 0}),
		ch(changeVisualViewport, []any{0, 0, 0, 0, 800, 600, 2}),
		ch(changeInputValue, []any{25, e.s("again")}),
		ch(changeInputSelection, []any{0, 12}, []any{1, 8}),
		ch(changeImageContent, []any{20, e.s("resource-hash")}),
	))
	var got []string
	for _, ev := range events {
		got = append(got, data(t, ev))
	}
	want := []string{
		`{"adds":[],"attributes":[{"attributes":{"style":{"height":"20px","width":"10px"}},"id":17}],"removes":[],"source":0,"texts":[]}`,
		`{"id":7,"source":3,"x":0,"y":50}`,
		`{"id":15,"source":7,"type":0}`,
		`{"id":26,"isChecked":false,"source":5,"text":"again"}`,
		`{"id":10,"isChecked":false,"source":5,"text":"B"}`, // the select, with the option's text as value
		`{"id":9,"isChecked":false,"source":5,"text":"on"}`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
	m.applyAll(t, events)
	if m.scroll[7] != [2]float64{0, 50} || m.media[15] != 0 {
		t.Fatalf("scroll = %v, media = %v", m.scroll, m.media)
	}
}

func TestChangeStyleSheetsAndStrings(t *testing.T) {
	e := &strEnc{}
	c := NewViewConverter()
	m := newMirror()
	m.applyAll(t, convertOK(t, c, testPage(e)))
	events := convertOK(t, c, e.record(ddChange, 4000,
		ch(changeAddStyleSheet, []any{e.s("p{}")}), // sheet 2
		ch(changeAttachedStyleSheets, []any{4, 2}, []any{0, 0, 2}),
	))
	if len(events) != 2 {
		t.Fatalf("got %d events, want a mutation and an adopted sheet event", len(events))
	}
	if got, want := data(t, events[0]), `{"adds":[],"attributes":[{"attributes":{"_cssText":"p{}"},"id":5}],"removes":[],"source":0,"texts":[]}`; got != want {
		t.Errorf("mutation = %s, want %s", got, want)
	}
	if got, want := data(t, events[1]), `{"id":1,"source":15,"styleIds":[1,3],"styles":[{"rules":[{"index":0,"rule":"body{color:red}"}],"styleId":1},{"rules":[{"index":0,"rule":"p{}"}],"styleId":3}]}`; got != want {
		t.Errorf("adopted = %s, want %s", got, want)
	}

	// ClearStrings restarts the table at 0; the obsolete AddString (0) and
	// literal strings from older encoders are still understood.
	events = convertOK(t, c, map[string]any{"type": ddChange, "timestamp": 5000, "data": []any{
		ch(changeClearStrings),
		ch(changeAddString, "after"),
		ch(changeText, []any{7, 0}, []any{11, "literal"}, []any{13, map[string]any{"role": 4, "string": "annotated"}}),
	}})
	if got, want := data(t, events[0]), `{"adds":[],"attributes":[],"removes":[],"source":0,"texts":[{"id":8,"value":"after"},{"id":12,"value":"literal"},{"id":14,"value":"annotated"}]}`; got != want {
		t.Errorf("texts after ClearStrings = %s, want %s", got, want)
	}
}

func TestChangeErrors(t *testing.T) {
	for name, rec := range map[string]map[string]any{
		"unknown string":       {"type": ddChange, "timestamp": 1, "data": []any{ch(changeText, []any{7, 9999})}},
		"insert before ghost":  {"type": ddChange, "timestamp": 1, "data": []any{ch(changeAddNode, []any{-1000, "P"})}},
		"second root":          {"type": ddChange, "timestamp": 1, "data": []any{ch(changeAddNode, []any{nil, "#document"})}},
		"child of a text node": {"type": ddChange, "timestamp": 1, "data": []any{ch(changeAddNode, []any{26 - 7, "P"})}},
		"bad tag name":         {"type": ddChange, "timestamp": 1, "data": []any{ch(changeAddNode, []any{21, "<script>"})}},
		"unknown sheet":        {"type": ddChange, "timestamp": 1, "data": []any{ch(changeAttachedStyleSheets, []any{4, 7})}},
		"remove the root":      {"type": ddChange, "timestamp": 1, "data": []any{ch(changeRemoveNode, 0)}},
		"not a change list":    {"type": ddChange, "timestamp": 1, "data": map[string]any{}},
	} {
		t.Run(name, func(t *testing.T) {
			c := NewViewConverter()
			convertOK(t, c, testPage(&strEnc{}))
			if _, err := c.Convert(segment(t, rec)); err == nil {
				t.Fatal("Convert succeeded, want an error")
			}
			// The view's state is gone: later Change records cannot be trusted.
			ok := map[string]any{"type": ddChange, "timestamp": 2, "data": []any{ch(changeRemoveNode, 7)}}
			if _, err := c.Convert(segment(t, ok)); !errors.Is(err, ErrNoFullSnapshot) {
				t.Fatalf("after an error, Convert = %v, want ErrNoFullSnapshot", err)
			}
		})
	}
}

func TestChangeLimits(t *testing.T) {
	// A chain deeper than maxDepth.
	deep := []any{[]any{nil, "#document"}}
	for i := 0; i < maxDepth+1; i++ {
		deep = append(deep, []any{1, "DIV"})
	}
	rec := map[string]any{"type": ddFullSnapshot, "format": 1, "timestamp": 1, "data": []any{append([]any{changeAddNode}, deep...)}}
	if _, err := NewViewConverter().Convert(segment(t, rec)); err == nil || !strings.Contains(err.Error(), "deeper") {
		t.Fatalf("deep tree: err = %v", err)
	}

	// More live nodes than maxNodes.
	wide := []any{[]any{nil, "#document"}, []any{1, "DIV"}}
	for i := 0; i < maxNodes; i++ {
		wide = append(wide, []any{0, "B"})
	}
	rec["data"] = []any{append([]any{changeAddNode}, wide...)}
	if _, err := NewViewConverter().Convert(segment(t, rec)); err == nil || !strings.Contains(err.Error(), "live nodes") {
		t.Fatalf("wide tree: err = %v", err)
	}

	// One string referenced again and again must not grow the output
	// without bound.
	big := strings.Repeat("x", 1<<20)
	e := &strEnc{}
	c := NewViewConverter()
	convertOK(t, c, testPage(e))
	ref := e.s(big)
	var items []any
	for i := 0; i < 200; i++ {
		items = append(items, []any{7, ref})
	}
	if _, err := c.Convert(segment(t, e.record(ddChange, 2, append([]any{changeText}, items...)))); err == nil || !strings.Contains(err.Error(), "output exceeds") {
		t.Fatalf("amplified output: err = %v", err)
	}
}
