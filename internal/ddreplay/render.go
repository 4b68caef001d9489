package ddreplay

import (
	"encoding/json"
	"strconv"
)

// renderSelf turns one virtual node into an rrweb node without children.
// Virtual state becomes rrweb's virtual attributes: rr_width/rr_height for
// placeholders, _cssText for sheets, rr_mediaState, rr_scrollLeft/Top.
func (s *changeState) renderSelf(n *vnode, b *budget) (*rrNode, error) {
	rn := &rrNode{id: rrID(n.id)}
	switch n.kind {
	case kindDocument:
		rn.typ = rrDocument
	case kindDoctype:
		rn.typ = rrDocumentType
		rn.name, rn.publicID, rn.systemID = n.tag, n.publicID, n.systemID
	case kindText:
		rn.typ = rrText
		rn.text = n.text
	case kindCDATA:
		// rrweb records CDATA sections empty, and so does Datadog.
		rn.typ = rrCDATA
	default:
		rn.typ = rrElement
		rn.tagName, rn.isSVG = n.tag, n.isSVG
		rn.attrs = make([]rrAttr, 0, len(n.attrs)+2)
		for _, a := range n.attrs {
			rn.attrs = append(rn.attrs, rrAttr{a.name, stringValue(a.value)})
		}
		if n.hasSize {
			rn.attrs = append(rn.attrs,
				rrAttr{"rr_width", stringValue(px(n.width))},
				rrAttr{"rr_height", stringValue(px(n.height))})
		}
		if len(n.styleSheets) > 0 {
			css, err := s.cssText(n, b)
			if err != nil {
				return nil, err
			}
			rn.attrs = append(rn.attrs, rrAttr{"_cssText", stringValue(css)})
		}
		switch n.mediaState {
		case 0:
			rn.attrs = append(rn.attrs, rrAttr{"rr_mediaState", stringValue("played")})
		case 1:
			rn.attrs = append(rn.attrs, rrAttr{"rr_mediaState", stringValue("paused")})
		}
		if n.scrollX != 0 {
			rn.attrs = append(rn.attrs, rrAttr{"rr_scrollLeft", floatValue(n.scrollX)})
		}
		if n.scrollY != 0 {
			rn.attrs = append(rn.attrs, rrAttr{"rr_scrollTop", floatValue(n.scrollY)})
		}
	}
	return rn, b.spend(rn.size())
}

func floatValue(f float64) json.RawMessage {
	return strconv.AppendFloat(nil, f, 'f', -1, 64)
}

// renderTree renders n and its subtree for a full snapshot. Shadow roots
// fold into their host (isShadowHost, children isShadow); documents and
// shadow roots with adopted sheets are collected for AdoptedStyleSheet events.
func (s *changeState) renderTree(n *vnode, b *budget, adopted *[]*vnode) (*rrNode, error) {
	rn, err := s.renderSelf(n, b)
	if err != nil {
		return nil, err
	}
	if n.kind == kindDocument && len(n.adoptedSheets) > 0 {
		*adopted = append(*adopted, n)
	}
	for c := n.firstChild; c != nil; c = c.next {
		switch c.kind {
		case kindFragment:
			continue
		case kindShadowRoot:
			rn.isShadowHost = true
			if len(c.adoptedSheets) > 0 {
				*adopted = append(*adopted, c)
			}
			for gc := c.firstChild; gc != nil; gc = gc.next {
				if gc.kind == kindFragment || gc.kind == kindShadowRoot {
					continue
				}
				child, err := s.renderTree(gc, b, adopted)
				if err != nil {
					return nil, err
				}
				child.isShadow = true
				rn.children = append(rn.children, child)
			}
		default:
			child, err := s.renderTree(c, b, adopted)
			if err != nil {
				return nil, err
			}
			rn.children = append(rn.children, child)
		}
	}
	if rn.typ == rrElement || rn.typ == rrDocument {
		if rn.children == nil {
			rn.children = []*rrNode{}
		}
	} else {
		rn.children = nil
	}
	return rn, nil
}

// newSubtreeAdds lists the nodes created by a Change record, still attached
// at its end, as rrweb mutation adds. rrweb builds adds with skipChild, so
// every node is its own add; parents come before children and siblings in
// reverse, so that each nextId already exists when rrweb applies the add.
func (s *changeState) newSubtreeAdds(r *recordCtx) ([]addMutation, error) {
	var adds []addMutation
	for id := s.dom.nextID - 1; id >= r.firstNew; id-- {
		n := s.dom.get(id)
		if n == nil || n.parent == nil || n.parent.id >= r.firstNew {
			continue // removed again, or inside a new subtree handled from its root
		}
		if !attached(n) {
			continue
		}
		var err error
		if adds, err = s.appendAdds(adds, n, r.b); err != nil {
			return nil, err
		}
	}
	return adds, nil
}

// attached says whether n hangs from the document (not from a fragment).
func attached(n *vnode) bool {
	for p := n; p != nil; p = p.parent {
		if p.kind == kindFragment {
			return false
		}
	}
	return true
}

func (s *changeState) appendAdds(adds []addMutation, n *vnode, b *budget) ([]addMutation, error) {
	// Explicit stack: subtrees may be deep.
	stack := []*vnode{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch c.kind {
		case kindFragment:
			continue
		case kindShadowRoot:
			// No rrweb node: its children go to the host with isShadow.
		default:
			rn, err := s.renderSelf(c, b)
			if err != nil {
				return nil, err
			}
			if rn.typ == rrElement || rn.typ == rrDocument {
				rn.children = []*rrNode{}
			}
			parent, isShadow := rrwebParent(c.parent)
			rn.isShadow = isShadow
			add := addMutation{ParentID: parent, Node: rn}
			if next := rrwebNext(c); next != 0 {
				add.NextID = &next
			}
			adds = append(adds, add)
		}
		// Pushed first to last, so popped last to first: siblings in reverse.
		for ch := c.firstChild; ch != nil; ch = ch.next {
			stack = append(stack, ch)
		}
	}
	return adds, nil
}
