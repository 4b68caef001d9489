package config

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "reprise.toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load(nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg, Default(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Load()=%+v, want %+v", got, want)
	}
	if cfg.Listen != "127.0.0.1:9529" || cfg.DataDir != "./data" {
		t.Fatalf("defaults: listen %q data_dir %q", cfg.Listen, cfg.DataDir)
	}
}

// Precedence: flags > environment > file > defaults, key by key.
func TestLoadPrecedence(t *testing.T) {
	path := writeFile(t, `
listen = "127.0.0.1:1111"
data_dir = "/file/data"
log_format = "json"
shutdown_timeout = "5s"
[rum]
endpoints = ["/a", "/b"]
session_replay_endpoints = ["/file/replay"]
[limits]
max_body_bytes = 100
max_json_depth = 7
`)
	cfg, err := Load(
		[]string{"--config", path, "--listen", "127.0.0.1:3333", "--demo"},
		env(map[string]string{
			"REPRISE_LISTEN":                       "127.0.0.1:2222",
			"REPRISE_DATA_DIR":                     "/env/data",
			"REPRISE_LIMITS_MAX_BODY_BYTES":        "200",
			"REPRISE_RUM_SESSION_REPLAY_ENDPOINTS": "/env/r1, /env/r2",
		}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen (flag)", cfg.Listen, "127.0.0.1:3333"},
		{"data_dir (env)", cfg.DataDir, "/env/data"},
		{"demo (flag)", cfg.Demo, true},
		{"log_format (file)", cfg.LogFormat, "json"},
		{"log_level (default)", cfg.LogLevel, "info"},
		{"shutdown_timeout (file)", time.Duration(cfg.ShutdownTimeout), 5 * time.Second},
		{"rum.endpoints (file)", cfg.RUM.Endpoints, []string{"/a", "/b"}},
		{"replay endpoints (env)", cfg.RUM.SessionReplayEndpoints, []string{"/env/r1", "/env/r2"}},
		{"max_body_bytes (env)", cfg.Limits.MaxBodyBytes, int64(200)},
		{"max_json_depth (file)", cfg.Limits.MaxJSONDepth, 7},
		{"max_events_per_batch (default)", cfg.Limits.MaxEventsPerBatch, DefaultLimits().MaxEventsPerBatch},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// An empty replay endpoint list is how an operator turns replay intake off; it
// must survive every source rather than fall back to the default.
func TestLoadEmptyReplayEndpoints(t *testing.T) {
	path := writeFile(t, "[rum]\nsession_replay_endpoints = []\n")
	for name, tc := range map[string]struct {
		args []string
		env  map[string]string
	}{
		"file":           {args: []string{"--config", path}},
		"env":            {env: map[string]string{"REPRISE_RUM_SESSION_REPLAY_ENDPOINTS": ""}},
		"flag":           {args: []string{"--session-replay-endpoints="}},
		"config via env": {env: map[string]string{"REPRISE_CONFIG": path}},
	} {
		cfg, err := Load(tc.args, env(tc.env), io.Discard)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := len(cfg.RUM.SessionReplayEndpoints); got != 0 {
			t.Errorf("%s: %d replay endpoints, want 0", name, got)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	typo := writeFile(t, "[limits]\nmax_body_byte = 5\n")
	for name, tc := range map[string]struct {
		args    []string
		env     map[string]string
		wantErr string
	}{
		"unknown key":    {args: []string{"--config", typo}, wantErr: "limits.max_body_byte"},
		"missing file":   {args: []string{"--config", "/nonexistent/reprise.toml"}, wantErr: "read config"},
		"bad int env":    {env: map[string]string{"REPRISE_LIMITS_MAX_EVENTS_PER_BATCH": "many"}, wantErr: "REPRISE_LIMITS_MAX_EVENTS_PER_BATCH"},
		"zero limit":     {args: []string{"--max-json-depth", "0"}, wantErr: "positive"},
		"bad log format": {args: []string{"--log-format", "xml"}, wantErr: "log_format"},
		"relative path":  {args: []string{"--rum-endpoints", "v1/rum"}, wantErr: "absolute path"},
		"duplicate path": {args: []string{"--session-replay-endpoints", "/v1/write/rum"}, wantErr: "twice"},
		"unknown flag":   {args: []string{"--nope"}, wantErr: "nope"},
		"extra argument": {args: []string{"extra"}, wantErr: "unexpected arguments"},
		"bad duration":   {args: []string{"--shutdown-timeout", "soon"}, wantErr: "shutdown-timeout"},
	} {
		_, err := Load(tc.args, env(tc.env), io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: err=%v, want it to mention %q", name, err, tc.wantErr)
		}
	}
}

func TestLoadRedact(t *testing.T) {
	path := writeFile(t, `
[redact]
cards = false
patterns = ['order=ORD-\d{4,8}', 'cust=C\d+']
min_replay_privacy_level = "mask-user-input"
`)
	cfg, err := Load([]string{"--config", path}, env(map[string]string{"REPRISE_REDACT_EMAILS": "false"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := Redact{Cards: false, Emails: false, Patterns: []string{`order=ORD-\d{4,8}`, `cust=C\d+`}, MinReplayPrivacyLevel: "mask-user-input"}
	if !reflect.DeepEqual(cfg.Redact, want) {
		t.Fatalf("Redact=%+v, want %+v", cfg.Redact, want)
	}
	// Flags and variables separate patterns by newlines: a regexp may hold commas.
	cfg, err = Load([]string{"--redact-patterns", "a=x{1,2}\nb=y"}, env(nil), io.Discard)
	if err != nil || !reflect.DeepEqual(cfg.Redact.Patterns, []string{"a=x{1,2}", "b=y"}) {
		t.Fatalf("patterns from a flag: %q, %v", cfg.Redact.Patterns, err)
	}
	if d := Default().Redact; !d.Cards || !d.Emails || d.MinReplayPrivacyLevel != "mask-user-input" {
		t.Fatalf("default redaction %+v: cards and emails on, replays at least mask-user-input", d)
	}
	for _, args := range [][]string{{"--redact-patterns", "bad=("}, {"--min-replay-privacy-level", "blur"}} {
		if _, err := Load(args, env(nil), io.Discard); err == nil {
			t.Errorf("Load(%q) accepted", args)
		}
	}
}

func TestLoadAppReplayPrivacy(t *testing.T) {
	path := writeFile(t, `
[redact]
min_replay_privacy_level = "allow"
[[apps]]
id = "bank"
min_replay_privacy_level = "mask"
[[apps]]
id = "shop"
`)
	cfg, err := Load([]string{"--config", path}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.SegmentPolicy()
	if p.Minimum != "allow" || !reflect.DeepEqual(p.PerApp, map[string]string{"bank": "mask"}) {
		t.Fatalf("SegmentPolicy = %+v", p)
	}
	if err := p.Check("bank", "mask-user-input"); err == nil {
		t.Error("bank accepted a mask-user-input segment")
	}
	if err := p.Check("shop", "allow"); err != nil {
		t.Errorf("shop refused allow: %v", err)
	}
	bad := writeFile(t, "[[apps]]\nid = \"x\"\nmin_replay_privacy_level = \"blur\"\n")
	if _, err := Load([]string{"--config", bad}, env(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "blur") {
		t.Errorf("unknown per-app level: err = %v", err)
	}
}

func TestLoadRetention(t *testing.T) {
	cfg, err := Load(nil, env(nil), io.Discard)
	if err != nil || cfg.Retention.MaxAge != 0 {
		t.Fatalf("default retention %+v, %v: everything is kept unless configured", cfg.Retention, err)
	}
	path := writeFile(t, "[retention]\nmax_age = \"720h\"\ninterval = \"10m\"\n")
	cfg, err = Load([]string{"--config", path, "--retention-interval", "0"}, env(nil), io.Discard)
	if err != nil || time.Duration(cfg.Retention.MaxAge) != 720*time.Hour || cfg.Retention.Interval != 0 {
		t.Fatalf("retention %+v, %v", cfg.Retention, err)
	}
	if _, err := Load([]string{"--retention-max-age", "-1h"}, env(nil), io.Discard); err == nil {
		t.Fatal("negative max age accepted")
	}
}
