package redact

import (
	"errors"
	"fmt"
)

// Replay privacy levels, weakest first, as the SDKs name them (Reprise's and
// Datadog's defaultPrivacyLevel).
const (
	LevelAllow         = "allow"
	LevelMaskUserInput = "mask-user-input"
	LevelMask          = "mask"
)

// levelRank orders the levels by how much they mask. Datadog's
// "mask-unless-allowlisted" masks all text that is not allow-listed, so it
// ranks with "mask".
var levelRank = map[string]int{
	LevelAllow:                0,
	LevelMaskUserInput:        1,
	LevelMask:                 2,
	"mask-unless-allowlisted": 2,
}

// ErrBelowMinimum marks a replay segment recorded with a weaker privacy level
// than the application's minimum; ingest refuses it.
var ErrBelowMinimum = errors.New("replay privacy level below the configured minimum")

// ValidLevel reports whether level names a known privacy level.
func ValidLevel(level string) bool {
	_, ok := levelRank[level]
	return ok
}

// SegmentPolicy decides which replay segments the collector keeps, by the
// privacy level the SDK says it recorded them with (segment metadata
// "privacy_level").
type SegmentPolicy struct {
	// Minimum is the weakest level accepted; "" or "allow" accepts all.
	Minimum string
	// PerApp overrides Minimum for an application id.
	PerApp map[string]string
}

// Validate reports a level that is not one of the known names.
func (p SegmentPolicy) Validate() error {
	if p.Minimum != "" && !ValidLevel(p.Minimum) {
		return fmt.Errorf("min_replay_privacy_level %q: want allow, mask-user-input or mask", p.Minimum)
	}
	for app, l := range p.PerApp {
		if l != "" && !ValidLevel(l) {
			return fmt.Errorf("app %q: min_replay_privacy_level %q: want allow, mask-user-input or mask", app, l)
		}
	}
	return nil
}

// Check returns nil when a segment of appID recorded at level may be kept,
// and an error wrapping ErrBelowMinimum otherwise. A segment that does not
// say its level (Datadog's SDK does not put it in segment metadata; it sends
// it in RUM events as privacy.replay_level) is kept: the check is about what
// the metadata says. An unknown level is refused when a minimum is set,
// because it cannot be shown to meet it.
func (p SegmentPolicy) Check(appID, level string) error {
	min := p.Minimum
	if l, ok := p.PerApp[appID]; ok && l != "" {
		min = l
	}
	if min == "" || min == LevelAllow || level == "" {
		return nil
	}
	got, ok := levelRank[level]
	if !ok {
		return fmt.Errorf("%w: segment privacy_level %.40q is unknown; application %.80q requires at least %q", ErrBelowMinimum, level, appID, min)
	}
	if got < levelRank[min] {
		return fmt.Errorf("%w: segment recorded with %.40q; application %.80q requires at least %q", ErrBelowMinimum, level, appID, min)
	}
	return nil
}
