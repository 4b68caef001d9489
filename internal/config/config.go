// Package config holds Reprise's configuration: one Config struct, filled from
// defaults, then a TOML file, then REPRISE_* environment variables, then
// command-line flags (later sources win). It is passed down explicitly; there
// is no global.
package config

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/reprise-rum/reprise/internal/redact"
)

// Config is everything `reprise serve` needs to start.
type Config struct {
	Listen    string `toml:"listen"`
	DataDir   string `toml:"data_dir"`
	Demo      bool   `toml:"demo"`
	LogFormat string `toml:"log_format"` // "text" or "json"
	LogLevel  string `toml:"log_level"`  // debug, info, warn, error
	// Pprof serves Go's profiler at /debug/pprof/ on the main listener, for
	// benchmarks and diagnosis. Off by default: it exposes internals.
	Pprof bool `toml:"pprof"`
	// ShutdownTimeout bounds how long accepted requests may take to finish
	// after SIGINT/SIGTERM.
	ShutdownTimeout Duration `toml:"shutdown_timeout"`
	// ReadHeaderTimeout, ReadTimeout and IdleTimeout bound what a slow or
	// idle client may hold (slowloris): the request headers, the whole
	// request including its body, and a kept-alive connection between
	// requests.
	ReadHeaderTimeout Duration `toml:"read_header_timeout"`
	ReadTimeout       Duration `toml:"read_timeout"`
	IdleTimeout       Duration `toml:"idle_timeout"`

	RUM       RUM       `toml:"rum"`
	Limits    Limits    `toml:"limits"`
	Redact    Redact    `toml:"redact"`
	Retention Retention `toml:"retention"`

	Auth Auth  `toml:"auth"`
	Apps []App `toml:"apps"`
}

// Auth is the login to the UI and query API (internal/auth).
type Auth struct {
	// AdminPassword empty: one is generated at first start, stored hashed
	// in data_dir/auth.json and printed once.
	AdminPassword string `toml:"admin_password"`
	// APITokens are for scripts: Authorization: Bearer <token>.
	APITokens []string `toml:"api_tokens"`
}

// App is one application allowed to send data. With none configured, any
// application id is accepted (as Datakit does); with some, intake needs a
// known client token and, from browsers, an allowed origin.
type App struct {
	ID             string   `toml:"id"`
	ClientToken    string   `toml:"client_token"`
	AllowedOrigins []string `toml:"allowed_origins"`
	// MinReplayPrivacyLevel overrides redact.min_replay_privacy_level for
	// this application ("" keeps the global one).
	MinReplayPrivacyLevel string `toml:"min_replay_privacy_level"`
}

// Retention deletes sessions that ended more than MaxAge ago, with their
// events and replay segments (internal/retention).
type Retention struct {
	MaxAge   Duration `toml:"max_age"`  // 0 keeps everything (the default)
	Interval Duration `toml:"interval"` // how often `serve` sweeps; 0: only `reprise gc`
}

// Redact is the collector's second privacy pass over what SDKs send
// (internal/redact): text patterns replaced in RUM events, and a minimum
// privacy level for replay segments.
type Redact struct {
	Cards  bool `toml:"cards"`  // Luhn-checked card numbers
	Emails bool `toml:"emails"` // email addresses, also percent-encoded
	// Patterns are "name=regexp" (RE2) or a bare regexp. In a flag or
	// REPRISE_REDACT_PATTERNS they are separated by newlines, since a
	// regexp may contain commas.
	Patterns []string `toml:"patterns"`
	// MinReplayPrivacyLevel refuses segments whose metadata says they were
	// recorded with a weaker level: "" or allow, mask-user-input, mask.
	MinReplayPrivacyLevel string `toml:"min_replay_privacy_level"`
}

// RUM lists the intake paths, in the terms of Datakit's RUM collector so that
// a Guance configuration carries over.
type RUM struct {
	Endpoints []string `toml:"endpoints"`
	// SessionReplayEndpoints empty turns replay intake off (404).
	SessionReplayEndpoints []string `toml:"session_replay_endpoints"`
	// DatadogProxy is the path the Datadog browser SDK's `proxy` option points
	// at; empty turns Datadog compatibility off.
	DatadogProxy string `toml:"datadog_proxy"`
}

