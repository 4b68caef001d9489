package ingest

import "fmt"

// checkShape bounds one event's JSON before it is decoded: nesting depth and
// the length of any single string (key or value). It is one pass over the
// bytes without allocating, so a hostile line costs little to refuse.
// Syntax errors are left to the decoder, which reports them better.
func checkShape(b []byte, maxDepth, maxField int) error {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '{', '[':
			depth++
			if depth > maxDepth {
				return fmt.Errorf("nested deeper than limits.max_json_depth (%d)", maxDepth)
			}
		case '}', ']':
			depth--
		case '"':
			start := i + 1
			i++
			for i < len(b) && b[i] != '"' {
				if b[i] == '\\' {
					i++
				}
				i++
			}
			if n := i - start; n > maxField {
				return fmt.Errorf("a string of %d bytes at byte %d is longer than limits.max_field_bytes (%d)", n, start, maxField)
			}
		}
	}
	return nil
}
