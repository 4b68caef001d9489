package ddreplay

import (
	"encoding/json"
	"fmt"
)

// V1 node types: rrweb's, plus DocumentFragment (11) for shadow roots.
const v1DocumentFragment = 11

// v1Node is a serialized node of the V1 format (SDK ≤ 6.x, Guance's fork).
type v1Node struct {
	Type               int                        `json:"type"`
	ID                 int                        `json:"id"`
	ChildNodes         []*v1Node                  `json:"childNodes"`
	TagName            string                     `json:"tagName"`
	Attributes         map[string]json.RawMessage `json:"attributes"`
	IsSVG              bool                       `json:"isSVG"`
	TextContent        string                     `json:"textContent"`
	IsStyle            bool                       `json:"isStyle"`
	Name               string                     `json:"name"`
	PublicID           string                     `json:"publicId"`
	SystemID           string                     `json:"systemId"`
	IsShadowRoot       bool                       `json:"isShadowRoot"`
	AdoptedStyleSheets []v1StyleSheet             `json:"adoptedStyleSheets"`
}

type v1StyleSheet struct {
	CSSRules []string `json:"cssRules"`
}

// v1State is what V1 records need across a view: shadow-root ids, which
// rrweb folds into their hosts, and the ids given to adopted sheets (V1 has
// none of its own).
type v1State struct {
	shadowHost map[int]int // DD shadow-root id → DD host id
	nextSheet  int
}

func (s *v1State) reset() {
	s.shadowHost = nil
	s.nextSheet = 0
}

func (s *v1State) aliasShadowRoot(rootID, hostID int) error {
	if s.shadowHost == nil {
		s.shadowHost = map[int]int{}
	}
	if len(s.shadowHost) >= maxAliases {
		return fmt.Errorf("more than %d shadow roots", maxAliases)
	}
	s.shadowHost[rootID] = hostID
	return nil
}

// parent resolves a V1 parent id to rrweb's: a shadow root is its host.
func (s *v1State) parent(ddID int) (id int, isShadow bool) {
	if host, ok := s.shadowHost[ddID]; ok {
		return rrID(host), true
	}
	return rrID(ddID), false
}

func (s *v1State) fullSnapshot(data json.RawMessage, ts float64, b *budget) ([]json.RawMessage, error) {
	if err := b.spend(len(data)); err != nil {
		return nil, err
	}
	var snap struct {
		Node          *v1Node `json:"node"`
		InitialOffset struct {
			Top  float64 `json:"top"`
			Left float64 `json:"left"`
		} `json:"initialOffset"`
	}
	if err := json.Unmarshal(data, &snap); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if snap.Node == nil || snap.Node.Type != rrDocument {
		return nil, fmt.Errorf("root is not a document")
	}
	s.reset()
	if err := uniqueIDs(snap.Node); err != nil {
		return nil, err
	}
	var adopted []adoptedData
	root, err := s.convertTree(snap.Node, &adopted)
	if err != nil {
		return nil, err
	}
	snapData := struct {
		Node          *rrNode `json:"node"`
		InitialOffset any     `json:"initialOffset"`
	}{root, snap.InitialOffset}
	ev, err := event(rrFullSnapshot, snapData, ts)
	if err != nil {
		return nil, err
	}
	return withAdoptedSheets(ev, adopted, ts)
}

// withAdoptedSheets follows a full snapshot or mutation event with the
// AdoptedStyleSheet events of the sheets its nodes brought, at the same time:
// rrweb applies them once the nodes exist.
func withAdoptedSheets(ev json.RawMessage, adopted []adoptedData, ts float64) ([]json.RawMessage, error) {
	events := []json.RawMessage{ev}
	for _, d := range adopted {
		ev, err := event(rrIncrementalSnapshot, d, ts)
		if err != nil {
			return nil, err
		}
		events = append(events, ev)
	}
	return events, nil
}

// uniqueIDs rejects snapshots whose node ids repeat or are negative: rrweb's
// mirror would map two nodes to one id and mutations would hit the wrong one.
func uniqueIDs(root *v1Node) error {
	seen := map[int]bool{}
	stack := []*v1Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == nil {
			continue
		}
		if n.ID < 0 || seen[n.ID] {
			return fmt.Errorf("node id %d is negative or repeated", n.ID)
		}
		seen[n.ID] = true
		stack = append(stack, n.ChildNodes...)
	}
	return nil
}