// Limits bound what one request may cost. Sizes are bytes.
type Limits struct {
	MaxBodyBytes         int64 `toml:"max_body_bytes"`         // request body as sent (compressed)
	MaxDecompressedBytes int64 `toml:"max_decompressed_bytes"` // after inflating; stops zip bombs
	MaxEventsPerBatch    int   `toml:"max_events_per_batch"`
	MaxRecordsPerSegment int   `toml:"max_records_per_segment"`
	MaxFieldBytes        int   `toml:"max_field_bytes"` // one JSON string value in an event
	MaxJSONDepth         int   `toml:"max_json_depth"`  // nesting of one event
	// MaxInflightRequests and MaxInflightBytes bound the intake requests
	// being handled at once, by count and by declared body size (a body of
	// unknown length counts as max_body_bytes); past either, intake answers
	// 429 with Retry-After instead of queueing, so memory stays bounded:
	// about max_inflight_bytes plus max_inflight_requests times twice
	// max_decompressed_bytes (an inflating buffer grows by doubling) in the
	// worst case of every request being a zip bomb.
	MaxInflightRequests int   `toml:"max_inflight_requests"`
	MaxInflightBytes    int64 `toml:"max_inflight_bytes"`
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		Listen:          "127.0.0.1:9529",
		DataDir:         "./data",
		LogFormat:       "text",
		LogLevel:        "info",
		ShutdownTimeout: Duration(30 * time.Second),
		// Bodies are bounded by max_body_bytes; a minute lets a slow mobile
		// link upload a large segment.
		ReadHeaderTimeout: Duration(10 * time.Second),
		ReadTimeout:       Duration(time.Minute),
		IdleTimeout:       Duration(2 * time.Minute),
		RUM: RUM{
			Endpoints:              []string{"/v1/write/rum"},
			SessionReplayEndpoints: []string{"/v1/write/rum/replay"},
			DatadogProxy:           "/v1/datadog",
		},
		Limits: DefaultLimits(),
		// Private by default: replays recorded with inputs shown are refused
		// unless the operator lowers the minimum.
		Redact:    Redact{Cards: true, Emails: true, MinReplayPrivacyLevel: "mask-user-input"},
		Retention: Retention{Interval: Duration(time.Hour)},
	}
}

// DefaultLimits are sized for real SDK traffic with a wide margin: Datadog's
// SDK flushes RUM batches at ~16 KiB and 50 events and drops events of 256 KiB,
// while one replay segment holding a full snapshot of a large page can reach
// several MB compressed (Datakit accepts 32 MiB).
func DefaultLimits() Limits {
	return Limits{
		MaxBodyBytes:         16 << 20,
		MaxDecompressedBytes: 64 << 20,
		MaxEventsPerBatch:    1000,
		MaxRecordsPerSegment: 100_000,
		MaxFieldBytes:        256 << 10,
		MaxJSONDepth:         64,
		MaxInflightRequests:  64,
		MaxInflightBytes:     256 << 20,
	}
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.Listen == "" {
		errs = append(errs, errors.New("listen is empty"))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data_dir is empty"))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log_format %q: want text or json", c.LogFormat))
	}
	if _, err := ParseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if len(c.RUM.Endpoints) == 0 {
		errs = append(errs, errors.New("rum.endpoints is empty: RUM intake needs at least one path"))
	}
	paths := map[string]bool{}
	all := append(append([]string{}, c.RUM.Endpoints...), c.RUM.SessionReplayEndpoints...)
	if c.RUM.DatadogProxy != "" {
		all = append(all, c.RUM.DatadogProxy)
	}
	for _, p := range all {
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "{} \t?#") {
			errs = append(errs, fmt.Errorf("endpoint %q: want an absolute path without wildcards or query", p))
		}
		if paths[p] {
			errs = append(errs, fmt.Errorf("endpoint %q is listed twice", p))
		}
		paths[p] = true
	}
	l := c.Limits
	if l.MaxBodyBytes <= 0 || l.MaxDecompressedBytes <= 0 || l.MaxEventsPerBatch <= 0 ||
		l.MaxRecordsPerSegment <= 0 || l.MaxFieldBytes <= 0 || l.MaxJSONDepth <= 0 ||
		l.MaxInflightRequests <= 0 || l.MaxInflightBytes <= 0 {
		errs = append(errs, fmt.Errorf("limits: every limit must be positive, got %+v", l))
	}
	if _, err := redact.ParsePatterns(c.Redact.Patterns); err != nil {
		errs = append(errs, err)
	}
	if err := c.SegmentPolicy().Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Retention.MaxAge < 0 || c.Retention.Interval < 0 {
		errs = append(errs, errors.New("retention: max_age and interval must not be negative"))
	}
	if c.ShutdownTimeout < 0 {
		errs = append(errs, errors.New("shutdown_timeout is negative"))
	}
	if c.ReadHeaderTimeout <= 0 || c.ReadTimeout <= 0 || c.IdleTimeout <= 0 {
		errs = append(errs, errors.New("read_header_timeout, read_timeout and idle_timeout must be positive"))
	}
	return errors.Join(errs...)
}

// Duration is a time.Duration that reads "30s" from TOML and flags.
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler for TOML.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// String formats like time.Duration.
func (d Duration) String() string { return time.Duration(d).String() }

// Set implements flag.Value.
func (d *Duration) Set(s string) error { return d.UnmarshalText([]byte(s)) }

// SegmentPolicy is the replay privacy minimum, global and per application.
func (c Config) SegmentPolicy() redact.SegmentPolicy {
	p := redact.SegmentPolicy{Minimum: c.Redact.MinReplayPrivacyLevel}
	for _, a := range c.Apps {
		if a.MinReplayPrivacyLevel != "" {
			if p.PerApp == nil {
				p.PerApp = map[string]string{}
			}
			p.PerApp[a.ID] = a.MinReplayPrivacyLevel
		}
	}
	return p
}
