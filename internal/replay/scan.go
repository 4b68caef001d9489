package replay

import (
	"encoding/json"
)

// Check is what intake learns from a decompressed segment without building
// its records: how many there are and, for clients that leave the times out
// of the metadata, their span.
type Check struct {
	Records int
	Summary Summary
}

// CheckSegment accepts exactly what Records accepts, and returns the record
// count and Summarize's result. The usual shape, one {"records":[…]} object,
// is checked by a single validating pass over the bytes that allocates
// nothing: decoding every record into a json.RawMessage made
// json.Unmarshal the largest cost of replay intake. Any other shape, and
// any input that pass does not accept, goes through Records, so the answer
// and the error are Records' own.
func CheckSegment(raw []byte) (Check, error) {
	if c, ok := scanRecordsObject(raw); ok {
		return c, nil
	}
	recs, err := Records(raw)
	if err != nil {
		return Check{}, err
	}
	return Check{Records: len(recs), Summary: Summarize(recs)}, nil
}

// maxScanDepth is below encoding/json's nesting limit (10,000), so anything
// the scanner accepts, json.Unmarshal accepts too; deeper input takes the
// slow path and gets its answer there.
const maxScanDepth = 1000

// segmentScanner validates JSON (the grammar of RFC 8259, as encoding/json
// checks it: strings are not checked for UTF-8) from b[i].
type segmentScanner struct {
	b     []byte
	i     int
	depth int
}

// scanRecordsObject handles a segment that is one JSON object whose
// "records" member is an array of objects. ok is false for anything else.
func scanRecordsObject(raw []byte) (c Check, ok bool) {
	s := &segmentScanner{b: raw}
	s.ws()
	if !s.is('{') {
		return Check{}, false
	}
	s.i++
	found := false
	s.ws()
	if s.is('}') {
		return Check{}, false // no records member
	}
	for {
		s.ws()
		key, plain, ok := s.str()
		if !ok || !plain || !isASCII(key) {
			// Escapes and non-ASCII names: encoding/json's unescaping and
			// Unicode case folding decide what they match.
			return Check{}, false
		}
		s.ws()
		if !s.is(':') {
			return Check{}, false
		}
		s.i++
		s.ws()
		if asciiFold(key, "records") {
			// encoding/json matches member names case-insensitively, and
			// the last of repeated members wins.
			if !s.is('[') {
				return Check{}, false // null or not an array: Records decides
			}
			if c, ok = s.records(); !ok {
				return Check{}, false
			}
			found = true
		} else if !s.value() {
			return Check{}, false
		}
		more, ok := s.afterElement('}')
		if !ok {
			return Check{}, false
		}
		if !more {
			break
		}
	}
	s.ws()
	if s.i != len(s.b) || !found {
		return Check{}, false
	}
	return c, true
}

// records scans the records array, each element an object.
func (s *segmentScanner) records() (Check, bool) {
	var c Check
	s.i++ // '['
	s.ws()
	if s.is(']') {
		s.i++
		return c, true
	}
	for {
		s.ws()
		if !s.is('{') {
			return Check{}, false
		}
		start := s.i
		info, known, ok := s.record()
		if !ok {
			return Check{}, false
		}
		if !known {
			// A member name with escapes or non-ASCII bytes: encoding/json's
			// case folding decides whether it is "type" or "timestamp".
			var ri RecordInfo
			known = json.Unmarshal(s.b[start:s.i], &ri) == nil
			info = ri
		}
		if known {
			c.Summary.add(info)
		}
		c.Records++
		more, ok := s.afterElement(']')
		if !ok {
			return Check{}, false
		}
		if !more {
			return c, true
		}
	}
}

// record scans one record object and reads its type and timestamp as
// json.Unmarshal into RecordInfo would: known is false when that would fail
// (a value that is not an integer or null) or cannot be decided here.
func (s *segmentScanner) record() (info RecordInfo, known, ok bool) {
	s.i++ // '{'
	s.depth++
	if s.depth > maxScanDepth {
		return info, false, false
	}
	known = true
	s.ws()
	if s.is('}') {
		s.i++
		s.depth--
		return info, known, true
	}
	for {
		s.ws()
		key, plain, ok := s.str()
		if !ok {
			return info, false, false
		}
		if !plain || !isASCII(key) {
			known = false
		}
		s.ws()
		if !s.is(':') {
			return info, false, false
		}
		s.i++
		s.ws()
		start := s.i
		if !s.value() {
			return info, false, false
		}
		val := s.b[start:s.i]
		switch {
		case asciiFold(key, "type"):
			if n, null, ok := intValue(val); !ok {
				known = false
			} else if !null {
				info.Type = int(n)
			}
		case asciiFold(key, "timestamp"):
			if n, null, ok := intValue(val); !ok {
				known = false
			} else if !null {
				info.Timestamp = n
			}
		}
		more, ok := s.afterElement('}')
		if !ok {
			return info, false, false
		}
		if !more {
			s.depth--
			return info, known, true
		}
	}
}