// convertSelf converts one V1 node without its children. It returns nil for
// nodes rrweb has no place for.
func convertSelf(n *v1Node) (*rrNode, error) {
	rn := &rrNode{typ: n.Type, id: rrID(n.ID)}
	switch n.Type {
	case rrDocument:
		rn.children = []*rrNode{}
	case rrDocumentType:
		rn.name, rn.publicID, rn.systemID = n.Name, n.PublicID, n.SystemID
	case rrElement:
		if !validTagName(n.TagName) {
			return nil, fmt.Errorf("node %d: invalid tag name %.40q", n.ID, n.TagName)
		}
		rn.tagName, rn.isSVG = n.TagName, n.IsSVG
		rn.children = []*rrNode{}
		rn.attrs = make([]rrAttr, 0, len(n.Attributes))
		for name, v := range n.Attributes {
			if !scalarJSON(v) {
				continue // rrweb attributes are strings, numbers, booleans or null
			}
			rn.attrs = append(rn.attrs, rrAttr{name, v})
		}
	case rrText, rrCDATA, rrComment:
		rn.text, rn.isStyle = n.TextContent, n.IsStyle
	default:
		return nil, nil
	}
	return rn, nil
}

func scalarJSON(v json.RawMessage) bool {
	if len(v) == 0 {
		return false
	}
	switch v[0] {
	case '{', '[':
		return false
	}
	return true
}

// convertTree converts a V1 subtree for a full snapshot, folding shadow roots
// into their hosts and collecting adopted sheets.
func (s *v1State) convertTree(n *v1Node, adopted *[]adoptedData) (*rrNode, error) {
	if n == nil {
		return nil, nil
	}
	rn, err := convertSelf(n)
	if err != nil || rn == nil {
		return nil, err
	}
	if n.Type == rrDocument && len(n.AdoptedStyleSheets) > 0 {
		*adopted = append(*adopted, s.adopted(rn.id, n.AdoptedStyleSheets))
	}
	if rn.typ != rrDocument && rn.typ != rrElement {
		return rn, nil
	}
	for _, c := range n.ChildNodes {
		if c == nil {
			continue
		}
		if c.Type == v1DocumentFragment {
			if !c.IsShadowRoot || rn.typ != rrElement {
				continue
			}
			rn.isShadowHost = true
			if err := s.aliasShadowRoot(c.ID, n.ID); err != nil {
				return nil, err
			}
			if len(c.AdoptedStyleSheets) > 0 {
				*adopted = append(*adopted, s.adopted(rn.id, c.AdoptedStyleSheets))
			}
			for _, gc := range c.ChildNodes {
				child, err := s.convertTree(gc, adopted)
				if err != nil {
					return nil, err
				}
				if child != nil {
					child.isShadow = true
					rn.children = append(rn.children, child)
				}
			}
			continue
		}
		child, err := s.convertTree(c, adopted)
		if err != nil {
			return nil, err
		}
		if child != nil {
			rn.children = append(rn.children, child)
		}
	}
	return rn, nil
}

// adopted builds an AdoptedStyleSheet event for the document or a shadow
// host, giving each V1 sheet a fresh style id.
func (s *v1State) adopted(targetID int, sheets []v1StyleSheet) adoptedData {
	d := adoptedData{Source: 15, ID: targetID, Styles: []adoptedStyle{}, StyleIDs: []int{}}
	for _, sh := range sheets {
		s.nextSheet++
		st := adoptedStyle{StyleID: s.nextSheet, Rules: []adoptedRule{}}
		for i, rule := range sh.CSSRules {
			st.Rules = append(st.Rules, adoptedRule{rule, i})
		}
		d.Styles = append(d.Styles, st)
		d.StyleIDs = append(d.StyleIDs, s.nextSheet)
	}
	return d
}

type v1Add struct {
	ParentID   int     `json:"parentId"`
	NextID     *int    `json:"nextId"`
	PreviousID *int    `json:"previousId"`
	Node       *v1Node `json:"node"`
}

type v1MutationData struct {
	Adds    []v1Add `json:"adds"`
	Removes []struct {
		ID       int `json:"id"`
		ParentID int `json:"parentId"`
	} `json:"removes"`
	Attributes []struct {
		ID         int                        `json:"id"`
		Attributes map[string]json.RawMessage `json:"attributes"`
	} `json:"attributes"`
	Texts []struct {
		ID    int     `json:"id"`
		Value *string `json:"value"`
	} `json:"texts"`
}

type v1AddOut struct {
	ParentID   int     `json:"parentId"`
	NextID     *int    `json:"nextId"`
	PreviousID *int    `json:"previousId,omitempty"`
	Node       *rrNode `json:"node"`
}

type v1TextOut struct {
	ID    int     `json:"id"`
	Value *string `json:"value"`
}

type v1AttrOut struct {
	ID         int                        `json:"id"`
	Attributes map[string]json.RawMessage `json:"attributes"`
}

