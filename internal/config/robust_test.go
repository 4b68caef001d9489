package config

import (
	"io"
	"testing"
	"time"
)

func TestLoadTimeoutsAndInflightLimits(t *testing.T) {
	cfg, err := Load(nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ReadHeaderTimeout != Duration(10*time.Second) || cfg.Limits.MaxInflightRequests <= 0 || cfg.Limits.MaxInflightBytes <= 0 {
		t.Fatalf("defaults: %v %+v", cfg.ReadHeaderTimeout, cfg.Limits)
	}
	path := writeFile(t, "read_header_timeout = \"2s\"\n[limits]\nmax_inflight_requests = 8\n")
	cfg, err = Load([]string{"--config", path, "--idle-timeout", "5s", "--max-inflight-bytes", "1048576"},
		env(map[string]string{"REPRISE_READ_TIMEOUT": "7s"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ReadHeaderTimeout != Duration(2*time.Second) || cfg.ReadTimeout != Duration(7*time.Second) ||
		cfg.IdleTimeout != Duration(5*time.Second) || cfg.Limits.MaxInflightRequests != 8 || cfg.Limits.MaxInflightBytes != 1<<20 {
		t.Fatalf("loaded %+v", cfg)
	}
	for _, args := range [][]string{{"--read-header-timeout", "0s"}, {"--max-inflight-requests", "0"}} {
		if _, err := Load(args, env(nil), io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
