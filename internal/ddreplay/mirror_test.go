package ddreplay

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
)

// mirror applies rrweb events the way rrweb's Replayer does, to a tree kept
// in Go, so that tests check the page a player would show rather than the
// shape of the JSON. It is deliberately strict: an add whose parent or next
// sibling never appears fails the test.
type mirror struct {
	nodes map[int]*mnode
	root  *mnode
	// scroll and media record the side events the page received.
	scroll map[int][2]float64
	media  map[int]int
	custom []string
}

type mnode struct {
	typ      int
	id       int
	tag      string
	attrs    map[string]string
	text     string
	children []*mnode
	parent   *mnode
	isShadow bool
}

type wireNode struct {
	Type        int                        `json:"type"`
	ID          int                        `json:"id"`
	TagName     string                     `json:"tagName"`
	Attributes  map[string]json.RawMessage `json:"attributes"`
	ChildNodes  []*wireNode                `json:"childNodes"`
	TextContent string                     `json:"textContent"`
	Name        string                     `json:"name"`
	IsShadow    bool                       `json:"isShadow"`
}

func newMirror() *mirror {
	return &mirror{nodes: map[int]*mnode{}, scroll: map[int][2]float64{}, media: map[int]int{}}
}

func (m *mirror) build(tb testing.TB, w *wireNode) *mnode {
	tb.Helper()
	if _, dup := m.nodes[w.ID]; dup {
		tb.Fatalf("duplicate node id %d", w.ID)
	}
	n := &mnode{typ: w.Type, id: w.ID, tag: w.TagName, text: w.TextContent, attrs: map[string]string{}, isShadow: w.IsShadow}
	if w.Type == rrDocumentType {
		n.tag = w.Name
	}
	for k, v := range w.Attributes {
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
		}
		n.attrs[k] = s
	}
	m.nodes[w.ID] = n
	return n
}

func (m *mirror) buildTree(tb testing.TB, w *wireNode) *mnode {
	n := m.build(tb, w)
	for _, c := range w.ChildNodes {
		cn := m.buildTree(tb, c)
		cn.parent = n
		n.children = append(n.children, cn)
	}
	return n
}

func (m *mirror) forget(n *mnode) {
	delete(m.nodes, n.id)
	for _, c := range n.children {
		m.forget(c)
	}
}

func (m *mirror) applyAll(tb testing.TB, events []json.RawMessage) {
	tb.Helper()
	for _, ev := range events {
		m.apply(tb, ev)
	}
}

