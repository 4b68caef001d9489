package ddreplay

import (
	"encoding/json"
	"strconv"
)

// rrweb serialized node types (rrweb-snapshot NodeType).
const (
	rrDocument     = 0
	rrDocumentType = 1
	rrElement      = 2
	rrText         = 3
	rrCDATA        = 4
	rrComment      = 5
)

// rrNode is an rrweb serialized node. It writes its own JSON because rrweb
// needs different fields per node type (childNodes and attributes must be
// present on elements, absent fields elsewhere), which struct tags cannot say.
type rrNode struct {
	typ      int
	id       int
	tagName  string
	attrs    []rrAttr
	children []*rrNode
	text     string
	name     string // doctype
	publicID string
	systemID string
	isSVG    bool
	isStyle  bool
	// isShadowHost: the element carries a shadow root; isShadow: the node is
	// a child of its parent's shadow root.
	isShadowHost bool
	isShadow     bool
}

type rrAttr struct {
	name  string
	value json.RawMessage // a JSON string, number, boolean or null
}

func stringValue(s string) json.RawMessage { return appendString(nil, s) }

// MarshalJSON writes the node and its children.
func (n *rrNode) MarshalJSON() ([]byte, error) {
	return n.appendJSON(make([]byte, 0, 256)), nil
}

func (n *rrNode) appendJSON(b []byte) []byte {
	b = append(b, `{"type":`...)
	b = strconv.AppendInt(b, int64(n.typ), 10)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, int64(n.id), 10)
	switch n.typ {
	case rrDocument:
		b = n.appendChildren(b)
	case rrDocumentType:
		b = append(b, `,"name":`...)
		b = appendString(b, n.name)
		b = append(b, `,"publicId":`...)
		b = appendString(b, n.publicID)
		b = append(b, `,"systemId":`...)
		b = appendString(b, n.systemID)
	case rrElement:
		b = append(b, `,"tagName":`...)
		b = appendString(b, n.tagName)
		b = append(b, `,"attributes":{`...)
		for i, a := range n.attrs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, a.name)
			b = append(b, ':')
			b = append(b, a.value...)
		}
		b = append(b, '}')
		b = n.appendChildren(b)
		if n.isSVG {
			b = append(b, `,"isSVG":true`...)
		}
		if n.isShadowHost {
			b = append(b, `,"isShadowHost":true`...)
		}
	case rrText, rrCDATA, rrComment:
		b = append(b, `,"textContent":`...)
		b = appendString(b, n.text)
		if n.isStyle {
			b = append(b, `,"isStyle":true`...)
		}
	}
	if n.isShadow {
		b = append(b, `,"isShadow":true`...)
	}
	return append(b, '}')
}

func (n *rrNode) appendChildren(b []byte) []byte {
	b = append(b, `,"childNodes":[`...)
	for i, c := range n.children {
		if i > 0 {
			b = append(b, ',')
		}
		b = c.appendJSON(b)
	}
	return append(b, ']')
}

// size estimates the node's own JSON size, for the output budget.
func (n *rrNode) size() int {
	s := 64 + len(n.tagName) + len(n.text) + len(n.name) + len(n.publicID) + len(n.systemID)
	for _, a := range n.attrs {
		s += len(a.name) + len(a.value) + 4
	}
	return s
}

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD, as
// encoding/json does.
func appendString(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c >= 0x20 && c < 0x80 && c != '"' && c != '\\'
	}
	if plain { // the common case, without encoding/json's allocations
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}
