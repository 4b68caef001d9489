package ddreplay

import (
	"reflect"
	"strings"
	"testing"
)

// v1Page is a V1 full snapshot (SDK ≤ 6.x, Guance): rrweb-like nodes with
// Datadog ids, a shadow root as a DocumentFragment, adopted sheets.
//
//	0 document  1 doctype  2 html  3 body  4 div#host  5 fragment (shadow)
//	6 "in shadow"  7 p  8 "hello"  9 input
func v1Page() map[string]any {
	return map[string]any{"type": ddFullSnapshot, "timestamp": 100, "data": map[string]any{
		"initialOffset": map[string]any{"top": 40, "left": 0},
		"node": map[string]any{"type": 0, "id": 0, "adoptedStyleSheets": []any{map[string]any{"cssRules": []any{"a{}"}}},
			"childNodes": []any{
				map[string]any{"type": 1, "id": 1, "name": "html", "publicId": "", "systemId": ""},
				map[string]any{"type": 2, "id": 2, "tagName": "html", "attributes": map[string]any{}, "childNodes": []any{
					map[string]any{"type": 2, "id": 3, "tagName": "body", "attributes": map[string]any{}, "childNodes": []any{
						map[string]any{"type": 2, "id": 4, "tagName": "div", "attributes": map[string]any{"id": "host", "rr_scrollTop": 7}, "childNodes": []any{
							map[string]any{"type": 11, "id": 5, "isShadowRoot": true,
								"adoptedStyleSheets": []any{map[string]any{"cssRules": []any{"b{}", "c{}"}, "media": []any{"print"}}},
								"childNodes":         []any{map[string]any{"type": 3, "id": 6, "textContent": "in shadow"}}},
						}},
						map[string]any{"type": 2, "id": 7, "tagName": "p", "attributes": map[string]any{}, "childNodes": []any{
							map[string]any{"type": 3, "id": 8, "textContent": "hello"},
						}},
						map[string]any{"type": 2, "id": 9, "tagName": "input", "attributes": map[string]any{"type": "checkbox"}, "childNodes": []any{}},
					}},
				}},
			}},
	}}
}

func incr(ts float64, data map[string]any) map[string]any {
	return map[string]any{"type": ddIncrementalSnapshot, "timestamp": ts, "data": data}
}

func TestV1FullSnapshot(t *testing.T) {
	events := convertOK(t, NewViewConverter(), map[string]any{"type": ddMeta, "timestamp": 100, "data": map[string]any{"width": 800, "height": 600, "href": "https://x.test/"}}, v1Page())
	if len(events) != 4 {
		t.Fatalf("got %d events, want meta, full snapshot, 2 adopted sheets", len(events))
	}
	if got, want := data(t, events[0]), `{"height":600,"href":"https://x.test/","width":800}`; got != want {
		t.Errorf("meta = %s, want %s", got, want)
	}
	m := newMirror()
	m.applyAll(t, events)
	if got, want := m.html(), `<!html><html><body><div id="host" rr_scrollTop="7">in shadow</div><p>hello</p><input type="checkbox"></input></body></html>`; got != want {
		t.Fatalf("page\n got %s\nwant %s", got, want)
	}
	if n := m.nodes[7]; n == nil || !m.nodes[7].isShadow {
		t.Fatalf("shadow text (id 7) not isShadow: %+v", n)
	}
	snap := decode(t, events[1])["data"].(map[string]any)
	if host := findNode(snap["node"], 5); host["isShadowHost"] != true {
		t.Errorf("host = %v, want isShadowHost", host)
	}
	if got, want := mustJSON(snap["initialOffset"]), `{"left":0,"top":40}`; got != want {
		t.Errorf("initialOffset = %s, want %s", got, want)
	}
	if got, want := data(t, events[2]), `{"id":1,"source":15,"styleIds":[1],"styles":[{"rules":[{"index":0,"rule":"a{}"}],"styleId":1}]}`; got != want {
		t.Errorf("document sheets = %s, want %s", got, want)
	}
	if got, want := data(t, events[3]), `{"id":5,"source":15,"styleIds":[2],"styles":[{"rules":[{"index":0,"rule":"b{}"},{"index":1,"rule":"c{}"}],"styleId":2}]}`; got != want {
		t.Errorf("shadow sheets = %s, want %s", got, want)
	}
}

