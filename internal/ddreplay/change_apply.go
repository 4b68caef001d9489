package ddreplay

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The appliers below each take one item of a change. A change to a node
// created by the same record (or inside a full snapshot) is folded into the
// node; a change to an older node becomes an rrweb event.

func (s *changeState) removeNode(r *recordCtx, item json.RawMessage) error {
	n, err := s.nodeRef(item)
	if err != nil || n == nil {
		return err
	}
	if n.parent == nil {
		return fmt.Errorf("remove of root node %d", n.id)
	}
	if !r.folded(n) {
		switch n.kind {
		case kindShadowRoot:
			// rrweb cannot remove a shadow root; empty it instead.
			for c := n.firstChild; c != nil; c = c.next {
				r.removes = append(r.removes, removeMutation{ParentID: rrID(n.parent.id), ID: rrID(c.id), IsShadow: true})
			}
		case kindFragment:
		default:
			parent, isShadow := rrwebParent(n.parent)
			r.removes = append(r.removes, removeMutation{ParentID: parent, ID: rrID(n.id), IsShadow: isShadow})
		}
	}
	s.attrCount -= s.dom.remove(n)
	return nil
}

func (s *changeState) attribute(r *recordCtx, item json.RawMessage) error {
	n, t, err := s.nodeTuple(item, 1)
	if err != nil {
		return err
	}
	var changed map[string]any
	for _, raw := range t[1:] {
		a, err := tuple(raw, 1)
		if err != nil {
			return fmt.Errorf("attribute: %w", err)
		}
		name, err := s.strs.resolve(a[0])
		if err != nil {
			return fmt.Errorf("attribute name: %w", err)
		}
		var value any // nil: deleted
		if len(a) > 1 {
			v, err := s.strs.resolve(a[1])
			if err != nil {
				return fmt.Errorf("attribute %s value: %w", name, err)
			}
			value = v
		}
		if n == nil || n.kind != kindElement {
			continue
		}
		if v, ok := value.(string); ok {
			err = s.setAttr(n, name, v)
		} else {
			s.delAttr(n, name)
		}
		if err != nil {
			return err
		}
		if r.folded(n) {
			continue
		}
		v, _ := value.(string)
		if err := r.b.spend(len(name) + len(v) + 8); err != nil {
			return err
		}
		if changed == nil {
			changed = map[string]any{}
		}
		changed[name] = value
	}
	if changed != nil {
		r.attributes = append(r.attributes, attributeMutation{ID: rrID(n.id), Attributes: changed})
	}
	return nil
}

func (s *changeState) text(r *recordCtx, item json.RawMessage) error {
	n, t, err := s.nodeTuple(item, 2)
	if err != nil {
		return err
	}
	value, err := s.strs.resolve(t[1])
	if err != nil {
		return fmt.Errorf("text: %w", err)
	}
	if n == nil || (n.kind != kindText && n.kind != kindCDATA) {
		return nil
	}
	n.text = value
	if r.folded(n) {
		return nil
	}
	if err := r.b.spend(len(value) + 16); err != nil {
		return err
	}
	r.texts = append(r.texts, textMutation{ID: rrID(n.id), Value: value})
	return nil
}

// size records the box of a hidden element's placeholder.
func (s *changeState) size(r *recordCtx, item json.RawMessage) error {
	n, t, err := s.nodeTuple(item, 3)
	if err != nil {
		return err
	}
	w, h, err := twoNumbers(t[1], t[2])
	if err != nil {
		return err
	}
	if n == nil || n.kind != kindElement {
		return nil
	}
	n.hasSize, n.width, n.height = true, w, h
	if !r.folded(n) {
		// rr_width/rr_height only act when a node is built; an existing node
		// gets the same result through rrweb's style-object attribute mutation.
		r.attributes = append(r.attributes, attributeMutation{ID: rrID(n.id), Attributes: map[string]any{
			"style": map[string]string{"width": px(w), "height": px(h)},
		}})
	}
	return nil
}

// nodeTuple reads a change item shaped [nodeId, ...] with at least min
// elements, and returns the node (nil when it is gone) and the whole tuple.
func (s *changeState) nodeTuple(item json.RawMessage, min int) (*vnode, []json.RawMessage, error) {
	t, err := tuple(item, min)
	if err != nil {
		return nil, nil, err
	}
	n, err := s.nodeRef(t[0])
	if err != nil {
		return nil, nil, err
	}
	return n, t, nil
}

// twoNumbers reads the pair of numbers of a size or scroll change.
func twoNumbers(a, b json.RawMessage) (float64, float64, error) {
	x, err := number(a)
	if err != nil {
		return 0, 0, err
	}
	y, err := number(b)
	if err != nil {
		return 0, 0, err
	}
	return x, y, nil
}

