package ddreplay

import "fmt"

// The Change format describes the page as a stream of edits against a tree the
// decoder must keep: node ids are implicit (the n-th AddNode creates node n) and
// insertion points are relative to earlier nodes. vdom is that tree, kept per
// view, so each segment can be decoded after the previous one.

type nodeKind uint8

const (
	kindDocument nodeKind = iota
	kindDoctype
	kindElement
	kindText
	kindCDATA
	kindShadowRoot
	kindFragment // a non-shadow #document-fragment: kept for id bookkeeping, never rendered
)

// vnode is one node of the virtual DOM. Children form a doubly linked list so
// that every insertion form (after, before, append) is O(1).
type vnode struct {
	id   int
	kind nodeKind
	// tag is the rrweb tagName (lowercase) for elements; the doctype's name.
	tag                string
	publicID, systemID string
	text               string // text and CDATA content
	isSVG              bool
	attrs              []attr

	parent, firstChild, lastChild, prev, next *vnode
	depth                                     int

	// Virtual state that rrweb expresses as rr_* attributes or side events.
	hasSize       bool
	width, height float64
	scrollX       float64
	scrollY       float64
	mediaState    int8  // -1 unknown, 0 played, 1 paused
	styleSheets   []int // sheet ids attached to a <style> or <link>
	adoptedSheets []int // sheet ids adopted by the document or a shadow root
}

type attr struct {
	name, value string
}

func (n *vnode) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.name == name {
			return a.value, true
		}
	}
	return "", false
}

func (n *vnode) setAttr(name, value string) error {
	for i := range n.attrs {
		if n.attrs[i].name == name {
			n.attrs[i].value = value
			return nil
		}
	}
	if len(n.attrs) >= maxAttrsPerNode {
		return fmt.Errorf("node %d: more than %d attributes", n.id, maxAttrsPerNode)
	}
	n.attrs = append(n.attrs, attr{name, value})
	return nil
}

func (n *vnode) delAttr(name string) {
	for i := range n.attrs {
		if n.attrs[i].name == name {
			n.attrs = append(n.attrs[:i], n.attrs[i+1:]...)
			return
		}
	}
}

// canHaveChildren says whether the DOM would accept children under n.
func (n *vnode) canHaveChildren() bool {
	switch n.kind {
	case kindDocument, kindElement, kindShadowRoot, kindFragment:
		return true
	}
	return false
}

// vdom holds the nodes of one recording scope (one view, reset at each full
// snapshot). Live nodes only: Datadog never reuses ids, so removed subtrees
// are dropped from the map and memory follows the page, not its history.
type vdom struct {
	nodes  map[int]*vnode
	nextID int
	root   *vnode
}

func newVDOM() *vdom {
	return &vdom{nodes: make(map[int]*vnode)}
}

func (d *vdom) get(id int) *vnode { return d.nodes[id] }

// insert places a new node with the next implicit id, following Datadog's
// insertion point rules (null: root; 0: after node n-1; k>0: last child of
// node n-k; k<0: before node n+k).
func (d *vdom) insert(n *vnode, point *int) error {
	if len(d.nodes) >= maxNodes {
		return fmt.Errorf("more than %d live nodes", maxNodes)
	}
	n.id = d.nextID
	switch {
	case point == nil:
		if d.root != nil {
			return fmt.Errorf("node %d: second root node", n.id)
		}
		d.root = n
	case *point == 0:
		prev := d.nodes[n.id-1]
		if prev == nil || prev.parent == nil {
			return fmt.Errorf("node %d: no sibling %d to insert after", n.id, n.id-1)
		}
		if err := d.link(prev.parent, n, prev.next); err != nil {
			return err
		}
	case *point > 0:
		parent := d.nodes[n.id-*point]
		if parent == nil {
			return fmt.Errorf("node %d: unknown parent %d", n.id, n.id-*point)
		}
		if err := d.link(parent, n, nil); err != nil {
			return err
		}
	default:
		next := d.nodes[n.id+*point]
		if next == nil || next.parent == nil {
			return fmt.Errorf("node %d: no sibling %d to insert before", n.id, n.id+*point)
		}
		if err := d.link(next.parent, n, next); err != nil {
			return err
		}
	}
	d.nodes[n.id] = n
	d.nextID++
	return nil
}

// link inserts n into parent's children before next (nil: at the end).
func (d *vdom) link(parent, n, next *vnode) error {
	if !parent.canHaveChildren() {
		return fmt.Errorf("node %d: parent %d cannot have children", n.id, parent.id)
	}
	if parent.depth+1 > maxDepth {
		return fmt.Errorf("node %d: deeper than %d", n.id, maxDepth)
	}
	n.parent = parent
	n.depth = parent.depth + 1
	n.next = next
	if next == nil {
		n.prev = parent.lastChild
		parent.lastChild = n
	} else {
		n.prev = next.prev
		next.prev = n
	}
	if n.prev == nil {
		parent.firstChild = n
	} else {
		n.prev.next = n
	}
	return nil
}

// remove detaches n and forgets its whole subtree. It returns how many
// attributes the subtree held, for the caller's count.
func (d *vdom) remove(n *vnode) (attrs int) {
	if p := n.parent; p != nil {
		if n.prev == nil {
			p.firstChild = n.next
		} else {
			n.prev.next = n.next
		}
		if n.next == nil {
			p.lastChild = n.prev
		} else {
			n.next.prev = n.prev
		}
	}
	if d.root == n {
		d.root = nil
	}
	n.parent, n.prev, n.next = nil, nil, nil
	// Iterative walk: a hostile tree may be deep.
	stack := []*vnode{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		delete(d.nodes, c.id)
		attrs += len(c.attrs)
		for ch := c.firstChild; ch != nil; ch = ch.next {
			stack = append(stack, ch)
		}
	}
	return attrs
}

// rrwebParent returns the rrweb id a child of n attaches to and whether it
// goes into a shadow root: rrweb has no shadow-root node, its children hang
// off the host with isShadow.
func rrwebParent(parent *vnode) (id int, isShadow bool) {
	if parent.kind == kindShadowRoot && parent.parent != nil {
		return rrID(parent.parent.id), true
	}
	return rrID(parent.id), false
}

// rrwebNext returns the rrweb id of the next sibling that exists in rrweb's
// tree, or 0 for none. Shadow roots are skipped, since rrweb does not know
// them and Datadog always places them last.
func rrwebNext(n *vnode) int {
	for s := n.next; s != nil; s = s.next {
		if s.kind == kindShadowRoot || s.kind == kindFragment {
			continue
		}
		return rrID(s.id)
	}
	return 0
}

// rrID maps a Datadog node id to rrweb's: rrweb tests ids for truthiness, so 0
// must not be used.
func rrID(ddID int) int { return ddID + 1 }
