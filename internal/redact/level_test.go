package redact

import (
	"errors"
	"testing"
)

func TestSegmentPolicy(t *testing.T) {
	p := SegmentPolicy{Minimum: LevelMaskUserInput, PerApp: map[string]string{"bank": LevelMask, "lab": LevelAllow}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		app, level string
		ok         bool
	}{
		{"shop", "allow", false},
		{"shop", "mask-user-input", true},
		{"shop", "mask", true},
		{"shop", "", true}, // the metadata does not say: kept
		{"shop", "mask-unless-allowlisted", true},
		{"shop", "whatever", false}, // cannot be shown to meet the minimum
		{"bank", "mask-user-input", false},
		{"bank", "mask", true},
		{"lab", "allow", true},
		{"lab", "whatever", true},
	} {
		err := p.Check(tc.app, tc.level)
		if (err == nil) != tc.ok {
			t.Errorf("Check(%q, %q) = %v, want ok=%v", tc.app, tc.level, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrBelowMinimum) {
			t.Errorf("Check(%q, %q) = %v, not ErrBelowMinimum", tc.app, tc.level, err)
		}
	}
	if err := (SegmentPolicy{}).Check("x", "allow"); err != nil {
		t.Errorf("no minimum: Check = %v", err)
	}
	if err := (SegmentPolicy{Minimum: "strict"}).Validate(); err == nil {
		t.Error("Validate accepted an unknown minimum")
	}
	if err := (SegmentPolicy{PerApp: map[string]string{"a": "nope"}}).Validate(); err == nil {
		t.Error("Validate accepted an unknown per-app minimum")
	}
}
