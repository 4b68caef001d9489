package ddreplay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// stringTable is the Change format's string table: every string in a record
// is a reference to an entry appended by an earlier AddRoleAnnotatedStrings
// (or, before SDK 7.10, AddString) change. Ids run from 0 in order of
// appearance, whatever the role, and reset at ClearStrings and at every full
// snapshot.
type stringTable struct {
	strs  []string
	bytes int // bytes of table entries and literals held, for maxStringBytes
}

func (t *stringTable) add(s string) error {
	if len(t.strs) >= maxStrings {
		return fmt.Errorf("string table over %d entries", maxStrings)
	}
	if err := t.hold(len(s)); err != nil {
		return err
	}
	t.strs = append(t.strs, s)
	return nil
}

func (t *stringTable) hold(n int) error {
	t.bytes += n
	if t.bytes > maxStringBytes {
		return fmt.Errorf("strings over %d bytes", maxStringBytes)
	}
	return nil
}

func (t *stringTable) clear() {
	t.strs = nil
	// Bytes of literals still referenced by nodes stay counted: the budget
	// is about memory, and clearing the table does not free them.
}

// resolve decodes a string position: a table reference (number), or, from
// older or hand-built encoders, a literal string or a {"role","string"}
// object.
func (t *stringTable) resolve(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", errors.New("missing string")
	}
	switch c := raw[0]; {
	case c == '-' || (c >= '0' && c <= '9'):
		idx, err := integer(raw)
		if err != nil {
			return "", fmt.Errorf("string reference: %w", err)
		}
		if idx < 0 || idx >= len(t.strs) {
			return "", fmt.Errorf("reference to unknown string %d (table has %d)", idx, len(t.strs))
		}
		return t.strs[idx], nil
	case c == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("string literal: %w", err)
		}
		return s, t.hold(len(s))
	case c == '{':
		var lit struct {
			String *string `json:"string"`
		}
		if err := json.Unmarshal(raw, &lit); err != nil || lit.String == nil {
			return "", fmt.Errorf("role-annotated string %.40s: not a string literal", raw)
		}
		return *lit.String, t.hold(len(*lit.String))
	}
	return "", fmt.Errorf("not a string: %.40s", raw)
}

// addStrings applies AddString (0) and AddRoleAnnotatedStrings (11) changes.
func (t *stringTable) addStrings(changeType int, items []json.RawMessage) error {
	for _, item := range items {
		if changeType == changeAddString {
			s, err := literal(item)
			if err != nil {
				return fmt.Errorf("add string: %w", err)
			}
			if err := t.add(s); err != nil {
				return err
			}
			continue
		}
		// [role, ...strings]: the role is a hint for masking and storage.
		var run []json.RawMessage
		if err := json.Unmarshal(item, &run); err != nil || len(run) == 0 {
			return fmt.Errorf("role-annotated strings %.40s: not [role, ...strings]", item)
		}
		for _, r := range run[1:] {
			s, err := literal(r)
			if err != nil {
				return fmt.Errorf("role-annotated strings: %w", err)
			}
			if err := t.add(s); err != nil {
				return err
			}
		}
	}
	return nil
}

func literal(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("string %.40s: %w", raw, err)
	}
	return s, nil
}
