package ddreplay

import (
	"strings"
	"testing"
)

// The chromium-* fixtures are segments that @datadog/browser-rum 7.16.2 sent
// from Debian's Chromium on e2e/datadog's shop (mask-user-input): view 1 in two
// segments (typing "abc", two clicks that replace text nodes in the page and in
// a shadow root with an adopted sheet), then the /orders route change.

func TestChromiumViewAcrossSegments(t *testing.T) {
	c := NewViewConverter()
	events := convertFile(t, c, "testdata/chromium-view1.seg0.json")
	events = append(events, convertFile(t, c, "testdata/chromium-view1.seg1.json")...)
	m := newMirror()
	m.applyAll(t, events)
	page := m.html()
	for _, want := range []string{
		`<h1>Datadog test shop</h1>`,
		`<p id="cart">Cart: 2 items</p>`,
		`<div id="promo"><p #shadow>Free shipping from 3 items (2 so far)</p></div>`,
		`<input id="search" type="text" value="***"></input>`, // masked in the browser
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s\npage: %s", want, page)
		}
	}
	var adopted []string
	for _, ev := range eventsOfType(t, events, rrIncrementalSnapshot) {
		if d := ev["data"].(map[string]any); d["source"] == 15.0 {
			adopted = append(adopted, mustJSON(d))
		}
	}
	host := 0
	for id, n := range m.nodes {
		if n.attrs["id"] == "promo" {
			host = id
		}
	}
	if len(adopted) != 1 || !strings.Contains(adopted[0], `"rule":"p { color: rgb(0, 128, 0); }"`) || !strings.Contains(adopted[0], `"id":`+itoa(host)+`,`) {
		t.Fatalf("adopted sheet events = %v, want one for the promo host %d", adopted, host)
	}
	if got := strings.Join(m.custom, ","); got != "dd_focus,dd_view_end" {
		t.Fatalf("custom events = %s", got)
	}

	// Without segment 0, segment 1 has no state to decode against; it holds
	// only mouse records, which need none, so it still converts.
	if _, err := NewViewConverter().Convert(readFile(t, "testdata/chromium-view1.seg1.json")); err != nil {
		t.Fatalf("segment 1 alone: %v", err)
	}
}

func TestChromiumSecondView(t *testing.T) {
	m := newMirror()
	m.applyAll(t, convertFile(t, NewViewConverter(), "testdata/chromium-view2.seg0.json"))
	if page := m.html(); !strings.Contains(page, `<h1>Orders of the Datadog test shop</h1><p id="orders-status">2 items waiting for payment</p>`) {
		t.Fatalf("page = %s", page)
	}
}

func itoa(i int) string { return mustJSON(i) }