func TestV1Mutation(t *testing.T) {
	c := NewViewConverter()
	m := newMirror()
	m.applyAll(t, convertOK(t, c, v1Page()))
	// Datadog's adds carry whole subtrees; one add targets the shadow root
	// (5) by its own id; a new shadow root arrives on the new <section>.
	events := convertOK(t, c, incr(200, map[string]any{
		"source": 0,
		"adds": []any{
			map[string]any{"parentId": 3, "nextId": 7, "node": map[string]any{"type": 2, "id": 10, "tagName": "ul", "attributes": map[string]any{}, "childNodes": []any{
				map[string]any{"type": 2, "id": 11, "tagName": "li", "attributes": map[string]any{}, "childNodes": []any{map[string]any{"type": 3, "id": 12, "textContent": "one"}}},
				map[string]any{"type": 2, "id": 13, "tagName": "li", "attributes": map[string]any{}, "childNodes": []any{map[string]any{"type": 3, "id": 14, "textContent": "two"}}},
			}}},
			map[string]any{"parentId": 5, "nextId": nil, "node": map[string]any{"type": 2, "id": 15, "tagName": "i", "attributes": map[string]any{}, "childNodes": []any{}}},
			map[string]any{"parentId": 3, "nextId": nil, "node": map[string]any{"type": 2, "id": 16, "tagName": "section", "attributes": map[string]any{}, "childNodes": []any{
				map[string]any{"type": 11, "id": 17, "isShadowRoot": true, "childNodes": []any{map[string]any{"type": 3, "id": 18, "textContent": "inner"}}},
			}}},
		},
		"removes":    []any{map[string]any{"id": 6, "parentId": 5}},
		"attributes": []any{map[string]any{"id": 7, "attributes": map[string]any{"class": "x", "title": nil}}},
		"texts":      []any{map[string]any{"id": 8, "value": "bye"}},
	}))
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1", len(events))
	}
	mut := decode(t, events[0])["data"].(map[string]any)
	if got, want := mustJSON(mut["removes"]), `[{"id":7,"isShadow":true,"parentId":5}]`; got != want {
		t.Errorf("removes = %s, want %s (a shadow root's child is removed from its host)", got, want)
	}
	m.applyAll(t, events)
	want := `<!html><html><body><div id="host" rr_scrollTop="7"><i #shadow></i></div><ul><li>one</li><li>two</li></ul><p class="x">bye</p><input type="checkbox"></input><section>inner</section></body></html>`
	if got := m.html(); got != want {
		t.Fatalf("page\n got %s\nwant %s", got, want)
	}
	if n := m.nodes[19]; n == nil || !n.isShadow || n.parent.id != 17 {
		t.Fatalf("text in the new shadow root = %+v, want isShadow under host 17", n)
	}

	// Later mutations address the new shadow root by its own id, too.
	events = convertOK(t, c, incr(300, map[string]any{"source": 0, "adds": []any{
		map[string]any{"parentId": 17, "nextId": 18, "node": map[string]any{"type": 3, "id": 20, "textContent": "first"}},
	}}))
	m.applyAll(t, events)
	if got := m.html(); !strings.Contains(got, "<section>firstinner</section>") {
		t.Fatalf("page = %s", got)
	}
}

