package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// setting is one configuration key with its three spellings: the TOML key,
// the flag and the REPRISE_* variable. One table keeps them in step.
type setting struct {
	key    string // TOML key path, e.g. "limits.max_body_bytes"
	flag   string
	usage  string
	isBool bool
	set    func(c *Config, v string) error
	env    string // the variable's name when not derived from key
}

// envName derives REPRISE_LIMITS_MAX_BODY_BYTES from "limits.max_body_bytes".
func (s setting) envName() string {
	if s.env != "" {
		return s.env
	}
	return "REPRISE_" + strings.ToUpper(strings.ReplaceAll(s.key, ".", "_"))
}

var settings = []setting{
	{key: "listen", flag: "listen", usage: "address to listen on (host:port)", set: func(c *Config, v string) error { c.Listen = v; return nil }},
	{key: "data_dir", flag: "data-dir", usage: "directory for the database and replay blobs", set: func(c *Config, v string) error { c.DataDir = v; return nil }},
	{key: "demo", flag: "demo", usage: "also serve the instrumented demo site at /demo/", isBool: true, set: func(c *Config, v string) error { return parseBool(&c.Demo, v) }},
	{key: "pprof", flag: "pprof", usage: "serve Go's profiler at /debug/pprof/", isBool: true, set: func(c *Config, v string) error { return parseBool(&c.Pprof, v) }},
	{key: "log_format", flag: "log-format", usage: "log format: text or json", set: func(c *Config, v string) error { c.LogFormat = v; return nil }},
	{key: "log_level", flag: "log-level", usage: "log level: debug, info, warn or error", set: func(c *Config, v string) error { c.LogLevel = v; return nil }},
	{key: "shutdown_timeout", flag: "shutdown-timeout", usage: "how long accepted requests may take to finish on shutdown", set: func(c *Config, v string) error { return c.ShutdownTimeout.Set(v) }},
	{key: "read_header_timeout", flag: "read-header-timeout", usage: "how long a client may take to send request headers", set: func(c *Config, v string) error { return c.ReadHeaderTimeout.Set(v) }},
	{key: "read_timeout", flag: "read-timeout", usage: "how long a client may take to send a whole request, body included", set: func(c *Config, v string) error { return c.ReadTimeout.Set(v) }},
	{key: "idle_timeout", flag: "idle-timeout", usage: "how long a kept-alive connection may wait for its next request", set: func(c *Config, v string) error { return c.IdleTimeout.Set(v) }},
	{key: "rum.endpoints", flag: "rum-endpoints", usage: "comma-separated RUM intake paths", set: func(c *Config, v string) error { c.RUM.Endpoints = splitList(v); return nil }},
	{key: "rum.session_replay_endpoints", flag: "session-replay-endpoints", usage: "comma-separated replay intake paths; empty turns replay intake off", set: func(c *Config, v string) error { c.RUM.SessionReplayEndpoints = splitList(v); return nil }},
	{key: "rum.datadog_proxy", flag: "datadog-proxy", usage: "path for the Datadog SDK's proxy option; empty turns it off", set: func(c *Config, v string) error { c.RUM.DatadogProxy = v; return nil }},
	{key: "limits.max_body_bytes", flag: "max-body-bytes", usage: "largest request body as sent", set: func(c *Config, v string) error { return parseInt64(&c.Limits.MaxBodyBytes, v) }},
	{key: "limits.max_decompressed_bytes", flag: "max-decompressed-bytes", usage: "largest request body or segment after inflating", set: func(c *Config, v string) error { return parseInt64(&c.Limits.MaxDecompressedBytes, v) }},
	{key: "limits.max_events_per_batch", flag: "max-events-per-batch", usage: "most RUM events in one request", set: func(c *Config, v string) error { return parseInt(&c.Limits.MaxEventsPerBatch, v) }},
	{key: "limits.max_records_per_segment", flag: "max-records-per-segment", usage: "most records in one replay segment", set: func(c *Config, v string) error { return parseInt(&c.Limits.MaxRecordsPerSegment, v) }},
	{key: "limits.max_field_bytes", flag: "max-field-bytes", usage: "longest JSON string value in a RUM event", set: func(c *Config, v string) error { return parseInt(&c.Limits.MaxFieldBytes, v) }},
	{key: "limits.max_json_depth", flag: "max-json-depth", usage: "deepest JSON nesting of a RUM event", set: func(c *Config, v string) error { return parseInt(&c.Limits.MaxJSONDepth, v) }},
	{key: "limits.max_inflight_requests", flag: "max-inflight-requests", usage: "most intake requests handled at once; past it intake answers 429", set: func(c *Config, v string) error { return parseInt(&c.Limits.MaxInflightRequests, v) }},
	{key: "limits.max_inflight_bytes", flag: "max-inflight-bytes", usage: "most declared intake body bytes handled at once; past it intake answers 429", set: func(c *Config, v string) error { return parseInt64(&c.Limits.MaxInflightBytes, v) }},
	{key: "redact.cards", flag: "redact-cards", usage: "replace card numbers in RUM events", isBool: true, set: func(c *Config, v string) error { return parseBool(&c.Redact.Cards, v) }},
	{key: "redact.emails", flag: "redact-emails", usage: "replace email addresses in RUM events", isBool: true, set: func(c *Config, v string) error { return parseBool(&c.Redact.Emails, v) }},
	{key: "redact.patterns", flag: "redact-patterns", usage: "newline-separated name=regexp patterns to replace in RUM events", set: func(c *Config, v string) error { c.Redact.Patterns = splitLines(v); return nil }},
	{key: "redact.min_replay_privacy_level", flag: "min-replay-privacy-level", usage: "refuse replay segments recorded below this level (allow, mask-user-input, mask)", set: func(c *Config, v string) error { c.Redact.MinReplayPrivacyLevel = v; return nil }},
	{key: "retention.max_age", flag: "retention-max-age", usage: "delete sessions that ended longer ago than this (e.g. 720h); 0 keeps everything", set: func(c *Config, v string) error { return c.Retention.MaxAge.Set(v) }},
	// DESIGN 3.1 names these two REPRISE_ADMIN_PASSWORD and REPRISE_API_TOKENS.
	{key: "auth.admin_password", flag: "admin-password", env: "REPRISE_ADMIN_PASSWORD", usage: "the admin password; empty: generated at first start and printed once", set: func(c *Config, v string) error { c.Auth.AdminPassword = v; return nil }},
	{key: "auth.api_tokens", flag: "api-tokens", env: "REPRISE_API_TOKENS", usage: "comma-separated API tokens for scripts (Authorization: Bearer …)", set: func(c *Config, v string) error { c.Auth.APITokens = splitList(v); return nil }},
	{key: "retention.interval", flag: "retention-interval", usage: "how often serve deletes expired sessions; 0 turns the background pass off", set: func(c *Config, v string) error { return c.Retention.Interval.Set(v) }},
}