func px(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) + "px" }

func (s *changeState) scrollPosition(r *recordCtx, item json.RawMessage) error {
	n, t, err := s.nodeTuple(item, 3)
	if err != nil {
		return err
	}
	x, y, err := twoNumbers(t[1], t[2])
	if err != nil {
		return err
	}
	if n == nil {
		return nil
	}
	n.scrollX, n.scrollY = x, y
	if !r.full {
		// Even a node added by this record needs the event: rrweb applies
		// rr_scroll* only when rebuilding a full snapshot.
		r.side = append(r.side, scrollData{Source: 3, ID: rrID(n.id), X: x, Y: y})
	}
	return nil
}

type scrollData struct {
	Source int     `json:"source"`
	ID     int     `json:"id"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
}

func (s *changeState) addStyleSheet(item json.RawMessage) error {
	t, err := tuple(item, 1)
	if err != nil {
		return err
	}
	if len(s.sheets) >= maxSheets {
		return fmt.Errorf("more than %d style sheets", maxSheets)
	}
	var rules []string
	if isJSONArray(t[0]) {
		var refs []json.RawMessage
		if err := json.Unmarshal(t[0], &refs); err != nil {
			return fmt.Errorf("sheet rules: %w", err)
		}
		for _, ref := range refs {
			rule, err := s.strs.resolve(ref)
			if err != nil {
				return fmt.Errorf("sheet rule: %w", err)
			}
			rules = append(rules, rule)
		}
	} else {
		rule, err := s.strs.resolve(t[0])
		if err != nil {
			return fmt.Errorf("sheet rules: %w", err)
		}
		rules = []string{rule}
	}
	// media and disabled have no place in rrweb's adopted sheets: dropped.
	s.sheets = append(s.sheets, rules)
	return nil
}

func (s *changeState) attachStyleSheets(r *recordCtx, item json.RawMessage) error {
	n, t, err := s.nodeTuple(item, 1)
	if err != nil {
		return err
	}
	ids := make([]int, 0, len(t)-1)
	for _, raw := range t[1:] {
		id, err := integer(raw)
		if err != nil {
			return err
		}
		if id < 0 || id >= len(s.sheets) {
			return fmt.Errorf("unknown style sheet %d", id)
		}
		ids = append(ids, id)
	}
	if n == nil {
		return nil
	}
	switch n.kind {
	case kindElement:
		n.styleSheets = ids
		if !r.folded(n) {
			css, err := s.cssText(n, r.b)
			if err != nil {
				return err
			}
			r.attributes = append(r.attributes, attributeMutation{ID: rrID(n.id), Attributes: map[string]any{"_cssText": css}})
		}
	case kindDocument, kindShadowRoot:
		n.adoptedSheets = ids
		if !r.full {
			d, err := s.adoptedSheetsData(n, r.b)
			if err != nil {
				return err
			}
			r.side = append(r.side, d)
		}
	}
	return nil
}

// cssText joins the rules of the sheets attached to a <style> or <link>.
func (s *changeState) cssText(n *vnode, b *budget) (string, error) {
	var sb strings.Builder
	for _, id := range n.styleSheets {
		for _, rule := range s.sheets[id] {
			if err := b.spend(len(rule)); err != nil {
				return "", err
			}
			sb.WriteString(rule)
		}
	}
	return sb.String(), nil
}

type adoptedRule struct {
	Rule  string `json:"rule"`
	Index int    `json:"index"`
}

type adoptedStyle struct {
	StyleID int           `json:"styleId"`
	Rules   []adoptedRule `json:"rules"`
}

type adoptedData struct {
	Source   int            `json:"source"`
	ID       int            `json:"id"`
	Styles   []adoptedStyle `json:"styles"`
	StyleIDs []int          `json:"styleIds"`
}

// adoptedSheetsData builds rrweb's AdoptedStyleSheet (source 15) for the
// document or a shadow root (addressed through its host). Every sheet's rules
// are sent each time: rrweb then never depends on an earlier event.
func (s *changeState) adoptedSheetsData(n *vnode, b *budget) (adoptedData, error) {
	id := rrID(n.id)
	if n.kind == kindShadowRoot && n.parent != nil {
		id = rrID(n.parent.id)
	}
	d := adoptedData{Source: 15, ID: id, Styles: []adoptedStyle{}, StyleIDs: []int{}}
	for _, sid := range n.adoptedSheets {
		st := adoptedStyle{StyleID: sid + 1, Rules: []adoptedRule{}}
		for i, rule := range s.sheets[sid] {
			if err := b.spend(len(rule) + 24); err != nil {
				return d, err
			}
			st.Rules = append(st.Rules, adoptedRule{rule, i})
		}
		d.Styles = append(d.Styles, st)
		d.StyleIDs = append(d.StyleIDs, sid+1)
	}
	return d, nil
}

type mediaData struct {
	Source int `json:"source"`
	ID     int `json:"id"`
	Type   int `json:"type"`
}

func (s *changeState) mediaPlaybackState(r *recordCtx, item json.RawMessage) error {
	n, t, err := s.nodeTuple(item, 2)
	if err != nil {
		return err
	}
	state, err := integer(t[1])
	if err != nil {
		return err
	}
	if n == nil || n.kind != kindElement || (state != 0 && state != 1) {
		return nil
	}
	n.mediaState = int8(state)
	if !r.folded(n) {
		// Datadog's 0 playing / 1 paused are rrweb's Play / Pause.
		r.side = append(r.side, mediaData{Source: 7, ID: rrID(n.id), Type: state})
	}
	return nil
}

type inputData struct {
	Source    int    `json:"source"`
	ID        int    `json:"id"`
	Text      string `json:"text"`
	IsChecked bool   `json:"isChecked"`
}

func (s *changeState) inputValue(r *recordCtx, item json.RawMessage) error {
	n, t, err := s.nodeTuple(item, 2)
	if err != nil {
		return err
	}
	value, err := s.strs.resolve(t[1])
	if err != nil {
		return fmt.Errorf("input value: %w", err)
	}
	if n == nil || n.kind != kindElement {
		return nil
	}
	if r.folded(n) {
		if n.tag == "select" {
			return s.selectOptionByValue(n, value)
		}
		return s.setAttr(n, "value", value)
	}
	if err := r.b.spend(len(value) + 48); err != nil {
		return err
	}
	r.side = append(r.side, inputData{Source: 5, ID: rrID(n.id), Text: value})
	return nil
}

// inputSelection applies [state, ...nodeIds]: state 0 selected, 1
// deselected, 2 indeterminate, for checkboxes, radios and <option>s.
func (s *changeState) inputSelection(r *recordCtx, item json.RawMessage) error {
	t, err := tuple(item, 1)
	if err != nil {
		return err
	}
	state, err := integer(t[0])
	if err != nil {
		return err
	}
	selected := state == 0
	for _, raw := range t[1:] {
		n, err := s.nodeRef(raw)
		if err != nil {
			return err
		}
		if n == nil || n.kind != kindElement {
			continue
		}
		switch n.tag {
		case "option":
			if r.folded(n) {
				err = s.toggleAttr(n, "selected", selected)
				break
			}
			// rrweb's Input would set option.value; the select's value is
			// what selects the option.
			if sel := ancestorTag(n, "select"); sel != nil && selected {
				value := optionValue(n)
				if err := r.b.spend(len(value) + 48); err != nil {
					return err
				}
				r.side = append(r.side, inputData{Source: 5, ID: rrID(sel.id), Text: value})
			}
		case "input":
			if r.folded(n) {
				err = s.toggleAttr(n, "checked", selected)
				break
			}
			value, ok := n.attr("value")
			if !ok {
				value = "on"
			}
			r.side = append(r.side, inputData{Source: 5, ID: rrID(n.id), Text: value, IsChecked: selected})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *changeState) toggleAttr(n *vnode, name string, on bool) error {
	if on {
		return s.setAttr(n, name, "")
	}
	s.delAttr(n, name)
	return nil
}

// selectOptionByValue folds a <select>'s value into its options' selected
// attributes, which is what a rebuilt page shows.
func (s *changeState) selectOptionByValue(sel *vnode, value string) error {
	var err error
	walk(sel, func(n *vnode) {
		if err == nil && n.kind == kindElement && n.tag == "option" {
			err = s.toggleAttr(n, "selected", optionValue(n) == value)
		}
	})
	return err
}

func ancestorTag(n *vnode, tag string) *vnode {
	for p := n.parent; p != nil; p = p.parent {
		if p.kind == kindElement && p.tag == tag {
			return p
		}
	}
	return nil
}

// optionValue is an <option>'s value: its value attribute, else its text.
func optionValue(n *vnode) string {
	if v, ok := n.attr("value"); ok {
		return v
	}
	var sb strings.Builder
	walk(n, func(c *vnode) {
		if c.kind == kindText {
			sb.WriteString(c.text)
		}
	})
	return strings.TrimSpace(sb.String())
}

// walk visits n and its descendants in document order, without recursion.
func walk(n *vnode, visit func(*vnode)) {
	stack := []*vnode{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		visit(c)
		for ch := c.lastChild; ch != nil; ch = ch.prev {
			stack = append(stack, ch)
		}
	}
}