// Every other V1 record type, and the record types that collide with rrweb's.
func TestV1RecordTypes(t *testing.T) {
	pos := []any{map[string]any{"x": 1, "y": 2, "id": 7, "timeOffset": 0}}
	for _, tc := range []struct {
		name   string
		record map[string]any
		want   string // the event's data; "" when dropped
		typ    float64
	}{
		{"input text", incr(1, map[string]any{"source": 5, "id": 9, "text": "hi"}), `{"id":10,"isChecked":false,"source":5,"text":"hi"}`, 3},
		{"input checked", incr(1, map[string]any{"source": 5, "id": 9, "isChecked": true}), `{"id":10,"isChecked":true,"source":5,"text":"on"}`, 3},
		{"mouse move", incr(1, map[string]any{"source": 1, "positions": pos}), `{"positions":[{"id":8,"timeOffset":0,"x":1,"y":2}],"source":1}`, 3},
		{"touch move", incr(1, map[string]any{"source": 6, "positions": pos}), `{"positions":[{"id":8,"timeOffset":0,"x":1,"y":2}],"source":6}`, 3},
		{"mouse interaction", map[string]any{"type": 3, "timestamp": 1, "id": 42, "data": map[string]any{"source": 2, "type": 2, "id": 7, "x": 3, "y": 4}}, `{"id":8,"source":2,"type":2,"x":3,"y":4}`, 3},
		{"scroll", incr(1, map[string]any{"source": 3, "id": 0, "x": 0, "y": 300}), `{"id":1,"source":3,"x":0,"y":300}`, 3},
		{"viewport resize", incr(1, map[string]any{"source": 4, "width": 640, "height": 480}), `{"height":480,"source":4,"width":640}`, 3},
		{"media interaction", incr(1, map[string]any{"source": 7, "id": 9, "type": 1}), `{"id":10,"source":7,"type":1}`, 3},
		{"style sheet rule", incr(1, map[string]any{"source": 8, "id": 4, "adds": []any{map[string]any{"rule": "p{}", "index": 0}}}), `{"adds":[{"index":0,"rule":"p{}"}],"id":5,"source":8}`, 3},
		{"pointer interaction (mobile, rrweb canvas)", incr(1, map[string]any{"source": 9, "id": 1}), "", 0},
		{"focus", map[string]any{"type": 6, "timestamp": 1, "data": map[string]any{"has_focus": true}}, `{"payload":{"has_focus":true},"tag":"dd_focus"}`, 5},
		{"view end", map[string]any{"type": 7, "timestamp": 1}, `{"payload":{},"tag":"dd_view_end"}`, 5},
		{"visual viewport", map[string]any{"type": 8, "timestamp": 1, "data": map[string]any{"scale": 2}}, "", 0},
		{"frustration", map[string]any{"type": 9, "timestamp": 1, "data": map[string]any{"frustrationTypes": []any{"rage_click"}, "recordIds": []any{3}}}, `{"payload":{"frustrationTypes":["rage_click"],"recordIds":[3]},"tag":"dd_frustration"}`, 5},
		{"unknown type", map[string]any{"type": 99, "timestamp": 1, "data": map[string]any{}}, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewViewConverter()
			convertOK(t, c, v1Page())
			events := convertOK(t, c, tc.record)
			if tc.want == "" {
				if len(events) != 0 {
					t.Fatalf("got %s, want the record dropped", events)
				}
				return
			}
			if len(events) != 1 {
				t.Fatalf("got %d events, want 1", len(events))
			}
			ev := decode(t, events[0])
			if got := data(t, events[0]); got != tc.want || ev["type"] != tc.typ || ev["timestamp"] != 1.0 {
				t.Fatalf("got type %v ts %v %s\nwant type %v ts 1 %s", ev["type"], ev["timestamp"], got, tc.typ, tc.want)
			}
		})
	}
}

// Guance's fork sends V1 full snapshots without "format", and 7.0–7.9 mixed
// Change snapshots with V1-style Input records: both paths share ids.
func TestV1InputAfterChangeSnapshot(t *testing.T) {
	c := NewViewConverter()
	convertOK(t, c, testPage(&strEnc{}))
	events := convertOK(t, c, incr(5, map[string]any{"source": 5, "id": 25, "text": "x"}))
	m := newMirror()
	m.applyAll(t, convertOK(t, NewViewConverter(), testPage(&strEnc{})))
	m.applyAll(t, events)
	if got := m.nodes[26].attrs["value"]; got != "x" {
		t.Fatalf("input value = %q, want x", got)
	}
	if !reflect.DeepEqual(m.nodes[26].attrs, map[string]string{"id": "name", "value": "x"}) {
		t.Fatalf("attrs = %v", m.nodes[26].attrs)
	}
}