// Load builds the configuration of `reprise serve` from its arguments and
// environment: defaults < TOML file (--config or REPRISE_CONFIG) < REPRISE_*
// variables < flags. lookupEnv is os.LookupEnv outside tests. The flag usage
// text goes to usageOut.
func Load(args []string, lookupEnv func(string) (string, bool), usageOut io.Writer) (Config, error) {
	return LoadCommand("reprise serve", args, lookupEnv, usageOut)
}

// LoadCommand is Load for another subcommand (`reprise gc`): the same keys,
// with the command's name in usage and errors.
func LoadCommand(name string, args []string, lookupEnv func(string) (string, bool), usageOut io.Writer) (Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(usageOut)
	configFile := fs.String("config", "", "TOML configuration file (also REPRISE_CONFIG)")
	raw := make(map[string]*rawValue, len(settings))
	for _, s := range settings {
		v := &rawValue{isBool: s.isBool}
		raw[s.flag] = v
		fs.Var(v, s.flag, fmt.Sprintf("%s (%s)", s.usage, s.envName()))
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}

	cfg := Default()
	path := *configFile
	if path == "" {
		path, _ = lookupEnv("REPRISE_CONFIG")
	}
	if path != "" {
		if err := loadFile(path, &cfg); err != nil {
			return Config{}, err
		}
	}
	for _, s := range settings {
		if v, ok := lookupEnv(s.envName()); ok {
			if err := s.set(&cfg, v); err != nil {
				return Config{}, fmt.Errorf("%s=%q: %w", s.envName(), v, err)
			}
		}
	}
	var flagErr error
	fs.Visit(func(f *flag.Flag) {
		for _, s := range settings {
			if s.flag == f.Name && flagErr == nil {
				if err := s.set(&cfg, raw[s.flag].value); err != nil {
					flagErr = fmt.Errorf("--%s=%q: %w", s.flag, raw[s.flag].value, err)
				}
			}
		}
	})
	if flagErr != nil {
		return Config{}, flagErr
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("invalid configuration: %w", err)
	}
	return cfg, nil
}

// loadFile decodes a TOML file over cfg. Unknown keys are an error: a typo in
// a limit should not silently leave the default in force.
func loadFile(path string, cfg *Config) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	md, err := toml.Decode(string(b), cfg)
	if err != nil {
		return fmt.Errorf("parse config %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return fmt.Errorf("config %s: unknown keys: %s", path, strings.Join(keys, ", "))
	}
	return nil
}

// ParseLevel maps a log_level setting to a slog level.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("log_level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// rawValue is a flag that keeps the text as given, so that only the flags
// actually set override the file and environment.
type rawValue struct {
	value  string
	isBool bool
}

func (v *rawValue) String() string     { return v.value }
func (v *rawValue) Set(s string) error { v.value = s; return nil }
func (v *rawValue) IsBoolFlag() bool   { return v.isBool }

func splitList(v string) []string {
	out := []string{}
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func splitLines(v string) []string {
	out := []string{}
	for _, p := range strings.Split(v, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseBool(dst *bool, v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return errors.New("want true or false")
	}
	*dst = b
	return nil
}

func parseInt64(dst *int64, v string) error {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return errors.New("want an integer")
	}
	*dst = n
	return nil
}

func parseInt(dst *int, v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return errors.New("want an integer")
	}
	*dst = n
	return nil
}
