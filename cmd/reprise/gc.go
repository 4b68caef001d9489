package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/reprise-rum/reprise/internal/metrics"
	"github.com/reprise-rum/reprise/internal/server"
)

// gc runs one retention pass: `reprise gc [--config FILE] [--older-than
// 720h]`. It takes every `serve` setting (data_dir, retention.max_age …);
// --older-than is the short name of --retention-max-age. It refuses to run
// while a server holds the data directory.
func gc(args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) int {
	ctx, cfg, stop, ok := startOffline("reprise gc", olderThanAlias(args), lookupEnv, stderr)
	if !ok {
		return 2
	}
	defer stop()
	size := func() float64 { return (&metrics.DirSize{Dir: cfg.DataDir, TTL: -1}).Bytes() }
	before := size()
	res, err := server.GC(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "reprise gc: %v\n", err)
		return 1
	}
	after := size()
	fmt.Fprintf(stdout, "removed %d sessions that ended before %s (%s); data directory %s -> %s\n",
		res.Sessions, res.Cutoff.UTC().Format(time.RFC3339), res.Took.Round(time.Millisecond), mib(before), mib(after))
	return 0
}

// olderThanAlias rewrites --older-than (the name operators reach for) into
// the configuration flag it stands for.
func olderThanAlias(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		for _, p := range []string{"--older-than", "-older-than"} {
			if a == p {
				a = "--retention-max-age"
			} else if v, ok := strings.CutPrefix(a, p+"="); ok {
				a = "--retention-max-age=" + v
			}
		}
		out[i] = a
	}
	return out
}

func mib(b float64) string { return fmt.Sprintf("%.1f MiB", b/(1<<20)) }
