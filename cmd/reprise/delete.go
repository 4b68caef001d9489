package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/server"
)

// deleteCmd runs `reprise delete --session ID [--session ID…] [serve's
// flags]`: a person's erasure request, on a stopped server's data directory
// (a running server takes DELETE /api/v1/sessions/{id} instead).
func deleteCmd(args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) int {
	ids, rest, err := sessionArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "reprise delete: %v\nusage: reprise delete --session ID [--session ID…] [--config FILE] [--data-dir DIR]\n", err)
		return 2
	}
	ctx, cfg, stop, ok := startOffline("reprise delete", rest, lookupEnv, stderr)
	if !ok {
		return 2
	}
	defer stop()
	if err := server.DeleteSessions(ctx, cfg, ids); err != nil {
		fmt.Fprintf(stderr, "reprise delete: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "deleted %d session(s): %s\n", len(ids), strings.Join(ids, ", "))
	return 0
}

// startOffline is the start of a command that works on a stopped server's
// data directory (gc, delete): it loads serve's configuration, sets up
// logging, and returns a context that Ctrl-C or SIGTERM cancels. When ok is
// false the error is already written to stderr and the exit code is 2.
func startOffline(name string, args []string, lookupEnv func(string) (string, bool), stderr io.Writer) (ctx context.Context, cfg config.Config, stop context.CancelFunc, ok bool) {
	cfg, err := config.LoadCommand(name, args, lookupEnv, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return nil, config.Config{}, nil, false
	}
	newLogger(cfg, stderr)
	ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	return ctx, cfg, stop, true
}

// sessionArgs takes the --session flags out of args (the rest are the
// configuration flags that every command shares).
func sessionArgs(args []string) (ids, rest []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "session" {
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, nil, fmt.Errorf("flag needs an argument: %s", a)
			}
			i++
			value = args[i]
		}
		if value = strings.TrimSpace(value); value == "" {
			return nil, nil, fmt.Errorf("empty session id")
		}
		ids = append(ids, value)
	}
	if len(ids) == 0 {
		return nil, nil, errors.New("--session ID is required")
	}
	return ids, rest, nil
}
