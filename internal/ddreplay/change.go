package ddreplay

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Change types of the 7.x Change format (sessionReplayConstants.ts).
const (
	changeAddString               = 0 // obsolete since 7.10
	changeAddNode                 = 1
	changeRemoveNode              = 2
	changeAttribute               = 3
	changeText                    = 4
	changeSize                    = 5
	changeScrollPosition          = 6
	changeAddStyleSheet           = 7
	changeAttachedStyleSheets     = 8
	changeMediaPlaybackState      = 9
	changeVisualViewport          = 10
	changeAddRoleAnnotatedStrings = 11
	changeInputValue              = 12
	changeInputSelection          = 13
	changeClearStrings            = 14
	changeImageContent            = 15
)

// changeState is the decoding state of one view's Change records: the
// virtual DOM, the string table and the style sheets, all reset by each full
// snapshot.
type changeState struct {
	dom       *vdom
	strs      stringTable
	sheets    [][]string // sheet id → rules
	attrCount int
}

func newChangeState() *changeState {
	return &changeState{dom: newVDOM()}
}

// recordCtx collects what one record turns into.
type recordCtx struct {
	full     bool
	firstNew int // ids >= firstNew were created by this record
	b        *budget

	texts      []textMutation
	attributes []attributeMutation
	removes    []removeMutation
	side       []any // incremental snapshot data emitted after the mutation
}

// folded says whether a change to n is written into n itself (and so into
// the full snapshot or the add that creates it) rather than emitted as an
// rrweb event of its own.
func (r *recordCtx) folded(n *vnode) bool { return r.full || n.id >= r.firstNew }

type textMutation struct {
	ID    int    `json:"id"`
	Value string `json:"value"`
}

type attributeMutation struct {
	ID         int            `json:"id"`
	Attributes map[string]any `json:"attributes"`
}

type removeMutation struct {
	ParentID int  `json:"parentId"`
	ID       int  `json:"id"`
	IsShadow bool `json:"isShadow,omitempty"`
}

type addMutation struct {
	ParentID int     `json:"parentId"`
	NextID   *int    `json:"nextId"`
	Node     *rrNode `json:"node"`
}

type mutationData struct {
	Source     int                 `json:"source"`
	Texts      []textMutation      `json:"texts"`
	Attributes []attributeMutation `json:"attributes"`
	Removes    []removeMutation    `json:"removes"`
	Adds       []addMutation       `json:"adds"`
}