// intValue reads a JSON value as encoding/json stores it in an int64
// field: null leaves the field alone, an integer literal in range is
// stored, anything else is an error (ok false).
func intValue(v []byte) (n int64, null, ok bool) {
	if string(v) == "null" {
		return 0, true, true
	}
	neg := len(v) > 0 && v[0] == '-'
	if neg {
		v = v[1:]
	}
	if len(v) == 0 || len(v) > 19 {
		return 0, false, false // 19 digits hold every int64
	}
	var u uint64
	for _, c := range v {
		if !isDigit(c) {
			return 0, false, false // a fraction or an exponent, or not a number
		}
		u = u*10 + uint64(c-'0')
	}
	switch {
	case neg && u <= 1<<63:
		return int64(-u), false, true // -(1<<63) wraps to itself: the minimum
	case !neg && u < 1<<63:
		return int64(u), false, true
	}
	return 0, false, false
}

func (sum *Summary) add(ri RecordInfo) {
	if ri.Timestamp > 0 && (sum.Start == 0 || ri.Timestamp < sum.Start) {
		sum.Start = ri.Timestamp
	}
	if ri.Timestamp > sum.End {
		sum.End = ri.Timestamp
	}
	if ri.Type == 2 {
		sum.HasFullSnapshot = true
	}
}

func (s *segmentScanner) is(c byte) bool { return s.i < len(s.b) && s.b[s.i] == c }

func (s *segmentScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value scans any JSON value.
func (s *segmentScanner) value() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '{':
		return s.container('}')
	case '[':
		return s.container(']')
	case '"':
		_, _, ok := s.str()
		return ok
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	default:
		return s.number()
	}
}

// container scans an object (end '}') or an array (end ']').
func (s *segmentScanner) container(end byte) bool {
	s.i++
	s.depth++
	if s.depth > maxScanDepth {
		return false
	}
	s.ws()
	if s.is(end) {
		s.i++
		s.depth--
		return true
	}
	for {
		s.ws()
		if end == '}' {
			if _, _, ok := s.str(); !ok {
				return false
			}
			s.ws()
			if !s.is(':') {
				return false
			}
			s.i++
			s.ws()
		}
		if !s.value() {
			return false
		}
		more, ok := s.afterElement(end)
		if !ok {
			return false
		}
		if !more {
			s.depth--
			return true
		}
	}
}

// str scans a string and returns its contents as written; plain is false if
// they hold escapes.
func (s *segmentScanner) str() (body []byte, plain, ok bool) {
	if !s.is('"') {
		return nil, false, false
	}
	s.i++
	start := s.i
	plain = true
	b := s.b
	for i := s.i; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			s.i = i + 1
			return b[start:i], plain, true
		case c == '\\':
			plain = false
			i++
			if i >= len(b) {
				return nil, false, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return nil, false, false
				}
				i += 4
			default:
				return nil, false, false
			}
		case c < 0x20:
			return nil, false, false
		}
	}
	return nil, false, false
}

func (s *segmentScanner) literal(lit string) bool {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return false
	}
	s.i += len(lit)
	return true
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *segmentScanner) number() bool {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	s.i = i
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// asciiFold reports whether key equals name (lower-case ASCII) ignoring
// ASCII case. Names with other bytes never match here; callers treat them
// as undecided (encoding/json also folds a few non-ASCII letters).
func asciiFold(key []byte, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i := range key {
		c := key[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != name[i] {
			return false
		}
	}
	return true
}

// afterElement consumes what follows an array element or object member:
// ',' (more follows) or the closing byte end (the container is done). ok is
// false for anything else.
func (s *segmentScanner) afterElement(end byte) (more, ok bool) {
	s.ws()
	switch {
	case s.is(','):
		s.i++
		return true, true
	case s.is(end):
		s.i++
		return false, true
	}
	return false, false
}
