package redact

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
	"unsafe"
)

// ErrNotJSON is returned by JSON for input it cannot walk.
var ErrNotJSON = errors.New("redact: not a JSON value")

// KeepFunc says whether the string at path (the object keys from the root;
// array elements add no key) is kept as it is. It must not retain path or its
// strings after returning.
type KeepFunc func(path []string) bool

// json redacts every string value in the JSON document raw, except those keep
// spares, and returns the document with only those strings rewritten: keys,
// numbers, key order and spacing stay byte for byte, so a document with
// nothing to redact comes back unchanged (the same slice, no allocation) and
// changed false. Counters are not touched; hits gets the matches per pattern.
func (r *Redactor) json(raw []byte, keep KeepFunc, hits []int) ([]byte, bool, error) {
	type frame struct {
		object    bool
		expectKey bool
	}
	var (
		stack  []frame
		path   []string // key of each object frame, "" before its first key
		out    []byte   // nil until the first change
		copied int      // raw[:copied] is already in out
	)
	for i := 0; i < len(raw); {
		c := raw[i]
		switch c {
		case ' ', '\t', '\n', '\r', ':':
			i++
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].expectKey = true
			}
			i++
		case '{':
			stack = append(stack, frame{object: true, expectKey: true})
			path = append(path, "")
			i++
		case '[':
			stack = append(stack, frame{})
			i++
		case '}', ']':
			n := len(stack)
			if n == 0 || stack[n-1].object != (c == '}') {
				return raw, false, fmt.Errorf("%w: unbalanced %q at byte %d", ErrNotJSON, c, i)
			}
			if stack[n-1].object {
				path = path[:len(path)-1]
			}
			stack = stack[:n-1]
			i++
		case '"':
			end, escaped, err := stringEnd(raw, i)
			if err != nil {
				return raw, false, err
			}
			lit := raw[i:end]
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].expectKey {
				stack[n-1].expectKey = false
				path[len(path)-1] = keyString(lit, escaped)
				i = end
				continue
			}
			i = end
			if !escaped && !r.mayMatch(lit[1:len(lit)-1]) {
				continue // the common case: no allocation
			}
			if keep != nil && keep(path) {
				continue
			}
			s := decodeLiteral(lit, escaped)
			red := r.redact(s, hits)
			if red == s {
				continue
			}
			if out == nil {
				out = make([]byte, 0, len(raw)+32)
			}
			out = append(out, raw[copied:end-len(lit)]...)
			out = appendQuoted(out, red)
			copied = end
		default:
			// numbers, true, false, null: copied as they are
			i++
		}
	}
	if len(stack) != 0 {
		return raw, false, fmt.Errorf("%w: %d unclosed containers", ErrNotJSON, len(stack))
	}
	if out == nil {
		return raw, false, nil
	}
	return append(out, raw[copied:]...), true, nil
}

// JSON is json with counting: it redacts the string values of raw that keep
// does not spare and adds what it replaced to the counters.
func (r *Redactor) JSON(raw []byte, keep KeepFunc) ([]byte, error) {
	hits := make([]int, len(r.names))
	out, _, err := r.json(raw, keep, hits)
	if err != nil {
		return raw, err
	}
	r.add(hits)
	return out, nil
}

// stringEnd returns the index just past the closing quote of the string
// literal starting at raw[i] and whether it contains escapes.
func stringEnd(raw []byte, i int) (int, bool, error) {
	escaped := false
	for j := i + 1; j < len(raw); j++ {
		switch raw[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped, nil
		}
	}
	return 0, false, fmt.Errorf("%w: unterminated string at byte %d", ErrNotJSON, i)
}

// keyString returns an object key. An unescaped key is the raw bytes viewed
// as a string without a copy: raw is not modified during the walk, and keep
// functions must not retain the path (most documents have far more keys than
// strings worth redacting, so this saves most of the walk's allocations).
func keyString(lit []byte, escaped bool) string {
	if escaped || len(lit) <= 2 {
		return decodeLiteral(lit, escaped)
	}
	b := lit[1 : len(lit)-1]
	return unsafe.String(&b[0], len(b))
}

// decodeLiteral returns the Go string of a JSON string literal (quotes
// included). Without escapes that is the bytes between the quotes.
func decodeLiteral(lit []byte, escaped bool) string {
	if !escaped {
		return string(lit[1 : len(lit)-1])
	}
	var s string
	if err := json.Unmarshal(lit, &s); err != nil {
		// Not valid JSON escapes: treat the raw text as the value, so the
		// patterns still see it.
		return string(lit[1 : len(lit)-1])
	}
	return s
}

// appendQuoted writes s as a JSON string literal, escaping only what JSON
// requires (and invalid UTF-8 as U+FFFD), so text stays readable.
func appendQuoted(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