// fullSnapshot decodes a Change-format full snapshot into an rrweb
// FullSnapshot event, followed by AdoptedStyleSheet events.
func (s *changeState) fullSnapshot(data json.RawMessage, ts float64, b *budget) ([]json.RawMessage, error) {
	r := &recordCtx{full: true, b: b}
	if err := s.apply(r, data); err != nil {
		return nil, err
	}
	root := s.dom.root
	if root == nil || root.kind != kindDocument {
		return nil, errors.New("full snapshot has no #document root")
	}
	var adopted []*vnode
	tree, err := s.renderTree(root, b, &adopted)
	if err != nil {
		return nil, err
	}
	snap, err := event(rrFullSnapshot, struct {
		Node          *rrNode `json:"node"`
		InitialOffset struct {
			Left float64 `json:"left"`
			Top  float64 `json:"top"`
		} `json:"initialOffset"`
	}{Node: tree, InitialOffset: struct {
		Left float64 `json:"left"`
		Top  float64 `json:"top"`
	}{root.scrollX, root.scrollY}}, ts)
	if err != nil {
		return nil, err
	}
	out := []json.RawMessage{snap}
	for _, n := range adopted {
		d, err := s.adoptedSheetsData(n, b)
		if err != nil {
			return nil, err
		}
		ev, err := event(rrIncrementalSnapshot, d, ts)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// incremental decodes a Change (12) record into one rrweb Mutation event and
// the Input, Scroll, MediaInteraction and AdoptedStyleSheet events that go
// with it, all at the record's timestamp.
func (s *changeState) incremental(data json.RawMessage, ts float64, b *budget) ([]json.RawMessage, error) {
	r := &recordCtx{firstNew: s.dom.nextID, b: b}
	if err := s.apply(r, data); err != nil {
		return nil, err
	}
	adds, err := s.newSubtreeAdds(r)
	if err != nil {
		return nil, err
	}
	var out []json.RawMessage
	if len(adds)+len(r.removes)+len(r.texts)+len(r.attributes) > 0 {
		m := mutationData{Texts: r.texts, Attributes: r.attributes, Removes: r.removes, Adds: adds}
		if m.Texts == nil {
			m.Texts = []textMutation{}
		}
		if m.Attributes == nil {
			m.Attributes = []attributeMutation{}
		}
		if m.Removes == nil {
			m.Removes = []removeMutation{}
		}
		if m.Adds == nil {
			m.Adds = []addMutation{}
		}
		ev, err := event(rrIncrementalSnapshot, m, ts)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	for _, d := range r.side {
		ev, err := event(rrIncrementalSnapshot, d, ts)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// apply runs every change of a record, in array order.
func (s *changeState) apply(r *recordCtx, data json.RawMessage) error {
	var changes [][]json.RawMessage
	if err := json.Unmarshal(data, &changes); err != nil {
		return fmt.Errorf("decode changes: %w", err)
	}
	for i, ch := range changes {
		if len(ch) == 0 {
			continue
		}
		var typ int
		if err := json.Unmarshal(ch[0], &typ); err != nil {
			return fmt.Errorf("change %d: type %.20s: %w", i, ch[0], err)
		}
		if err := s.applyChange(r, typ, ch[1:]); err != nil {
			return fmt.Errorf("change %d (type %d): %w", i, typ, err)
		}
	}
	return nil
}

func (s *changeState) applyChange(r *recordCtx, typ int, items []json.RawMessage) error {
	switch typ {
	case changeAddString, changeAddRoleAnnotatedStrings:
		return s.strs.addStrings(typ, items)
	case changeClearStrings:
		s.strs.clear()
		return nil
	case changeVisualViewport, changeImageContent:
		// No rrweb equivalent (pinch zoom; canvas images uploaded apart).
		return nil
	}
	for j, item := range items {
		var err error
		switch typ {
		case changeAddNode:
			err = s.addNode(item)
		case changeRemoveNode:
			err = s.removeNode(r, item)
		case changeAttribute:
			err = s.attribute(r, item)
		case changeText:
			err = s.text(r, item)
		case changeSize:
			err = s.size(r, item)
		case changeScrollPosition:
			err = s.scrollPosition(r, item)
		case changeAddStyleSheet:
			err = s.addStyleSheet(item)
		case changeAttachedStyleSheets:
			err = s.attachStyleSheets(r, item)
		case changeMediaPlaybackState:
			err = s.mediaPlaybackState(r, item)
		case changeInputValue:
			err = s.inputValue(r, item)
		case changeInputSelection:
			err = s.inputSelection(r, item)
		default:
			// A change type from a newer SDK: skipping it may lose detail,
			// but failing would lose the rest of the view.
			return nil
		}
		if err != nil {
			return fmt.Errorf("item %d: %w", j, err)
		}
	}
	return nil
}

// tuple decodes an item that must be a JSON array of at least min elements.
func tuple(item json.RawMessage, min int) ([]json.RawMessage, error) {
	var t []json.RawMessage
	if err := json.Unmarshal(item, &t); err != nil {
		return nil, fmt.Errorf("%.40s: %w", item, err)
	}
	if len(t) < min {
		return nil, fmt.Errorf("%.40s: want at least %d elements", item, min)
	}
	return t, nil
}

func number(raw json.RawMessage) (float64, error) {
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, fmt.Errorf("number %.20s: %w", raw, err)
	}
	return f, nil
}

func integer(raw json.RawMessage) (int, error) {
	// Most numbers are plain integers: skip the reflection of json.Unmarshal.
	if i, err := strconv.Atoi(string(raw)); err == nil {
		return i, nil
	}
	var i int
	if err := json.Unmarshal(raw, &i); err != nil {
		return 0, fmt.Errorf("integer %.20s: %w", raw, err)
	}
	return i, nil
}

// nodeRef reads a node id and returns the live node, or nil when it is gone.
// Changes to nodes already removed are ignored, as the browser would.
func (s *changeState) nodeRef(raw json.RawMessage) (*vnode, error) {
	id, err := integer(raw)
	if err != nil {
		return nil, err
	}
	return s.dom.get(id), nil
}

func (s *changeState) addNode(item json.RawMessage) error {
	t, err := tuple(item, 2)
	if err != nil {
		return err
	}
	var point *int
	if err := json.Unmarshal(t[0], &point); err != nil {
		return fmt.Errorf("insertion point %.20s: %w", t[0], err)
	}
	name, err := s.strs.resolve(t[1])
	if err != nil {
		return fmt.Errorf("node name: %w", err)
	}
	n := &vnode{mediaState: -1}
	params := t[2:]
	param := func(i int) (string, error) {
		if i >= len(params) {
			return "", nil
		}
		return s.strs.resolve(params[i])
	}
	switch name {
	case "#document":
		n.kind = kindDocument
	case "#doctype":
		n.kind = kindDoctype
		if n.tag, err = param(0); err == nil {
			if n.publicID, err = param(1); err == nil {
				n.systemID, err = param(2)
			}
		}
	case "#text":
		n.kind = kindText
		n.text, err = param(0)
	case "#cdata-section":
		n.kind = kindCDATA
	case "#shadow-root":
		n.kind = kindShadowRoot
	case "#document-fragment":
		n.kind = kindFragment
	default:
		n.kind = kindElement
		tag, svg := strings.CutPrefix(name, "svg>")
		if !validTagName(tag) {
			return fmt.Errorf("invalid element name %.40q", name)
		}
		// rrweb records lowercase tag names and maps SVG's camelCase ones back.
		n.tag, n.isSVG = strings.ToLower(tag), svg
		for _, p := range params {
			a, err := tuple(p, 1)
			if err != nil {
				return fmt.Errorf("attribute: %w", err)
			}
			name, err := s.strs.resolve(a[0])
			if err != nil {
				return fmt.Errorf("attribute name: %w", err)
			}
			value := ""
			if len(a) > 1 {
				if value, err = s.strs.resolve(a[1]); err != nil {
					return fmt.Errorf("attribute %s value: %w", name, err)
				}
			}
			if err := s.setAttr(n, name, value); err != nil {
				return err
			}
		}
	}
	if err != nil {
		return fmt.Errorf("%s params: %w", name, err)
	}
	if n.kind == kindDocument && point != nil {
		return errors.New("#document below the root")
	}
	if err := s.dom.insert(n, point); err != nil {
		return err
	}
	// rrweb hangs a shadow root's children off its host element; any other
	// parent would leave them nowhere to go. (The error discards the state.)
	if n.kind == kindShadowRoot && (n.parent == nil || n.parent.kind != kindElement) {
		return fmt.Errorf("shadow root %d outside an element", n.id)
	}
	return nil
}

func (s *changeState) setAttr(n *vnode, name, value string) error {
	if _, ok := n.attr(name); !ok {
		if s.attrCount >= maxAttrs {
			return fmt.Errorf("more than %d attributes", maxAttrs)
		}
		s.attrCount++
	}
	return n.setAttr(name, value)
}

func (s *changeState) delAttr(n *vnode, name string) {
	if _, ok := n.attr(name); ok {
		s.attrCount--
		n.delAttr(name)
	}
}

// validTagName rejects names that createElement would throw on, so hostile
// input cannot break the player's rebuild. Non-ASCII letters stay allowed,
// as custom element names may use them.
func validTagName(tag string) bool {
	if tag == "" || len(tag) > 256 {
		return false
	}
	for i, c := range tag {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':', c >= 0x80:
		case c >= '0' && c <= '9', c == '-', c == '.':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}