func (m *mirror) apply(tb testing.TB, raw json.RawMessage) {
	tb.Helper()
	var ev struct {
		Type      int             `json:"type"`
		Data      json.RawMessage `json:"data"`
		Timestamp *float64        `json:"timestamp"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil || ev.Timestamp == nil {
		tb.Fatalf("event %s: not {type,data,timestamp}: %v", raw, err)
	}
	switch ev.Type {
	case rrFullSnapshot:
		var d struct {
			Node *wireNode `json:"node"`
		}
		mustUnmarshal(tb, ev.Data, &d)
		m.nodes = map[int]*mnode{}
		m.root = m.buildTree(tb, d.Node)
	case rrCustom:
		var d struct {
			Tag string `json:"tag"`
		}
		mustUnmarshal(tb, ev.Data, &d)
		m.custom = append(m.custom, d.Tag)
	case rrIncrementalSnapshot:
		m.applyIncremental(tb, ev.Data)
	case rrMeta:
	default:
		tb.Fatalf("event type %d is not one the converter may emit: %s", ev.Type, raw)
	}
}

func (m *mirror) applyIncremental(tb testing.TB, data json.RawMessage) {
	tb.Helper()
	var d struct {
		Source    int `json:"source"`
		ID        int `json:"id"`
		Text      string
		IsChecked bool
		X, Y      float64
		Type      int
		Texts     []struct {
			ID    int
			Value string
		}
		Attributes []struct {
			ID         int
			Attributes map[string]json.RawMessage
		}
		Removes []struct{ ParentID, ID int }
		Adds    []struct {
			ParentID int       `json:"parentId"`
			NextID   *int      `json:"nextId"`
			Node     *wireNode `json:"node"`
		}
	}
	mustUnmarshal(tb, data, &d)
	switch d.Source {
	case srcMutation:
		for _, r := range d.Removes {
			n := m.nodes[r.ID]
			if n == nil {
				continue // rrweb warns and goes on
			}
			if n.parent == nil || n.parent.id != r.ParentID {
				tb.Fatalf("remove %d: parent is not %d", r.ID, r.ParentID)
			}
			n.parent.children = slices.DeleteFunc(n.parent.children, func(c *mnode) bool { return c == n })
			m.forget(n)
		}
		queue := d.Adds
		for len(queue) > 0 {
			var later = queue[:0:0]
			for _, a := range queue {
				parent := m.nodes[a.ParentID]
				var next *mnode
				if a.NextID != nil {
					next = m.nodes[*a.NextID]
				}
				if parent == nil || (a.NextID != nil && next == nil) {
					later = append(later, a)
					continue
				}
				if len(a.Node.ChildNodes) > 0 {
					tb.Fatalf("add %d carries children; rrweb would ignore them", a.Node.ID)
				}
				n := m.build(tb, a.Node)
				n.parent = parent
				i := slices.Index(parent.children, next)
				if next == nil || i < 0 {
					parent.children = append(parent.children, n)
				} else {
					parent.children = slices.Insert(parent.children, i, n)
				}
			}
			if len(later) == len(queue) {
				tb.Fatalf("adds never resolvable: %+v", later)
			}
			queue = later
		}
		for _, t := range d.Texts {
			if n := m.nodes[t.ID]; n != nil {
				n.text = t.Value
			}
		}
		for _, a := range d.Attributes {
			n := m.nodes[a.ID]
			if n == nil {
				continue
			}
			for k, v := range a.Attributes {
				var s string
				switch {
				case string(v) == "null":
					delete(n.attrs, k)
					continue
				case json.Unmarshal(v, &s) == nil:
				default:
					var obj map[string]string // rrweb's style object
					mustUnmarshal(tb, v, &obj)
					var parts []string
					for p, pv := range obj {
						parts = append(parts, p+":"+pv)
					}
					sort.Strings(parts)
					s = strings.Join(parts, ";")
				}
				n.attrs[k] = s
			}
		}
	case srcInput:
		n := m.nodes[d.ID]
		if n == nil {
			tb.Fatalf("input on unknown node %d", d.ID)
		}
		n.attrs["value"] = d.Text
		if d.IsChecked {
			n.attrs["checked"] = ""
		} else {
			delete(n.attrs, "checked")
		}
	case srcScroll:
		m.scroll[d.ID] = [2]float64{d.X, d.Y}
	case srcMediaInteraction:
		m.media[d.ID] = d.Type
	}
}

func mustUnmarshal(tb testing.TB, b []byte, v any) {
	tb.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("decode %.200s: %v", b, err)
	}
}

// html renders the tree as compact markup with sorted attributes, leaving
// out the attributes named in skip; ids are left out so that trees from
// different recordings compare.
func (m *mirror) html(skip ...string) string {
	var sb strings.Builder
	var walk func(n *mnode)
	walk = func(n *mnode) {
		switch n.typ {
		case rrDocumentType:
			fmt.Fprintf(&sb, "<!%s>", n.tag)
		case rrText:
			sb.WriteString(strings.TrimSpace(n.text))
		case rrElement:
			sb.WriteString("<" + n.tag)
			keys := make([]string, 0, len(n.attrs))
			for k := range n.attrs {
				if !slices.Contains(skip, k) {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(&sb, " %s=%q", k, n.attrs[k])
			}
			if n.isShadow {
				sb.WriteString(" #shadow")
			}
			sb.WriteString(">")
		}
		for _, c := range n.children {
			walk(c)
		}
		if n.typ == rrElement {
			sb.WriteString("</" + n.tag + ">")
		}
	}
	if m.root != nil {
		walk(m.root)
	}
	return sb.String()
}