// mutation converts a V1 Mutation. Datadog's adds carry whole subtrees;
// rrweb builds each add with skipChild, so they are flattened to one add per
// node, parents first and siblings in reverse so each nextId exists.
func (s *v1State) mutation(data json.RawMessage, ts float64, b *budget) ([]json.RawMessage, error) {
	var m v1MutationData
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("decode mutation: %w", err)
	}
	out := struct {
		Source     int              `json:"source"`
		Texts      []v1TextOut      `json:"texts"`
		Attributes []v1AttrOut      `json:"attributes"`
		Removes    []removeMutation `json:"removes"`
		Adds       []v1AddOut       `json:"adds"`
	}{Texts: []v1TextOut{}, Attributes: []v1AttrOut{}, Removes: []removeMutation{}, Adds: []v1AddOut{}}
	var adopted []adoptedData
	for _, r := range m.Removes {
		parent, isShadow := s.parent(r.ParentID)
		out.Removes = append(out.Removes, removeMutation{ParentID: parent, ID: rrID(r.ID), IsShadow: isShadow})
	}
	for _, add := range m.Adds {
		if add.Node == nil {
			continue
		}
		parent, isShadow := s.parent(add.ParentID)
		next, prev := shifted(add.NextID), shifted(add.PreviousID)
		var err error
		if add.Node.Type == v1DocumentFragment {
			// A shadow root attached to an existing host.
			if !add.Node.IsShadowRoot {
				continue
			}
			if err := s.aliasShadowRoot(add.Node.ID, add.ParentID); err != nil {
				return nil, err
			}
			if len(add.Node.AdoptedStyleSheets) > 0 {
				adopted = append(adopted, s.adopted(parent, add.Node.AdoptedStyleSheets))
			}
			out.Adds, err = s.flattenChildren(out.Adds, add.Node, add.ParentID, true, &adopted)
		} else {
			out.Adds, err = s.flatten(out.Adds, add.Node, parent, isShadow, next, prev, &adopted)
		}
		if err != nil {
			return nil, err
		}
	}
	for _, a := range m.Attributes {
		attrs := map[string]json.RawMessage{}
		for k, v := range a.Attributes {
			attrs[k] = v
		}
		out.Attributes = append(out.Attributes, v1AttrOut{ID: rrID(a.ID), Attributes: attrs})
	}
	for _, t := range m.Texts {
		out.Texts = append(out.Texts, v1TextOut{ID: rrID(t.ID), Value: t.Value})
	}
	ev, err := event(rrIncrementalSnapshot, out, ts)
	if err != nil {
		return nil, err
	}
	return withAdoptedSheets(ev, adopted, ts)
}

func shifted(id *int) *int {
	if id == nil {
		return nil
	}
	v := rrID(*id)
	return &v
}

// flatten appends the add for n (without children) and then its subtree.
func (s *v1State) flatten(adds []v1AddOut, n *v1Node, parent int, isShadow bool, next, prev *int, adopted *[]adoptedData) ([]v1AddOut, error) {
	rn, err := convertSelf(n)
	if err != nil || rn == nil {
		return adds, err
	}
	rn.isShadow = isShadow
	adds = append(adds, v1AddOut{ParentID: parent, NextID: next, PreviousID: prev, Node: rn})
	if rn.typ != rrElement && rn.typ != rrDocument {
		return adds, nil
	}
	for _, c := range n.ChildNodes {
		if c != nil && c.Type == v1DocumentFragment && c.IsShadowRoot && rn.typ == rrElement {
			if err := s.aliasShadowRoot(c.ID, n.ID); err != nil {
				return nil, err
			}
			if len(c.AdoptedStyleSheets) > 0 {
				*adopted = append(*adopted, s.adopted(rn.id, c.AdoptedStyleSheets))
			}
			if adds, err = s.flattenChildren(adds, c, n.ID, true, adopted); err != nil {
				return nil, err
			}
		}
	}
	return s.flattenChildren(adds, n, n.ID, false, adopted)
}

// flattenChildren appends adds for the (non-fragment) children of n, last
// first, under the DD parent id given.
func (s *v1State) flattenChildren(adds []v1AddOut, n *v1Node, parentDD int, isShadow bool, adopted *[]adoptedData) ([]v1AddOut, error) {
	var next *int
	for i := len(n.ChildNodes) - 1; i >= 0; i-- {
		c := n.ChildNodes[i]
		if c == nil || c.Type == v1DocumentFragment {
			continue
		}
		before := len(adds)
		var err error
		if adds, err = s.flatten(adds, c, rrID(parentDD), isShadow, next, nil, adopted); err != nil {
			return nil, err
		}
		if len(adds) > before { // a node rrweb has no place for is no sibling
			id := rrID(c.ID)
			next = &id
		}
	}
	return adds, nil
}
