// Command reprise is the self-hosted session replay and RUM server.
//
//	reprise serve [--config FILE] [--listen ADDR] [--data-dir DIR] [--demo] …
//	reprise gc [--config FILE] [--data-dir DIR] [--older-than 720h]
//	reprise delete --session ID [--config FILE] [--data-dir DIR]
//	reprise version
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/server"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	os.Exit(run(os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr))
}

const usage = `usage:
  reprise serve [flags]   start the server (reprise serve -h lists the flags)
  reprise gc [flags]      delete sessions older than retention.max_age (stop serve first)
  reprise delete --session ID [flags]
                          erase a session's events and replay (stop serve first)
  reprise version         print the version
`

func run(args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], lookupEnv, stderr)
	case "gc":
		return gc(args[1:], lookupEnv, stdout, stderr)
	case "delete":
		return deleteCmd(args[1:], lookupEnv, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "reprise", versionString())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "reprise: unknown command %q\n%s", args[0], usage)
		return 2
	}
}

func serve(args []string, lookupEnv func(string) (string, bool), stderr io.Writer) int {
	cfg, err := config.Load(args, lookupEnv, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "reprise serve: %v\n", err)
		return 2
	}
	log := newLogger(cfg, stderr)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := server.Run(ctx, cfg, log, versionString(), nil); err != nil {
		log.Error("reprise serve failed", "err", err)
		return 1
	}
	return 0
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	level, _ := config.ParseLevel(cfg.LogLevel) // checked by config.Load
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	l := slog.New(h)
	slog.SetDefault(l)
	return l
}

// versionString is the -X version, else the module version or VCS revision
// Go recorded in the binary.
func versionString() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "devel-" + rev
}
