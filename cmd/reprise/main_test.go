package main

import (
	"bytes"
	"strings"
	"testing"
)

func noEnv(string) (string, bool) { return "", false }

func TestRunCommands(t *testing.T) {
	for _, tc := range []struct {
		args        []string
		code        int
		out, errOut string
	}{
		{args: []string{"version"}, code: 0, out: "reprise "},
		{args: nil, code: 2, errOut: "usage"},
		{args: []string{"frobnicate"}, code: 2, errOut: `unknown command "frobnicate"`},
		{args: []string{"serve", "--max-json-depth", "-1"}, code: 2, errOut: "positive"},
		{args: []string{"serve", "--config", "/nonexistent.toml"}, code: 2, errOut: "read config"},
		{args: []string{"help"}, code: 0, out: "reprise serve"},
		{args: []string{"gc", "--data-dir", t.TempDir()}, code: 1, errOut: "retention.max_age is 0"},
		{args: []string{"delete", "--data-dir", t.TempDir()}, code: 2, errOut: "--session ID is required"},
		{args: []string{"delete", "--session"}, code: 2, errOut: "needs an argument"},
		{args: []string{"delete", "--session", "nope", "--data-dir", t.TempDir()}, code: 1, errOut: "session nope: not found"},
	} {
		var out, errOut bytes.Buffer
		code := run(tc.args, noEnv, &out, &errOut)
		if code != tc.code || !strings.Contains(out.String(), tc.out) || !strings.Contains(errOut.String(), tc.errOut) {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want %d, %q, %q", tc.args, code, out.String(), errOut.String(), tc.code, tc.out, tc.errOut)
		}
	}
}
