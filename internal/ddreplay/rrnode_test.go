package ddreplay

import (
	"encoding/json"
	"testing"
)

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain text", `quote " and \ backslash`, "tab\tnewline\n", "<script>&", "héllo ✓", "bad \xff utf8", "\u2028"} {
		var got string
		if err := json.Unmarshal(appendString(nil, s), &got); err != nil {
			t.Fatalf("appendString(%q) is not JSON: %v", s, err)
		}
		want := s
		if s == "bad \xff utf8" {
			want = "bad \ufffd utf8"
		}
		if got != want {
			t.Fatalf("appendString(%q) decodes to %q", s, got)
		}
	}
}
